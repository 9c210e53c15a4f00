#include "actors/receiver.hpp"

#include "config/resolve.hpp"
#include "protocol/capabilities.hpp"
#include "storage/sample.hpp"

#include <caf/all.hpp>
#include <cmath>

namespace tributary {

namespace {

using receiver_ptr = caf::stateful_actor<receiver_state>*;
using chart_entry = receiver_state::chart_entry;

/// What handling one command decided.
struct outcome {
  bool ok = true;
  std::string why;
};

outcome fail(std::string why) {
  return {false, std::move(why)};
}

void flush_definition(receiver_ptr self) {
  auto& st = self->state;
  if (st.dirty == nullptr)
    return;
  self->send(st.host, atom::define::value, st.dirty->def);
  st.dirty = nullptr;
}

void flush_replay(receiver_ptr self) {
  auto& st = self->state;
  if (!st.in_replay)
    return;
  st.in_replay = false;
  self->send(st.host, std::move(st.replay));
  st.replay = replay_point{};
}

/// Sends the REPLAY_CHART a 1.37.1 parent sends (docs/protocol.md "Replication
/// requests"): the part of the child's retention that the host db lacks, at
/// most one step at a time; an empty request when there is nothing to ask for.
void send_replay_request(receiver_ptr self, const std::string& chart,
                         int64_t child_first, int64_t child_last,
                         int64_t child_now, bool follow_up,
                         int64_t local_last) {
  auto& st = self->state;
  auto i = st.charts.find(chart);
  if (i == st.charts.end())
    return;
  auto& entry = i->second;
  auto now = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  protocol::replay_chart r;
  r.chart_id = chart;
  r.start_streaming = true;
  auto gap_from = follow_up        ? entry.requested_before
                  : local_last > 0 ? local_last
                                   : now - st.seconds_to_replicate;
  auto gap_to = child_now > 0 ? std::max(now, child_now) : now;
  bool empty = !st.replication || child_last == 0
               || entry.def.dimensions.empty() || child_first <= 0
               || child_first > child_last || local_last > child_last;
  if (!empty) {
    auto after = std::max(child_first, gap_from);
    auto before = gap_to - after > st.replication_step
                      ? after + st.replication_step
                      : gap_to;
    before = std::min(before, child_last);
    if (after > before)
      after = before;
    r.after = after;
    r.before = before;
    r.start_streaming
        = now - after <= st.replication_step || before == child_last;
    entry.requested_before = before;
    if (!entry.replicating)
      ++st.replicating_charts;
    entry.replicating = true;
  }
  self->send(st.conn, atom::write::value, protocol::to_string(r));
}

void request_replication(receiver_ptr self, const std::string& chart,
                         int64_t child_first, int64_t child_last,
                         int64_t child_now, bool follow_up) {
  auto& st = self->state;
  if (!st.replication || child_last == 0)
    return send_replay_request(self, chart, child_first, child_last, child_now,
                               follow_up, 0);
  // Where our data for the chart ends decides where the gap starts.
  data_query q;
  q.chart = chart;
  q.after = -1;
  q.points = 1;
  self->request(st.host, caf::infinite, atom::query::value, q)
      .then(
          [=](const data_result& res) {
            send_replay_request(self, chart, child_first, child_last, child_now,
                                follow_up, res.last_entry);
          },
          [=](caf::error&) {
            send_replay_request(self, chart, child_first, child_last, child_now,
                                follow_up, 0);
          });
}

/// Logs the refusals by the limits since the last summary (at most once a
/// minute and at disconnect).
void log_refusals(receiver_ptr self) {
  auto& st = self->state;
  auto total = st.refused_charts + st.refused_dimensions;
  if (total == st.refused_logged)
    return;
  st.refused_logged = total;
  TRIBUTARY_ERROR(
      *st.ctx.log, st.who, "host '", st.hello.host.hostname,
      "': ", st.refused_charts, " charts and ", st.refused_dimensions,
      " dimensions refused so far by [db] max charts per host = ",
      st.max_charts, " / max dimensions per host = ", st.max_dimensions,
      "; their data are ignored");
}

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
    auto& d = entry.def;
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
    auto i = e.dim_index.find(x.id);
    if (i == e.dim_index.end() && st.max_dimensions > 0
        && st.dimensions >= st.max_dimensions) {
      if (st.refused_dimensions++ == 0)
        TRIBUTARY_ERROR(*st.ctx.log, st.who, "dimension '", x.id,
                        "' of chart '", e.def.id, "' of host '",
                        st.hello.host.hostname, "' refused: the host has ",
                        st.dimensions,
                        " dimensions, the limit of [db] max dimensions per "
                        "host (",
                        st.max_dimensions, "); its data are ignored");
      return {};
    }
    if (i == e.dim_index.end()) {
      ++st.dimensions;
      e.dim_index.emplace(x.id, e.def.dimensions.size());
      e.def.dimensions.push_back(std::move(d));
    } else {
      e.def.dimensions[i->second] = std::move(d);
    }
    st.dirty = &e;
    return {};
  }

