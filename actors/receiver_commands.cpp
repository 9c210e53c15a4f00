#include "actors/receiver_steps.hpp"
#include "storage/sample.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <cmath>

namespace tributary::receiver_steps {

void flush_definition(receiver_ptr self) {
  auto& st = self->state;
  if (st.dirty == nullptr)
    return;
  // Rows and points queued before the definition changed go first. (Sent
  // only then: sent at every BEGIN, each row went to the host alone.)
  send_pending(self);
  // Thousands of charts keep these for good: no room for more (one sent
  // before has none).
  auto& dims = st.dirty->def->dimensions;
  if (dims.capacity() != dims.size())
    st.dirty->writable_def().dimensions.shrink_to_fit();
  st.dirty->by_id.shrink_to_fit();
  self->send(st.host, atom::define::value, shared_chart_def{st.dirty->def});
  st.dirty = nullptr;
}

/// Points a batch holds at most (a 600 s replication step is one batch).
constexpr size_t max_replay_batch = 1024;

/// Rows a batch holds at most.
constexpr size_t max_row_batch = 256;

void send_replays(receiver_ptr self) {
  auto& st = self->state;
  if (st.replay_out.empty())
    return;
  self->send(st.host, std::move(st.replay_out));
  st.replay_out = replay_batch{};
}

void send_rows(receiver_ptr self) {
  auto& st = self->state;
  if (st.rows_out.rows.empty())
    return;
  self->send(st.host, std::move(st.rows_out));
  st.rows_out = row_batch{};
}

void send_pending(receiver_ptr self) {
  send_rows(self);
  send_replays(self);
}

void flush_replay(receiver_ptr self) {
  auto& st = self->state;
  auto open = st.replay_open;
  if (open == receiver_state::replay_input::none)
    return;
  st.replay_open = receiver_state::replay_input::none;
  send_rows(self);
  auto& out = st.replay_out;
  if (open == receiver_state::replay_input::state) {
    if (out.chart_id != st.replay_chart)
      send_replays(self);
    out.chart_id = st.replay_chart;
    out.has_state = true;
    out.state = std::move(st.replay_closing);
    st.replay_closing = replay_state{};
    // The state form closes a response: what follows may need it stored.
    send_replays(self);
    return;
  }
  auto width = static_cast<uint32_t>(st.replay_values.size());
  if (out.chart_id != st.replay_chart
      || (!out.times.empty() && out.width != width))
    send_replays(self);
  out.chart_id = st.replay_chart;
  out.width = width;
  out.times.push_back(st.replay_at);
  out.values.insert(out.values.end(), st.replay_values.begin(),
                    st.replay_values.end());
  out.flags.insert(out.flags.end(), st.replay_flags.begin(),
                   st.replay_flags.end());
  out.is_set.insert(out.is_set.end(), st.replay_is_set.begin(),
                    st.replay_is_set.end());
  if (out.times.size() >= max_replay_batch)
    send_replays(self);
}

outcome handle_set(receiver_ptr self, const protocol::set_view& x) {
  auto& st = self->state;
  if (st.ignoring)
    return {};
  if (st.current == nullptr || !st.in_row)
    return fail("requested a SET on dimension '" + std::string{x.dimension_id}
                + "' without a chart");
  auto i = st.current->find_dimension(x.dimension_id);
  if (i == chart_entry::npos && st.refused_dimensions > 0)
    return {};
  if (i == chart_entry::npos)
    return fail("requested a SET on chart '" + st.current->def->id
                + "' of host '" + st.hello.host.hostname
                + "', without a dimension '" + std::string{x.dimension_id}
                + "'");
  if (x.value) {
    st.row.values[i] = *x.value;
    st.row.is_set[i] = 1;
  }
  return {};
}

outcome handle_rset(receiver_ptr self, const protocol::rset_view& x) {
  auto& st = self->state;
  if (st.ignoring)
    return {};
  if (st.current == nullptr)
    return fail("requested a RSET without a chart");
  auto i = st.current->find_dimension(x.dimension_id);
  if (i == chart_entry::npos && st.refused_dimensions > 0)
    return {};
  if (i == chart_entry::npos)
    return fail("requested a RSET on chart '" + st.current->def->id
                + "', without a dimension '" + std::string{x.dimension_id}
                + "'");
  // A dimension defined after the point's RBEGIN has no value in it.
  if (st.replay_open != receiver_state::replay_input::point
      || i >= st.replay_values.size())
    return {};
  uint8_t flags = 0;
  if (x.flags.find('E') != std::string_view::npos || std::isnan(x.value))
    flags |= storage::flag_empty;
  if (x.flags.find('R') != std::string_view::npos)
    flags |= storage::flag_reset;
  st.replay_values[i] = x.value;
  st.replay_flags[i] = flags;
  st.replay_is_set[i] = 1;
  return {};
}

outcome handle_rbegin(receiver_ptr self, const protocol::rbegin& x) {
  auto& st = self->state;
  flush_definition(self);
  flush_replay(self);
  if (!x.has_times) {
    st.ignoring = false;
    auto i = st.charts.find(x.chart_id);
    if (i == st.charts.end() && st.refused_charts > 0) {
      st.current = nullptr;
      st.ignoring = true;
      return {};
    }
    if (i == st.charts.end())
      return fail("requested a RBEGIN on chart '" + x.chart_id
                  + "', which does not exist");
    st.current = &i->second;
    return {};
  }
  if (st.ignoring)
    return {};
  if (st.current == nullptr)
    return fail("requested a RBEGIN without a chart");
  auto n = st.current->def->dimensions.size();
  st.current->next_dim = 0;
  // Netdata drops points with bad times (docs/protocol.md "Storing replicated
  // points"); so do we.
  if (x.point_start <= 0 || x.point_end <= x.point_start)
    return {};
  st.replay_chart = st.current->def->id;
  st.replay_at = replay_times{x.point_start, x.point_end,
                              x.child_now.value_or(0), st.ctx.now_usec()};
  st.replay_values.assign(n, std::nan(""));
  st.replay_flags.assign(n, storage::flag_empty);
  st.replay_is_set.assign(n, 0);
  st.replay_open = receiver_state::replay_input::point;
  return {};
}

namespace {

/// Handles one command; the visitor of `protocol::command`.
struct dispatcher {
  receiver_ptr self;
  receiver_state& st;

