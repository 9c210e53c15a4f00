#include "actors/host.hpp"

#include "actors/chart.hpp"
#include "actors/health.hpp"
#include "actors/status_gather.hpp"
#include "config/settings.hpp"
#include "storage/value_math.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace tributary {

namespace {

void touch(host_state& st, host_state::chart_entry& c) {
  if (c.touched)
    return;
  c.touched = true;
  st.touched.push_back(&c);
}

const chart_def* find_chart(const host_state& st, const std::string& key) {
  auto i = st.charts.find(key);
  if (i != st.charts.end())
    return i->second.def.get();
  auto n = st.names.find(key);
  if (n != st.names.end()) {
    auto j = st.charts.find(n->second);
    if (j != st.charts.end())
      return j->second.def.get();
  }
  return nullptr;
}

/// A definition received again updates the known dimensions and appends new
/// ones, as the chart actor applies it.
void merge_definition(chart_def& into, const chart_def& def) {
  auto dims = std::move(into.dimensions);
  auto check = into.homogeneity_check;
  into = def;
  into.dimensions = std::move(dims);
  for (auto& d : def.dimensions) {
    auto i = std::find_if(into.dimensions.begin(), into.dimensions.end(),
                          [&](const dimension_def& x) { return x.id == d.id; });
    if (i == into.dimensions.end()) {
      into.dimensions.push_back(d);
      continue;
    }
    if (storage::parse_algorithm(i->algorithm)
            != storage::parse_algorithm(d.algorithm)
        || i->multiplier != d.multiplier || i->divisor != d.divisor)
      check = true;
    *i = d;
  }
  into.homogeneity_check = check || def.homogeneity_check;
  // Thousands of charts keep these for good: no room for more.
  into.dimensions.shrink_to_fit();
}

/// Whether merging `def` into an empty definition would give `def` itself:
/// no dimension id twice and no spare room.
bool is_merged(const chart_def& def) {
  if (def.dimensions.capacity() != def.dimensions.size())
    return false;
  std::vector<std::string_view> ids;
  ids.reserve(def.dimensions.size());
  for (const auto& d : def.dimensions)
    ids.emplace_back(d.id);
  std::sort(ids.begin(), ids.end());
  return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

/// Whether `merged` (a definition with `def` merged into it) is `def` itself:
/// the merge replaces the header and every dimension `def` names, so it is
/// when `def` names every dimension, in the same order, and leaves the
/// homogeneity check as it was.
bool merges_to_itself(const chart_def& merged, const chart_def& def) {
  if (!is_merged(def) || merged.dimensions.size() != def.dimensions.size()
      || merged.homogeneity_check != def.homogeneity_check)
    return false;
  for (size_t k = 0; k < def.dimensions.size(); ++k)
    if (merged.dimensions[k].id != def.dimensions[k].id)
      return false;
  return true;
}

/// What /api/v1/charts and health need of a chart: its merged definition and
/// the stored range the chart actor publishes.
chart_summary summary_of(const host_state::chart_entry& c) {
  chart_summary s;
  s.def = *c.def;
  s.first_entry = c.extent->first_entry.load(std::memory_order_relaxed);
  s.last_entry = c.extent->last_entry.load(std::memory_order_relaxed);
  return s;
}

std::string full_name(const chart_def& def) {
  if (def.name.empty())
    return def.id;
  auto dot = def.id.find('.');
  if (def.name.find('.') != std::string::npos || dot == std::string::npos)
    return def.name;
  return def.id.substr(0, dot + 1) + def.name;
}

/// How long a chart is held back from the senders while the child
/// replicates it: a child that never ends a replication must not stop the
/// chart from streaming upstream for good.
constexpr int64_t replication_wait_bound_s = 180;
/// How often held charts are checked against that bound (one pending
/// message per host, not one per chart).
constexpr auto hold_check_interval = std::chrono::seconds(10);

int64_t now_s(const host_state& st) {
  return static_cast<int64_t>(st.ctx.now_usec() / 1000000);
}

using host_ptr = host_actor::stateful_pointer<host_state>;

/// Sends a collected row to its chart, and to the subscribers unless the
/// chart is held back from them.
void route_row(host_ptr self, chart_row&& row) {
  auto& st = self->state;
  auto i = st.by_id.find(row.chart_id);
  if (i == st.by_id.end()) {
    ++st.dropped_rows;
    return;
  }
  auto& c = *i->second;
  ++st.rows;
  st.samples += static_cast<int64_t>(row.values.size());
  if (!c.held)
    for (auto& s : st.subscribers)
      caf::anon_send(s, row);
  touch(st, c);
  self->send(c.actor, std::move(row));
}

/// Ends the hold on chart `id` (if still at `generation`): the subscribers
/// get its definition now, so a proxy offers its parent all it received.
void release_chart(host_ptr self, const std::string& id, uint64_t generation) {
  auto& st = self->state;
  auto r = st.replicating.find(id);
  if (r == st.replicating.end() || r->second.generation != generation)
    return;
  st.replicating.erase(r);
  auto i = st.charts.find(id);
  if (i == st.charts.end())
    return;
  i->second.held = false;
  for (auto& s : st.subscribers)
    caf::anon_send(s, atom::define::value, *i->second.def);
}

/// Releases chart `id` once its chart actor has handled every replicated
/// point sent before (so they are on their way to the host db, ahead of
/// any query a sender makes next).
void release_after_chart(host_ptr self, const std::string& id) {
  auto& st = self->state;
  auto r = st.replicating.find(id);
  if (r == st.replicating.end())
    return;
  auto generation = r->second.generation;
  auto i = st.charts.find(id);
  if (i == st.charts.end())
    return release_chart(self, id, generation);
  self->request(i->second.actor, caf::infinite, atom::get::value,
                atom::charts::value)
      .then([=](const chart_summary&) { release_chart(self, id, generation); },
            [=](caf::error&) { release_chart(self, id, generation); });
}

/// A chart (re)defined. The first definition of a chart is kept as its
/// merged one (merging it into nothing changes nothing); a later one is
/// merged into a copy.
void define_chart(host_ptr self,
                  const std::shared_ptr<const chart_def>& incoming) {
  auto& st = self->state;
  const auto& def = *incoming;
  auto i = st.charts.find(def.id);
  if (i == st.charts.end()) {
    auto extent = std::make_shared<chart_extent>();
    std::shared_ptr<const chart_def> merged = incoming;
    if (!is_merged(def)) {
      auto m = std::make_shared<chart_def>();
      merge_definition(*m, def);
      merged = std::move(m);
    }
    auto actor = self->spawn<caf::linked>(chart, merged, st.db, st.store,
                                          st.chart_cfg, extent);
    auto& entry
        = st.charts
              .emplace(def.id, host_state::chart_entry{actor, std::move(merged),
                                                       std::move(extent)})
              .first->second;
    entry.held = st.replicating.count(def.id) > 0;
    entry.sequence = ++st.chart_sequence;
    st.by_id.emplace(def.id, &entry);
  } else {
    auto m = std::make_shared<chart_def>(*i->second.def);
    merge_definition(*m, def);
    // A child that reconnects defines its charts again, the same: keep its
    // receiver's object then, not a second copy.
    std::shared_ptr<const chart_def> merged = std::move(m);
    if (merges_to_itself(*merged, def))
      merged = incoming;
    i->second.def = merged;
    self->send(i->second.actor, atom::define::value,
               shared_chart_def{std::move(merged)});
  }
  st.names[full_name(def)] = def.id;
  if (st.replicating.count(def.id) > 0)
    return;
  for (auto& s : st.subscribers)
    caf::anon_send(s, atom::define::value, def);
  if (st.health && !st.health_stale) {
    st.health_stale = true;
    self->send(st.health, atom::charts::value);
  }
}

} // namespace

host_actor::behavior_type
host(host_actor::stateful_pointer<host_state> self, host_info info,
     host_db_actor db, std::shared_ptr<host_store> store,
     std::string memory_mode, storage::chart_config chart_cfg,
     host_health_settings health, daemon_context ctx) {
  auto& st = self->state;
  st.info = std::move(info);
  st.db = std::move(db);
  st.store = std::move(store);
  st.memory_mode = std::move(memory_mode);
  st.chart_cfg = chart_cfg;
  st.ctx = std::move(ctx);
  self->link_to(st.db);
  if (health.enabled && st.ctx.health_definitions) {
    auto& g = st.ctx.settings->global;
    health_options opts;
    opts.run_at_least_every_seconds = g.health_run_at_least_every_seconds;
    opts.max_log_entries = g.health_max_log_entries;
    st.health = self->spawn(health_monitor, host_actor{self}, st.info,
                            st.ctx.health_definitions, opts, st.ctx);
    st.postpone_on_connect_s = health.postpone_on_connect_s;
    st.pause_health_while_disconnected = health.pause_while_disconnected;
  }
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const stream_subscriber_actor& a) {
                                return a.address() == dm.source;
                              }),
               subs.end());
  });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [id, c] : self->state.charts)
      self->send_exit(c.actor, msg.reason);
    if (self->state.health)
      self->send_exit(self->state.health, msg.reason);
    self->send(self->state.db, atom::close::value);
    self->quit(msg.reason);
  });
  return {
      [=](atom::define, const chart_def& def) {
        define_chart(self, std::make_shared<const chart_def>(def));
      },
      [=](atom::define, const shared_chart_def& x) {
        define_chart(self, x.def);
      },
      [=](chart_row& row) {
        timed_handler timed{self->state.timing};
        route_row(self, std::move(row));
      },
      [=](row_batch& b) {
        timed_handler timed{self->state.timing};
        for (auto& row : b.rows)
          route_row(self, std::move(row));
      },
      [=](replay_batch& b) {
        auto& st = self->state;
        auto i = st.by_id.find(b.chart_id);
        if (i == st.by_id.end() || b.empty())
          return;
        touch(st, *i->second);
        // Only the state form (REND) can end a replication, and it ends a
        // batch.
        bool finished = b.has_state && b.state.end && b.state.start_streaming;
        auto id = b.chart_id;
        self->send(i->second->actor, std::move(b));
        if (finished)
          release_after_chart(self, id);
      },
      [=](atom::sync) -> caf::result<bool> {
        // A fence through every chart that got data since the last one, and
        // through the host db behind it: the answer means all of it is stored.
        auto& st = self->state;
        std::vector<chart_actor> charts;
        charts.reserve(st.touched.size());
        for (auto* c : st.touched) {
          c->touched = false;
          charts.push_back(c->actor);
        }
        st.touched.clear();
        if (charts.empty())
          return true;
        auto rp = self->make_response_promise<bool>();
        auto pending = std::make_shared<size_t>(charts.size());
        for (auto& c : charts)
          self->request(c, caf::infinite, atom::sync::value)
              .then(
                  [=](bool) mutable {
                    if (--*pending == 0)
                      rp.deliver(true);
                  },
                  [=](caf::error&) mutable {
                    if (--*pending == 0)
                      rp.deliver(true);
                  });
        return rp;
      },
      [=](atom::replay, const std::string& id) {
        auto& st = self->state;
        st.replicating[id] = {++st.replication_generation, now_s(st)};
        if (auto i = st.charts.find(id); i != st.charts.end())
          i->second.held = true;
        if (!st.hold_check_pending) {
          st.hold_check_pending = true;
          self->delayed_send(self, hold_check_interval, atom::replay::value,
                             atom::timeout::value);
        }
      },
      [=](atom::replay, atom::timeout) {
        auto& st = self->state;
        st.hold_check_pending = false;
        std::vector<std::pair<std::string, uint64_t>> late;
        for (auto& [id, h] : st.replicating)
          if (now_s(st) - h.since_s >= replication_wait_bound_s)
            late.emplace_back(id, h.generation);
        for (auto& [id, generation] : late) {
          TRIBUTARY_ERROR(*st.ctx.log, "STREAM " + st.info.hostname,
                          "replication of chart '", id, "' did not finish in ",
                          replication_wait_bound_s,
                          " seconds; streaming it upstream without waiting");
          release_chart(self, id, generation);
        }
        if (!st.replicating.empty()) {
          st.hold_check_pending = true;
          self->delayed_send(self, hold_check_interval, atom::replay::value,
                             atom::timeout::value);
        }
      },
      [=](atom::info, host_info& info) { self->state.info = std::move(info); },
      [=](atom::subscribe, stream_subscriber_actor subscriber) {
        auto& st = self->state;
        self->monitor(subscriber);
        for (auto& [id, c] : st.charts)
          if (st.replicating.count(id) == 0)
            caf::anon_send(subscriber, atom::define::value, *c.def);
        st.subscribers.push_back(std::move(subscriber));
      },
      [=](atom::stream, atom::write, bool connected, bool compression) {
        auto& st = self->state;
        st.sender_compression = compression;
        if (!connected) {
          if (const auto& from = self->current_sender())
            st.senders_behind.emplace(from->id(), from->address());
          self->send(st.db, atom::stream::value, atom::write::value, false);
        }
      },
      [=](atom::replay, atom::write, caf::actor_id supervisor) {
        // Fan-out: one parent having replicated is not enough.
        auto& st = self->state;
        st.senders_behind.erase(supervisor);
        for (auto i = st.senders_behind.begin(); i != st.senders_behind.end();)
          if (caf::actor_cast<caf::strong_actor_ptr>(i->second) == nullptr)
            i = st.senders_behind.erase(i);
          else
            ++i;
        if (st.senders_behind.empty())
          self->send(st.db, atom::stream::value, atom::write::value, true);
      },
      [=](atom::stream, bool connected, bool compression) {
        auto& st = self->state;
        st.reachable = connected;
        st.compression = connected && compression;
        if (!connected) {
          // What the child did not replicate will not come: offer what is here.
          std::vector<std::string> held;
          for (auto& [id, hold] : st.replicating)
            held.push_back(id);
          for (auto& id : held)
            release_after_chart(self, id);
        }
        if (!st.health)
          return;
        if (!connected) {
          // `auto`: frozen at the last status until the child is back.
          if (st.pause_health_while_disconnected)
            self->send(st.health, atom::postpone::value,
                       std::numeric_limits<int64_t>::max());
          return;
        }
        // Netdata's `postpone alarms on connect seconds`, at every connect
        // (a reconnect moves the end); the monitor's tick resumes.
        if (st.postpone_on_connect_s > 0)
          self->send(st.health, atom::postpone::value,
                     static_cast<int64_t>(st.ctx.now_usec() / 1000000)
                         + st.postpone_on_connect_s);
        else
          self->send(st.health, atom::resume::value);
      },
      [=](atom::health, const std::string& endpoint,
          const std::vector<std::string>& args) -> caf::result<std::string> {
        auto& st = self->state;
        if (!st.health)
          return caf::make_error(ec::not_found,
                                 "health is disabled for " + st.info.hostname);
        auto rp = self->make_response_promise<std::string>();
        self->request(st.health, caf::infinite, atom::health::value, endpoint,
                      args)
            .then(
                [=](std::string& body) mutable { rp.deliver(std::move(body)); },
                [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [=](atom::close, bool delete_files) -> caf::result<bool> {
        // An orphan host removed: its children first, then its database,
        // which answers once its files are closed (and deleted).
        auto& st = self->state;
        for (auto& [id, c] : st.charts) {
          // Linked: unlink first, or their exit would end this host early.
          self->unlink_from(c.actor);
          self->send_exit(c.actor, caf::exit_reason::user_shutdown);
        }
        st.charts.clear();
        st.by_id.clear();
        st.touched.clear();
        if (st.health)
          self->send_exit(st.health, caf::exit_reason::user_shutdown);
        self->unlink_from(st.db);
        auto rp = self->make_response_promise<bool>();
        self->request(st.db, caf::infinite, atom::close::value, delete_files)
            .then(
                [=](bool ok) mutable {
                  rp.deliver(ok);
                  self->quit();
                },
                [=](caf::error&) mutable {
                  rp.deliver(false);
                  self->quit();
                });
        return rp;
      },
      [=](atom::reload, const reload_request& r) {
        auto& st = self->state;
        st.ctx.settings = r.settings;
        if (!r.health)
          return;
        st.ctx.health_definitions = r.health;
        if (st.health)
          self->send(st.health, atom::reload::value, r);
      },
      [=](atom::get, atom::health) {
        auto& st = self->state;
        std::vector<caf::actor> out;
        // The host's helpers for the actor directory: its db, health monitor
        // and postpone timer.
        if (st.db)
          out.push_back(caf::actor_cast<caf::actor>(st.db));
        if (st.health)
          out.push_back(caf::actor_cast<caf::actor>(st.health));
        return out;
      },
      [=](atom::get, atom::info) -> caf::result<host_summary> {
        auto& st = self->state;
        host_summary s;
        s.info = st.info;
        s.reachable = st.reachable;
        s.stream_compression = st.compression;
        s.has_sender = st.sender_compression.has_value();
        s.sender_compression = st.sender_compression.value_or(false);
        s.charts = static_cast<int64_t>(st.charts.size());
        for (auto& [id, c] : st.charts)
          s.dimensions += static_cast<int64_t>(c.def->dimensions.size());
        s.memory_mode = st.memory_mode;
        s.history = st.chart_cfg.history;
        // The storage health comes from the host's database actor.
        auto rp = self->make_response_promise<host_summary>();
        self->request(st.db, std::chrono::seconds(5), atom::get::value,
                      atom::store::value)
            .then(
                [=](storage_status& x) mutable {
                  auto out = s;
                  out.storage = std::move(x);
                  rp.deliver(std::move(out));
                },
                [=](caf::error&) mutable { rp.deliver(s); });
        return rp;
      },
      [=](atom::get, atom::charts) {
        // The host's own definitions, shared: one pass copying two pointers
        // per chart, no message per chart and no definition copied, so a
        // host of 100,000 charts stays responsive.
        auto& st = self->state;
        std::vector<const host_state::chart_entry*> order;
        order.reserve(st.charts.size());
        for (auto& [id, c] : st.charts)
          order.push_back(&c);
        std::sort(order.begin(), order.end(),
                  [](auto* a, auto* b) { return a->sequence < b->sequence; });
        chart_listing out;
        out.charts.reserve(order.size());
        for (auto* c : order)
          out.charts.push_back(listed_chart{c->def, c->extent});
        return out;
      },
      [=](atom::get, atom::charts, const std::vector<std::string>& ids) {
        std::vector<chart_summary> out;
        for (auto& id : ids)
          if (auto i = self->state.charts.find(id);
              i != self->state.charts.end())
            out.push_back(summary_of(i->second));
        return out;
      },
      [=](atom::get, atom::define) {
        auto& st = self->state;
        st.health_stale = false;
        std::vector<chart_summary> out;
        out.reserve(st.charts.size());
        for (auto& [id, c] : st.charts) {
          chart_summary s;
          s.def = *c.def;
          out.push_back(std::move(s));
        }
        return out;
      },
      [=](atom::query, const data_query& q) -> caf::result<data_result> {
        auto* def = find_chart(self->state, q.chart);
        if (def == nullptr)
          return caf::make_error(ec::not_found, "chart " + q.chart);
        return self->delegate(self->state.db, atom::query::value, q, *def);
      },
      [=](atom::query, atom::collected,
          const std::string& id) -> caf::result<chart_collected> {
        auto i = self->state.by_id.find(id);
        if (i == self->state.by_id.end())
          return caf::make_error(ec::not_found, "chart " + id);
        return self->delegate(i->second->actor, atom::get::value,
                              atom::collected::value);
      },
      [=](atom::status, atom::charts,
          int64_t limit) -> caf::result<std::vector<actor_status>> {
        auto& st = self->state;
        auto rp = self->make_response_promise<std::vector<actor_status>>();
        auto n = std::min<size_t>(
            st.charts.size(), static_cast<size_t>(std::max<int64_t>(limit, 0)));
        status_gather gather({}, std::chrono::seconds(2),
                             status_gather::deliver_to(rp));
        for (auto& [id, c] : st.charts) {
          if (n-- == 0)
            break;
          gather.ask(self, c.actor, self->id());
        }
        gather.close();
        return rp;
      },
      [=](atom::status) {
        auto& st = self->state;
        actor_status s;
        s.name = st.info.hostname;
        s.kind = "host";
        report_handling(s, st.timing);
        s.counters = {{"charts", static_cast<int64_t>(st.charts.size())},
                      {"rows", st.rows},
                      {"samples", st.samples},
                      {"dropped_rows", st.dropped_rows},
                      {"hops", st.info.hops}};
        s.labels
            = {{"guid", st.info.machine_guid}, {"hostname", st.info.hostname}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
  };
}

} // namespace tributary