  outcome operator()(const protocol::clabel& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested a CLABEL without a chart");
    st.current->def.labels.emplace_back(x.name, x.value);
    return {};
  }

  outcome operator()(const protocol::clabel_commit&) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested CLABEL_COMMIT without a chart");
    st.dirty = st.current;
    return {};
  }

  outcome operator()(const protocol::chart_definition_end& x) {
    if (st.ignoring)
      return {}; // no REPLAY_CHART: the child holds the chart's data back
    if (st.current == nullptr)
      return fail("requested CHART_DEFINITION_END without a chart");
    // Before the definition: the host holds the chart back from its senders
    // until the REND that ends this replication.
    self->send(st.host, atom::replay::value, st.current->def.id);
    flush_definition(self);
    request_replication(self, st.current->def.id, x.first_entry, x.last_entry,
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
    auto n = i->second.def.dimensions.size();
    st.row.chart_id = b.chart_id;
    st.row.microseconds = b.microseconds.value_or(0);
    st.row.values.assign(n, 0);
    st.row.is_set.assign(n, 0);
    st.in_row = true;
    return {};
  }

  outcome operator()(const protocol::set& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr || !st.in_row)
      return fail("requested a SET on dimension '" + x.dimension_id
                  + "' without a chart");
    auto i = st.current->find_dimension(x.dimension_id);
    if (i == chart_entry::npos && st.refused_dimensions > 0)
      return {};
    if (i == chart_entry::npos)
      return fail("requested a SET on chart '" + st.current->def.id
                  + "' of host '" + st.hello.host.hostname
                  + "', without a dimension '" + x.dimension_id + "'");
    if (x.value) {
      st.row.values[i] = *x.value;
      st.row.is_set[i] = 1;
    }
    return {};
  }

  outcome operator()(const protocol::end&) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr || !st.in_row)
      return fail("requested an END without a chart");
    st.in_row = false;
    st.row.now_usec = st.ctx.now_usec();
    ++st.updates;
    self->send(st.host, std::move(st.row));
    st.row = chart_row{};
    return {};
  }

  outcome operator()(const protocol::rbegin& x) {
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
    auto n = st.current->def.dimensions.size();
    st.current->next_dim = 0;
    st.replay.chart_id = st.current->def.id;
    st.replay.start_s = x.point_start;
    st.replay.end_s = x.point_end;
    st.replay.values.assign(n, std::nan(""));
    st.replay.flags.assign(n, storage::flag_empty);
    st.replay.is_set.assign(n, 0);
    st.replay.child_now_s = x.child_now.value_or(0);
    st.replay.now_usec = st.ctx.now_usec();
    // Netdata drops points with bad times (docs/protocol.md "Storing replicated
    // points"); so do we.
    st.in_replay = x.point_start > 0 && x.point_end > x.point_start;
    return {};
  }

  outcome operator()(const protocol::rset& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested a RSET without a chart");
    auto i = st.current->find_dimension(x.dimension_id);
    if (i == chart_entry::npos && st.refused_dimensions > 0)
      return {};
    if (i == chart_entry::npos)
      return fail("requested a RSET on chart '" + st.current->def.id
                  + "', without a dimension '" + x.dimension_id + "'");
    if (!st.in_replay || st.replay.start_s <= 0)
      return {};
    uint8_t flags = 0;
    if (x.flags.find('E') != std::string::npos || std::isnan(x.value.value))
      flags |= storage::flag_empty;
    if (x.flags.find('R') != std::string::npos)
      flags |= storage::flag_reset;
    st.replay.values[i] = x.value.value;
    st.replay.flags[i] = flags;
    st.replay.is_set[i] = 1;
    return {};
  }

  /// Starts (or continues) the state form of `st.replay` for the current
  /// chart: RDSTATE, RSSTATE and REND go to the chart's value math together,
  /// after any replicated point before them.
  replay_point& replay_state() {
    if (st.in_replay
        && (st.replay.start_s > 0 || st.replay.chart_id != st.current->def.id))
      flush_replay(self);
    if (!st.in_replay) {
      auto n = st.current->def.dimensions.size();
      st.replay = replay_point{};
      st.replay.chart_id = st.current->def.id;
      st.replay.now_usec = st.ctx.now_usec();
      st.replay.dim_state.assign(n, 0);
      st.replay.dim_last_collected_usec.assign(n, 0);
      st.replay.dim_last_collected.assign(n, 0);
      st.replay.dim_last_calculated.assign(n, 0);
      st.replay.dim_last_stored.assign(n, 0);
      st.in_replay = true;
    }
    return st.replay;
  }

  outcome operator()(const protocol::rdstate& x) {
    if (st.ignoring)
      return {};
    if (st.current == nullptr)
      return fail("requested a RDSTATE without a chart");
    auto i = st.current->find_dimension(x.dimension_id);
    if (i == chart_entry::npos)
      return {};
    auto& r = replay_state();
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
    auto& r = replay_state();
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
    auto& r = replay_state();
    r.end = true;
    r.start_streaming = x.start_streaming;
    if (x.start_streaming && st.current->replicating) {
      st.current->replicating = false;
      --st.replicating_charts;
    }
    r.update_every = x.update_every;
    flush_replay(self);
    if (!x.start_streaming)
      request_replication(self, st.current->def.id, x.db_first, x.db_last,
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

void stop(receiver_ptr self, const std::string& why) {
  auto& st = self->state;
  if (st.closed)
    return;
  st.closed = true;
  log_refusals(self);
  if (!why.empty())
    TRIBUTARY_ERROR(*st.ctx.log, st.who, why);
  TRIBUTARY_INFO(*st.ctx.log, st.who, "disconnected (completed ", st.updates,
                 " updates).");
  self->send(st.host, atom::stream::value, false, false);
  self->send(st.ctx.registry, atom::detach::value, st.hello.host.machine_guid,
             caf::actor{self}, why);
  self->quit(why.empty() ? caf::exit_reason::normal
                         : caf::exit_reason::user_shutdown);
}

/// Seconds between "data arrived" notes to the registry (its duplicate-GUID
/// check calls a receiver dead after 30 s without data).
constexpr int64_t report_every_s = 5;

/// A 1.37.1 parent sets SO_RCVTIMEO to 600 s on a stream socket.
constexpr int64_t idle_timeout_s = 600;

void consume(receiver_ptr self, const std::string& bytes) {
  auto& st = self->state;
  st.bytes += static_cast<int64_t>(bytes.size());
  auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  st.last_data_s = now_s;
  if (now_s - st.reported_s >= report_every_s) {
    st.reported_s = now_s;
    self->send(st.ctx.registry, atom::data::value, st.hello.host.machine_guid,
               now_s);
  }
  if (auto err = st.decoder.feed(bytes))
    return stop(self,
                "STREAM: cannot decompress the stream: " + to_string(err));
  std::string_view line;
  dispatcher visit{self, st};
  while (st.decoder.next(line)) {
    ++st.lines;
    st.text_bytes += static_cast<int64_t>(line.size()) + 1;
    protocol::command cmd;
    error err;
    switch (st.reader.consume(line, cmd, err)) {
    case protocol::command_reader::status::more:
      continue;
    case protocol::command_reader::status::failed:
      if (err.code == ec::unknown_command) {
        auto keyword = line.substr(0, line.find_first_of(" \t\r"));
        return stop(self, "sent command '" + log_text(keyword)
                              + "' which is not known by netdata, for host '"
                              + log_text(st.hello.host.hostname)
                              + "'. Disabling it.");
      }
      return stop(self, "cannot parse line " + std::to_string(st.lines) + ": "
                            + to_string(err) + ". Disabling it.");
    case protocol::command_reader::status::ready:
      break;
    }
    auto res = std::visit(visit, cmd);
    if (!res.ok)
      return stop(self, res.why + ". Disabling it.");
  }
  if (st.decoder.err()) {
    if (st.decoder.err().code == ec::line_too_long)
      return stop(self, "STREAM: received line exceeds 15360 bytes. "
                        "Truncating it.");
    return stop(self, to_string(st.decoder.err()));
  }
  // Definitions must reach the host before the rows that follow them.
  flush_definition(self);
}

/// Read backpressure: once the rows of the bytes parsed so far are stored
/// (a fence through the host, its charts and the host db), the connection
/// may read that many bytes more. One fence at a time; bytes parsed while it
/// runs wait for the next one.
void fence(receiver_ptr self) {
  auto& st = self->state;
  if (st.fencing || st.unacked == 0 || st.closed)
    return;
  auto n = st.unacked;
  st.unacked = 0;
  st.fencing = true;
  auto done = [=] {
    auto& st = self->state;
    st.fencing = false;
    self->send(st.conn, atom::sync::value, n);
    fence(self);
  };
  self->request(st.host, caf::infinite, atom::sync::value)
      .then([=](bool) { done(); }, [=](caf::error&) { done(); });
}

} // namespace

caf::behavior receiver(caf::stateful_actor<receiver_state>* self,
                       caf::actor conn, host_actor host, stream_hello hello,
                       access_decision decision, daemon_context ctx) {
  auto& st = self->state;
  st.conn = std::move(conn);
  st.host = std::move(host);
  st.hello = std::move(hello);
  st.ctx = std::move(ctx);
  st.who
      = "STREAM " + log_text(st.hello.host.hostname) + " [receive from "
        + peer_name(st.hello.peer_ip, static_cast<uint16_t>(st.hello.peer_port))
        + "]";
  st.connected_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  st.decoder.reset(decision.compression ? protocol::stream_mode::lz4
                                        : protocol::stream_mode::plain);
  auto eff = config::resolve_receiver(*st.ctx.settings, st.hello.api_key,
                                      st.hello.host.machine_guid,
                                      st.hello.host.update_every);
  st.max_charts = st.ctx.settings->global.max_charts_per_host;
  st.max_dimensions = st.ctx.settings->global.max_dimensions_per_host;
  st.replication = eff.enable_replication;
  st.seconds_to_replicate = eff.seconds_to_replicate;
  st.replication_step = eff.seconds_per_replication_step > 0
                            ? eff.seconds_per_replication_step
                            : 600;
  TRIBUTARY_INFO(
      *st.ctx.log, st.who, "client willing to stream metrics for host '",
      log_text(st.hello.host.hostname), "' with machine_guid '",
      log_text(st.hello.host.machine_guid),
      "': update every = ", st.hello.host.update_every,
      ", capabilities = ", protocol::to_string_caps(decision.capabilities));
  self->send(st.host, atom::stream::value, true, decision.compression);
  self->send(st.ctx.registry, atom::takeover::value, st.hello.host.machine_guid,
             caf::actor{self});
  TRIBUTARY_INFO(*st.ctx.log, st.who, "receiving metrics...");
  st.last_data_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  // The idle check comes from the listener through the connection (every
  // 60 s), not as a delayed message to ourselves: CAF 0.17.6 never frees an
  // actor that a delayed message reaches after its end (it was one receiver
  // per reconnect).
  return {
      [=](atom::data, const std::string& bytes) {
        if (self->state.closed)
          return;
        consume(self, bytes);
        self->state.unacked += static_cast<int64_t>(bytes.size());
        fence(self);
      },
      [=](atom::close) {
        TRIBUTARY_ERROR(*self->state.ctx.log, self->state.who,
                        "read failed: end of file");
        stop(self, "");
      },
      [=](atom::status) {
        auto& st = self->state;
        actor_status s;
        s.name = st.who;
        s.kind = "receiver";
        // Asked every second by the console: only a host that is
        // replicating pays for a walk over its charts (100,000 idle charts
        // cost 4 % of a core when every status walked them).
        int64_t replicating = st.replicating_charts;
        int64_t oldest = 0;
        if (replicating > 0)
          for (auto& [id, c] : st.charts)
            if (c.replicating && (oldest == 0 || c.requested_before < oldest))
              oldest = c.requested_before;
        auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
        s.counters = {{"bytes", st.bytes},
                      {"lines", st.lines},
                      {"updates", st.updates},
                      {"text_bytes", st.text_bytes},
                      {"connected_since", st.connected_s},
                      {"charts", static_cast<int64_t>(st.charts.size())},
                      {"replicating_charts", replicating},
                      {"replication_behind_s",
                       oldest > 0 && now_s > oldest ? now_s - oldest : 0},
                      {"refused_charts", st.refused_charts},
                      {"refused_dimensions", st.refused_dimensions}};
        s.labels = {
            {"guid", st.hello.host.machine_guid},
            {"hostname", st.hello.host.hostname},
            {"peer", peer_name(st.hello.peer_ip,
                               static_cast<uint16_t>(st.hello.peer_port))},
            {"compression",
             st.decoder.mode() == protocol::stream_mode::lz4 ? "lz4" : "none"}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
      [=](atom::timeout) {
        auto& st = self->state;
        auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
        if (now_s - st.last_data_s >= idle_timeout_s)
          return stop(self, "read failed: timeout, no data for "
                                + std::to_string(now_s - st.last_data_s)
                                + " seconds");
        log_refusals(self);
      },
  };
}

} // namespace tributary