  outcome operator()(const protocol::chart& c) {
    flush_definition(self);
    if (c.id.empty() || c.id.find('.') == std::string::npos)
      return fail("requested a CHART without type.id");
    st.ignoring = false;
    if (st.charts.count(c.id) == 0 && !room_for_chart(c.id))
      return {};
    auto& entry = st.charts[c.id];
    auto& d = entry.writable_def();
    d.id = c.id;
    d.name = c.name;
    d.title = c.title;
    d.units = c.units;
    d.family = c.family;
    d.context = c.context;
    d.chart_type = c.chart_type;
    d.priority = c.priority;
    d.update_every
        = c.update_every > 0 ? c.update_every : st.hello.host.update_every;
    d.options = c.options;
    d.plugin = c.plugin;
    d.module = c.module;
    st.current = &entry;
    st.dirty = &entry;
    return {};
  }

  /// Whether a new chart fits the host's limits; if not, it is refused
  /// (logged with its name the first time) and its commands are ignored.
  bool room_for_chart(const std::string& id) {
    bool charts_full
        = st.max_charts > 0
          && static_cast<int64_t>(st.charts.size()) >= st.max_charts;
    bool dims_full
        = st.max_dimensions > 0 && st.dimensions >= st.max_dimensions;
    if (!charts_full && !dims_full)
      return true;
    if (st.refused_charts++ == 0)
      TRIBUTARY_ERROR(
          *st.ctx.log, st.who, "chart '", id, "' of host '",
          st.hello.host.hostname, "' refused: the host has ",
          charts_full ? st.charts.size() : static_cast<size_t>(st.dimensions),
          charts_full
              ? " charts, the limit of [db] max charts per host"
              : " dimensions, the limit of [db] max dimensions per host",
          " (", charts_full ? st.max_charts : st.max_dimensions,
          "); its data are ignored");
    st.current = nullptr;
    st.in_row = false;
    st.ignoring = true;
    return false;
  }

