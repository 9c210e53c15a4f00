#include "actors/host_db.hpp"

#include "config/resolve.hpp"
#include "storage/query.hpp"

#include <caf/all.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <utility>

namespace tributary {

namespace {

bool hidden(const dimension_def& d) {
  return d.options.find("hidden") != std::string::npos;
}

/// Netdata's JSON drops hidden dimensions (system.cpu's idle, ...) unless
/// asked for them; so do we. `def` is the host's, which the query's
/// dimensions were resolved from.
data_result to_data_result(const chart_def& def, const storage::query_result& q,
                           bool all) {
  data_result out;
  out.chart_id = def.id;
  out.chart_name = def.name.empty() ? def.id : def.name;
  out.update_every = q.update_every > 0 ? q.update_every : def.update_every;
  out.first_entry = q.first_entry;
  out.last_entry = q.last_entry;
  out.after = q.after;
  out.before = q.before;
  std::vector<size_t> keep;
  auto columns = std::min(def.dimensions.size(), q.dimensions);
  for (size_t i = 0; i < columns; ++i) {
    auto& d = def.dimensions[i];
    if (!all && hidden(d))
      continue;
    keep.push_back(i);
    if (all)
      out.hidden.push_back(hidden(d));
    out.dimension_ids.push_back(d.id);
    out.dimension_names.push_back(d.name.empty() ? d.id : d.name);
  }
  out.times = q.times;
  out.values.reserve(q.times.size() * keep.size());
  for (size_t r = 0; r < q.rows(); ++r)
    for (auto d : keep) {
      auto& v = q.at(r, d);
      out.values.push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
    }
  return out;
}

storage_status to_status(const storage::storage_health& h) {
  storage_status s;
  s.status = h.degraded ? "degraded" : "ok";
  s.last_error = h.last_error;
  s.failed_writes = static_cast<int64_t>(h.failed_writes);
  s.dropped_points = static_cast<int64_t>(h.dropped_points);
  s.pending_points = static_cast<int64_t>(h.pending_points);
  s.disk_bytes = static_cast<int64_t>(h.disk_bytes);
  s.journal_bytes = static_cast<int64_t>(h.journal_bytes);
  return s;
}

/// Runs the engine's periodic work and logs changes of its health.
void maintain(host_db_actor::stateful_pointer<host_db_state> self) {
  auto& st = self->state;
  storage::storage_health h;
  std::vector<storage::spool_drop> drops;
  {
    std::lock_guard<std::mutex> lock{st.store->mutex};
    st.store->db->maintain();
    if (st.spool != nullptr)
      drops = st.spool->spool().take_drops();
    h = st.store->db->health();
  }
  for (auto& d : drops)
    TRIBUTARY_ERROR(*st.ctx.log, st.who,
                    "spool disk space limit reached: dropped the oldest ",
                    d.points, " points (", d.bytes, " bytes, collected ",
                    d.first_s, " to ", d.last_s, ")");
  auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  auto& who = st.who;
  if (h.degraded && !st.degraded) {
    st.degraded = true;
    st.degraded_since_s = now_s;
    // A disk that fails and recovers again and again gets one line a
    // minute, not one per episode.
    st.episode_logged = now_s - st.last_report_s >= 60 || st.last_report_s == 0;
    if (st.episode_logged) {
      st.last_report_s = now_s;
      st.dropped_logged = h.dropped_points;
      TRIBUTARY_ERROR(*st.ctx.log, who, "storage write failed: ", h.last_error,
                      "; keeping ", h.pending_points,
                      " points in memory and retrying every second");
    }
  } else if (h.degraded && now_s - st.last_report_s >= 60) {
    st.episode_logged = true;
    st.last_report_s = now_s;
    TRIBUTARY_ERROR(*st.ctx.log, who, "storage still failing for ",
                    now_s - st.degraded_since_s, " s: ", h.last_error, "; ",
                    h.pending_points, " points waiting, ",
                    h.dropped_points - st.dropped_logged,
                    " oldest points dropped since the last report (",
                    h.dropped_points, " in all)");
    st.dropped_logged = h.dropped_points;
  } else if (!h.degraded && st.degraded) {
    st.degraded = false;
    if (st.episode_logged)
      TRIBUTARY_INFO(*st.ctx.log, who, "storage writes work again after ",
                     now_s - st.degraded_since_s, " s: pending data written, ",
                     h.dropped_points, " points dropped while failing");
  }
}

} // namespace

host_db_actor::behavior_type
host_db(host_db_actor::stateful_pointer<host_db_state> self,
        std::shared_ptr<host_store> store, daemon_context ctx,
        std::string files_dir, const std::string& hostname) {
  // From here on the engine is touched only under the store's lock: by this
  // actor and by the host's charts.
  self->state.store = std::move(store);
  self->state.ctx = std::move(ctx);
  self->state.files_dir = std::move(files_dir);
  self->state.who = "host-db " + hostname;
  self->state.spool
      = dynamic_cast<storage::spool_engine*>(self->state.store->db.get());
  auto locked = [self] {
    return std::unique_lock<std::mutex>{self->state.store->mutex};
  };
  auto engine = [self] { return self->state.store->db.get(); };
  // The registry's tick asks for maintenance (spawned_host).
  return {
      [=](atom::timeout) { maintain(self); },
      [=](atom::get, atom::store) {
        auto lock = locked();
        return to_status(engine()->health());
      },
      // A definition registers its dimensions with the engine at once,
      // before any row: the charts keep their handles, this actor none.
      [=](atom::define, const shared_chart_def& x) {
        auto lock = locked();
        resolve_dimensions(*engine(), *x.def);
      },
      // Rows a chart could not append itself (the lock was taken).
      [=](atom::store, const stored_row& x) {
        timed_handler timed{self->state.timing};
        auto& st = self->state;
        if (!x.chart.def)
          return true;
        auto lock = locked();
        append_row(*engine(), resolve_dimensions(*engine(), *x.chart.def),
                   x.points);
        ++st.store->rows_stored;
        ++st.store->rows_by_message;
        return true;
      },
      [=](atom::store, const stored_points& b) {
        timed_handler timed{self->state.timing};
        auto& st = self->state;
        if (!b.chart.def)
          return true;
        auto lock = locked();
        append_points(*engine(), resolve_dimensions(*engine(), *b.chart.def),
                      b.times.data(), b.times.size(), b.width, b.values,
                      b.flags, st.row);
        st.store->rows_stored += static_cast<int64_t>(b.times.size());
        st.store->rows_by_message += static_cast<int64_t>(b.times.size());
        return true;
      },
      [=](atom::query, const data_query& q,
          const chart_def& def) -> caf::result<data_result> {
        storage::query_request req;
        req.after = q.after;
        req.before = q.before;
        req.points = static_cast<size_t>(q.points);
        req.group = storage::parse_grouping(q.group);
        req.aligned = q.aligned;
        req.resampling_time = q.gtime;
        req.agent_tiers
            = config::agent_storage_tiers(*self->state.ctx.settings);
        if (q.tier >= 0 && static_cast<size_t>(q.tier) < req.agent_tiers)
          req.tier = static_cast<int>(q.tier);
        auto now_s = static_cast<int64_t>(self->state.ctx.now_usec() / 1000000);
        storage::query_result res;
        {
          auto lock = locked();
          res = storage::run_query(
              *engine(), resolve_dimensions(*engine(), def), req, now_s);
        }
        return to_data_result(def, res, q.all_dimensions);
      },
      [=](atom::sync) { return true; },
      [=](atom::stream, atom::write, bool replicated) {
        auto& st = self->state;
        if (st.spool == nullptr)
          return;
        auto lock = locked();
        auto& sp = st.spool->spool();
        if (replicated) {
          if (sp.disk_bytes() > 0)
            TRIBUTARY_INFO(*st.ctx.log, st.who,
                           "spool: the parent has "
                           "replicated it; deleting ",
                           sp.disk_points(), " points (", sp.disk_bytes(),
                           " bytes)");
          sp.clear();
          sp.set_spooling(false);
        } else if (!sp.spooling()) {
          TRIBUTARY_INFO(*st.ctx.log, st.who,
                         "spool: no parent has this "
                         "host's newest data; keeping it on disk");
          sp.set_spooling(true);
        }
      },
      [=](atom::close) {
        auto lock = locked();
        self->state.store->closed = true;
        if (auto err = engine()->close()) {
          // Only waiting points mean a loss; a metadata write that failed is
          // covered by its previous generation and the datafiles.
          if (engine()->health().pending_points > 0)
            TRIBUTARY_ERROR(*self->state.ctx.log, self->state.who,
                            "closing the database failed: ", to_string(err));
          else
            TRIBUTARY_WARN(*self->state.ctx.log, self->state.who,
                           "closing the database: ", to_string(err));
        }
        self->quit();
      },
      [=](atom::close, bool delete_files) {
        auto& st = self->state;
        auto lock = locked();
        st.store->closed = true;
        if (auto err = engine()->close())
          TRIBUTARY_ERROR(*st.ctx.log, "host-db",
                          "closing the database failed: ", to_string(err));
        bool ok = true;
        if (delete_files && !st.files_dir.empty()) {
          std::error_code ec;
          std::filesystem::remove_all(st.files_dir, ec);
          if (ec) {
            ok = false;
            TRIBUTARY_ERROR(*st.ctx.log, "host-db", "cannot delete ",
                            st.files_dir, ": ", ec.message());
          }
        }
        self->quit();
        return ok;
      },
      [=](atom::status) {
        actor_status st;
        st.name = self->name();
        st.kind = "host-db";
        report_handling(st, self->state.timing);
        auto lock = locked();
        auto h = to_status(engine()->health());
        st.counters = {
            {"dimensions", static_cast<int64_t>(engine()->dimension_count())},
            {"rows_stored", self->state.store->rows_stored},
            {"rows_by_message", self->state.store->rows_by_message},
            {"storage_degraded", h.status == "degraded" ? 1 : 0},
            {"storage_failed_writes", h.failed_writes},
            {"storage_dropped_points", h.dropped_points},
            {"storage_pending_points", h.pending_points},
            {"storage_disk_bytes", h.disk_bytes},
            {"storage_journal_bytes", h.journal_bytes},
            {"storage_memory_bytes",
             static_cast<int64_t>(engine()->memory_bytes())}};
        if (auto* sp = self->state.spool) {
          st.counters.emplace_back(
              "spool_disk_bytes",
              static_cast<int64_t>(sp->spool().disk_bytes()));
          st.counters.emplace_back(
              "spool_memory_rows",
              static_cast<int64_t>(sp->spool().memory_rows()));
          st.counters.emplace_back("spooling", sp->spool().spooling() ? 1 : 0);
        }
        st.mailbox = static_cast<int64_t>(self->mailbox().size());
        return st;
      },
  };
}

} // namespace tributary
