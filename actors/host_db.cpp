#include "actors/host_db.hpp"

#include "storage/query.hpp"

#include <caf/all.hpp>

#include <cmath>
#include <limits>

namespace tributary {

namespace {

bool hidden(const dimension_def& d) {
  return d.options.find("hidden") != std::string::npos;
}

/// Netdata's JSON drops hidden dimensions (system.cpu's idle, ...) unless
/// asked for them; so do we.
data_result to_data_result(const chart_def& def,
                           const storage::query_result& q, bool all) {
  data_result out;
  out.chart_id = def.id;
  out.chart_name = def.name.empty() ? def.id : def.name;
  out.update_every = q.update_every > 0 ? q.update_every : def.update_every;
  out.first_entry = q.first_entry;
  out.last_entry = q.last_entry;
  out.after = q.after;
  out.before = q.before;
  std::vector<size_t> keep;
  for (size_t i = 0; i < def.dimensions.size(); ++i) {
    auto& d = def.dimensions[i];
    if (!all && hidden(d))
      continue;
    keep.push_back(i);
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

} // namespace

host_db_actor::behavior_type
host_db(host_db_actor::stateful_pointer<host_db_state> self,
        std::shared_ptr<storage::engine> db, daemon_context ctx) {
  // The engine is used by this actor alone from here on.
  self->state.db = std::move(db);
  self->state.ctx = ctx;
  auto engine = [self] { return self->state.db.get(); };
  return {
    [=](atom::define, const chart_def& def) {
      auto& entry = self->state.charts[def.id];
      entry.def = def;
      entry.dims.clear();
      for (auto& d : def.dimensions) {
        storage::dimension_info info;
        info.key = {def.id, d.id};
        info.chart_name = def.name;
        info.dim_name = d.name;
        info.update_every = static_cast<int>(def.update_every);
        auto h = engine()->find(info.key);
        if (!h.valid())
          h = engine()->add_dimension(info);
        entry.dims.push_back(h);
      }
    },
    [=](atom::store, const std::string& chart, int64_t time_s,
        const std::vector<double>& values, const std::vector<uint8_t>& flags) {
      auto i = self->state.charts.find(chart);
      if (i == self->state.charts.end())
        return;
      auto& dims = i->second.dims;
      for (size_t d = 0; d < dims.size() && d < values.size(); ++d) {
        storage::sample s;
        s.time_s = time_s;
        s.value = values[d];
        s.flags = d < flags.size() ? flags[d] : 0;
        engine()->append(dims[d], s);
      }
      ++self->state.points_stored;
    },
    [=](atom::query, const data_query& q,
        const chart_def& def) -> caf::result<data_result> {
      auto i = self->state.charts.find(def.id);
      if (i == self->state.charts.end())
        return caf::make_error(ec::not_found, "chart " + def.id);
      storage::query_request req;
      req.after = q.after;
      req.before = q.before;
      req.points = static_cast<size_t>(q.points);
      req.group = storage::parse_grouping(q.group);
      req.aligned = q.aligned;
      auto now_s = static_cast<int64_t>(self->state.ctx.now_usec() / 1000000);
      auto res = storage::run_query(*engine(), i->second.dims, req, now_s);
      return to_data_result(i->second.def, res, q.all_dimensions);
    },
    [=](atom::sync) { return true; },
    [=](atom::close) {
      if (auto err = engine()->close())
        TRIBUTARY_ERROR(*self->state.ctx.log, "host-db",
                        "closing the database failed: ", to_string(err));
      self->quit();
    },
    [=](atom::status) {
      actor_status st;
      st.name = self->name();
      st.kind = "host-db";
      st.counters = {{"charts", static_cast<int64_t>(self->state.charts.size())},
                     {"rows_stored", self->state.points_stored}};
      st.mailbox = static_cast<int64_t>(self->mailbox().size());
      return st;
    },
  };
}

} // namespace tributary