  outcome operator()(const protocol::dimension& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested a DIMENSION without a chart");
    auto& e = *st.current;
    auto d = dimension_def_from(x);
    auto i = e.index_of(x.id);
    if (i == chart_entry::npos && st.max_dimensions > 0
        && st.dimensions >= st.max_dimensions) {
      if (st.refused_dimensions++ == 0)
        TRIBUTARY_ERROR(*st.ctx.log, st.who, "dimension '", x.id,
                        "' of chart '", e.def->id, "' of host '",
                        st.hello.host.hostname, "' refused: the host has ",
                        st.dimensions,
                        " dimensions, the limit of [db] max dimensions per "
                        "host (",
                        st.max_dimensions, "); its data are ignored");
      return {};
    }
    if (i == chart_entry::npos) {
      ++st.dimensions;
      e.writable_def().dimensions.push_back(std::move(d));
      e.index_added(e.def->dimensions.size() - 1);
    } else {
      e.writable_def().dimensions[i] = std::move(d);
    }
    st.dirty = &e;
    return {};
  }

  outcome operator()(const protocol::clabel& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested a CLABEL without a chart");
    auto same_name = [&x](const auto& l) { return l.first == x.name; };
    auto i = std::find_if(st.chart_labels.begin(), st.chart_labels.end(),
                          same_name);
    if (i == st.chart_labels.end())
      st.chart_labels.emplace_back(x.name, x.value);
    else
      i->second = x.value;
    return {};
  }

  outcome operator()(const protocol::clabel_commit&) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested CLABEL_COMMIT without a chart");
    // A child sends every label of the chart again with each definition:
    // replace them, or a redefinition would repeat each label once more.
    if (st.current->def->labels != st.chart_labels) {
      st.current->writable_def().labels = std::move(st.chart_labels);
      st.dirty = st.current;
    }
    st.chart_labels.clear();
    return {};
  }

  outcome operator()(const protocol::chart_definition_end& x) {
    if (st.ignoring)
      return {}; // no REPLAY_CHART: the child holds the chart's data back
    if (st.current == nullptr)
      return fail("requested CHART_DEFINITION_END without a chart");
    // Before the definition: the host holds the chart back from its senders
    // until the REND that ends this replication.
    send_pending(self);
    self->send(st.host, atom::replay::value, st.current->def->id);
    flush_definition(self);
    request_replication(self, st.current->def->id, x.first_entry, x.last_entry,
                        x.child_now, false);
    return {};
  }

  outcome operator()(const protocol::begin& b) {
    flush_definition(self);
    flush_replay(self);
    st.ignoring = false;
    auto i = st.charts.find(b.chart_id);
    if (i == st.charts.end() && st.refused_charts > 0) {
      // Most likely a refused chart (their ids are not kept).
      st.current = nullptr;
      st.in_row = false;
      st.ignoring = true;
      return {};
    }
    if (i == st.charts.end())
      return fail("requested a BEGIN on chart '" + b.chart_id
                  + "', which does not exist");
    st.current = &i->second;
    i->second.next_dim = 0;
    auto n = i->second.def->dimensions.size();
    st.row.chart_id = b.chart_id;
    st.row.microseconds = b.microseconds.value_or(0);
    st.row.values.assign(n, 0);
    st.row.is_set.assign(n, 0);
    st.in_row = true;
    return {};
  }

  outcome operator()(const protocol::set& x) {
    return handle_set(self, protocol::set_view{x.dimension_id, x.value});
  }

