#include "actors/chart.hpp"

#include <algorithm>
#include <caf/all.hpp>

namespace tributary {

namespace {

storage::dimension_config to_config(const dimension_def& d) {
  storage::dimension_config cfg;
  cfg.algo = storage::parse_algorithm(d.algorithm);
  cfg.multiplier = d.multiplier == 0 ? 1 : d.multiplier;
  cfg.divisor = d.divisor == 0 ? 1 : d.divisor;
  cfg.detect_resets = d.options.find("noreset") == std::string::npos
                      && d.options.find("nooverflow") == std::string::npos;
  return cfg;
}

/// Applies the host's merged definition, which keeps the dimensions in the
/// order they were first defined (new ones appended, known ones updated).
void apply_definition(chart_state& st, std::shared_ptr<const chart_def> def) {
  st.def = std::move(def);
  const auto& d = *st.def;
  if (d.update_every > 0 && d.update_every != st.calc->config().update_every)
    st.calc->set_update_every(static_cast<int>(d.update_every));
  for (size_t i = 0; i < d.dimensions.size(); ++i) {
    if (i < st.calc->dimensions())
      st.calc->update_dimension(i, to_config(d.dimensions[i]));
    else
      st.calc->add_dimension(to_config(d.dimensions[i]));
  }
  // Thousands of charts keep these for good: no room for more.
  st.calc->shrink_to_fit();
  st.dims_ready = false;
  // A definition received again restarts the clock, as Netdata does.
  st.calc->sync_clock();
}

void publish_extent(const chart_state& st) {
  st.extent->first_entry.store(st.first_entry, std::memory_order_relaxed);
  st.extent->last_entry.store(st.last_entry, std::memory_order_relaxed);
}

/// The engine's lock, if this chart may append its rows itself: none of
/// its stores is on its way through the host db (those land first) and the
/// lock is free. Resolves the dimensions' handles after a definition.
std::unique_lock<std::mutex> direct_store(chart_state& st) {
  if (st.via_db > 0)
    return {};
  std::unique_lock<std::mutex> lock{st.store->mutex, std::try_to_lock};
  if (lock.owns_lock() && !st.dims_ready && !st.store->closed) {
    st.dims = resolve_dimensions(*st.store->db, *st.def);
    st.dims_ready = true;
  }
  return lock;
}

/// Sends a store the chart could not do itself to the host db; later ones
/// follow it there until it is answered.
template <class Stored>
void store_via_db(chart_actor::stateful_pointer<chart_state> self, Stored&& x) {
  ++self->state.via_db;
  self->request(self->state.db, caf::infinite, atom::store::value,
                std::forward<Stored>(x))
      .then([=](bool) { --self->state.via_db; },
            [=](caf::error&) { --self->state.via_db; });
}

void store_rows(chart_actor::stateful_pointer<chart_state> self) {
  auto& st = self->state;
  if (st.out.empty())
    return;
  for (auto& r : st.out) {
    if (st.first_entry == 0)
      st.first_entry = r.time_s;
    st.last_entry = r.time_s;
    ++st.points;
  }
  if (auto lock = direct_store(st); lock.owns_lock()) {
    // A closed engine: the host is going away, as a host db that has quit
    // drops the messages that reach it.
    if (!st.store->closed)
      for (auto& r : st.out) {
        append_row(*st.store->db, st.dims, r.values);
        ++st.store->rows_stored;
      }
  } else {
    for (auto& r : st.out)
      store_via_db(self,
                   stored_row{shared_chart_def{st.def}, std::move(r.values)});
  }
  publish_extent(st);
  st.out.clear();
}

/// Stores the points of a batch, in the engine or through the host db.
void store_points(chart_actor::stateful_pointer<chart_state> self,
                  stored_points& out) {
  auto& st = self->state;
  if (out.times.empty())
    return;
  if (auto lock = direct_store(st); lock.owns_lock()) {
    if (!st.store->closed) {
      std::vector<storage::sample> scratch;
      append_points(*st.store->db, st.dims, out.times.data(), out.times.size(),
                    out.width, out.values, out.flags, scratch);
      st.store->rows_stored += static_cast<int64_t>(out.times.size());
    }
  } else {
    out.chart.def = st.def;
    store_via_db(self, std::move(out));
  }
  publish_extent(st);
  out = stored_points{};
}

/// The state form through the value math: it sets the collection state the
/// first BEGIN after replication continues from.
void apply_replay_state(storage::chart_row_calculator& calc,
                        const replay_state& p) {
  auto n = std::min(p.dim_state.size(), calc.dimensions());
  for (size_t i = 0; i < n; ++i)
    if (p.dim_state[i])
      calc.replay_dimension_state(
          i, p.dim_last_collected_usec[i], p.dim_last_collected[i],
          p.dim_last_calculated[i], p.dim_last_stored[i]);
  if (p.chart_state)
    calc.replay_chart_state(p.last_collected_usec, p.last_updated_usec);
  if (p.end)
    calc.replay_end(p.start_streaming,
                    static_cast<int>(p.update_every > 0
                                         ? p.update_every
                                         : calc.config().update_every));
}

/// A batch's points through the value math; the ones it keeps are stored
/// together, their values and flags moved, not copied (the batch is
/// compacted in place when the math drops a point).
void apply_replay(chart_actor::stateful_pointer<chart_state> self,
                  replay_batch& b) {
  auto& st = self->state;
  auto& calc = *st.calc;
  const size_t width = b.width;
  const auto n = std::min(width, calc.dimensions());
  stored_points out;
  out.times.reserve(b.times.size());
  size_t kept = 0;
  for (size_t r = 0; r < b.times.size(); ++r) {
    const auto& t = b.times[r];
    if (!calc.replay_begin(t.start_s, t.end_s, t.child_now_s,
                           static_cast<int64_t>(t.now_usec / 1000000)))
      continue;
    const auto at = r * width;
    for (size_t i = 0; i < n; ++i)
      if (b.is_set[at + i])
        calc.replay_set(i);
    if (st.first_entry == 0 || t.end_s < st.first_entry)
      st.first_entry = t.end_s;
    if (t.end_s > st.last_entry)
      st.last_entry = t.end_s;
    out.times.push_back(t.end_s);
    if (kept != r) {
      std::copy_n(b.values.begin() + static_cast<ptrdiff_t>(at), width,
                  b.values.begin() + static_cast<ptrdiff_t>(kept * width));
      std::copy_n(b.flags.begin() + static_cast<ptrdiff_t>(at), width,
                  b.flags.begin() + static_cast<ptrdiff_t>(kept * width));
    }
    ++kept;
  }
  if (kept > 0) {
    b.values.resize(kept * width);
    b.flags.resize(kept * width);
    out.width = b.width;
    out.values = std::move(b.values);
    out.flags = std::move(b.flags);
    store_points(self, out);
  }
  if (b.has_state)
    apply_replay_state(calc, b.state);
}

} // namespace

chart_actor::behavior_type
chart(chart_actor::stateful_pointer<chart_state> self,
      std::shared_ptr<const chart_def> def, host_db_actor db,
      std::shared_ptr<host_store> store, storage::chart_config cfg,
      std::shared_ptr<chart_extent> extent) {
  auto& st = self->state;
  st.db = std::move(db);
  st.store = std::move(store);
  st.extent = std::move(extent);
  cfg.update_every
      = static_cast<int>(def->update_every > 0 ? def->update_every : 1);
  st.calc = std::make_unique<storage::chart_row_calculator>(cfg);
  apply_definition(st, std::move(def));
  self->send(st.db, atom::define::value, shared_chart_def{st.def});
  return {
      [=](atom::define, const shared_chart_def& x) {
        apply_definition(self->state, x.def);
        self->send(self->state.db, atom::define::value,
                   shared_chart_def{self->state.def});
      },
      [=](const chart_row& row) {
        timed_handler timed{self->state.timing};
        auto& st = self->state;
        ++st.rows;
        st.calc->begin(row.microseconds, row.now_usec);
        auto n = std::min(row.values.size(), st.calc->dimensions());
        for (size_t i = 0; i < n; ++i)
          if (i < row.is_set.size() && row.is_set[i])
            st.calc->set(i, row.values[i]);
        st.calc->end(row.now_usec, st.out);
        store_rows(self);
      },
      [=](replay_batch& b) { apply_replay(self, b); },
      [=](atom::get, atom::charts) {
        chart_summary s;
        s.def = *self->state.def;
        s.first_entry = self->state.first_entry;
        s.last_entry = self->state.last_entry;
        return s;
      },
      [=](atom::get, atom::collected) {
        const auto& calc = *self->state.calc;
        chart_collected out;
        auto n = calc.dimensions();
        out.values.reserve(n);
        out.time_usec.reserve(n);
        out.collections.reserve(n);
        for (size_t i = 0; i < n; ++i) {
          auto c = calc.collected(i);
          out.values.push_back(c.value);
          out.time_usec.push_back(c.time_usec);
          out.collections.push_back(c.collections);
        }
        return out;
      },
      [=](atom::sync) -> caf::result<bool> {
        // Rows stored here are in the engine already; the ones sent to the
        // db are ahead of this in its mailbox.
        if (self->state.via_db == 0)
          return true;
        return self->delegate(self->state.db, atom::sync::value);
      },
      [=](atom::status) {
        actor_status s;
        s.name = self->state.def->id;
        s.kind = "chart";
        report_handling(s, self->state.timing);
        s.counters
            = {{"rows", self->state.rows}, {"points", self->state.points}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
  };
}

} // namespace tributary