  outcome operator()(const protocol::end&) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr || !st.in_row)
      return fail("requested an END without a chart");
    st.in_row = false;
    st.row.now_usec = st.ctx.now_usec();
    ++st.updates;
    send_replays(self);
    st.rows_out.rows.push_back(std::move(st.row));
    st.row = chart_row{};
    if (st.rows_out.rows.size() >= max_row_batch)
      send_rows(self);
    return {};
  }

  outcome operator()(const protocol::rbegin& x) {
    return handle_rbegin(self, x);
  }

  outcome operator()(const protocol::rset& x) {
    return handle_rset(
        self, protocol::rset_view{x.dimension_id, x.value.value, x.flags});
  }

  /// Starts (or continues) the state form for the current chart: RDSTATE,
  /// RSSTATE and REND go to the chart's value math together, after any
  /// replicated point before them.
  replay_state& replay_state_form() {
    using input = receiver_state::replay_input;
    if (st.replay_open == input::point
        || (st.replay_open == input::state
            && st.replay_chart != st.current->def->id))
      flush_replay(self);
    if (st.replay_open == input::none) {
      auto n = st.current->def->dimensions.size();
      st.replay_chart = st.current->def->id;
      auto& r = st.replay_closing;
      r = replay_state{};
      r.now_usec = st.ctx.now_usec();
      r.dim_state.assign(n, 0);
      r.dim_last_collected_usec.assign(n, 0);
      r.dim_last_collected.assign(n, 0);
      r.dim_last_calculated.assign(n, 0);
      r.dim_last_stored.assign(n, 0);
      st.replay_open = input::state;
    }
    return st.replay_closing;
  }

  outcome operator()(const protocol::rdstate& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested a RDSTATE without a chart");
    auto i = st.current->find_dimension(x.dimension_id);
    if (i == chart_entry::npos)
      return {};
    auto& r = replay_state_form();
    r.dim_state[i] = 1;
    r.dim_last_collected_usec[i] = x.last_collected_ut;
    r.dim_last_collected[i] = x.last_collected_value;
    r.dim_last_calculated[i] = x.last_calculated_value.value;
    r.dim_last_stored[i] = x.last_stored_value.value;
    return {};
  }

  outcome operator()(const protocol::rsstate& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested a RSSTATE without a chart");
    auto& r = replay_state_form();
    r.chart_state = true;
    r.last_collected_usec = x.last_collected_ut;
    r.last_updated_usec = x.last_updated_ut;
    return {};
  }

  outcome operator()(const protocol::rend& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr) {
      flush_replay(self);
      return fail("requested a REND without a chart");
    }
    auto& r = replay_state_form();
    r.end = true;
    r.start_streaming = x.start_streaming;
    if (x.start_streaming && st.current->replicating) {
      st.current->replicating = false;
      --st.replicating_charts;
    }
    r.update_every = x.update_every;
    flush_replay(self);
    if (!x.start_streaming)
      request_replication(self, st.current->def->id, x.db_first, x.db_last,
                          x.child_now.value_or(0), true);
    return {};
  }

  outcome operator()(const protocol::label& x) {
    st.labels.emplace_back(x.name, x.value);
    return {};
  }

  outcome operator()(const protocol::overwrite&) {
    auto info = st.hello.host;
    info.labels = std::move(st.labels);
    st.labels.clear();
    st.hello.host.labels = info.labels;
    send_pending(self);
    self->send(st.host, atom::info::value, std::move(info));
    return {};
  }

  outcome operator()(const protocol::flush&) {
    flush_definition(self);
    st.ignoring = false;
    st.current = nullptr;
    st.in_row = false;
    return {};
  }

  outcome operator()(const protocol::disable&) {
    return fail("requested to DISABLE streaming");
  }

  outcome operator()(const protocol::replay_chart&) {
    return fail("sent REPLAY_CHART, which only a parent sends");
  }

  outcome operator()(const protocol::function_call&) {
    return fail("sent a FUNCTION call, which only a parent sends");
  }

  // Accepted and not acted on (yet): custom variables, claim ids, function
  // definitions and results.
  template <class T>
  outcome operator()(const T&) {
    return {};
  }
};

} // namespace

outcome dispatch(receiver_ptr self, const protocol::command& cmd) {
  return std::visit(dispatcher{self, self->state}, cmd);
}

} // namespace tributary::receiver_steps
