#include "actors/health.hpp"

#include "actors/notify_runner.hpp"
#include "config/settings.hpp"
#include "health/health_json.hpp"
#include "health/host_health.hpp"
#include "health/notification.hpp"

#include <caf/all.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

namespace tributary {

health_monitor_state::health_monitor_state() = default;
health_monitor_state::~health_monitor_state() = default;

namespace {

using monitor_ptr
    = health_monitor_actor::stateful_pointer<health_monitor_state>;

int64_t now_s(const daemon_context& ctx) {
  return static_cast<int64_t>(ctx.now_usec() / 1000000);
}

std::string who(const health_monitor_state& st) {
  return "HEALTH " + log_text(st.info.hostname);
}

health::chart_snapshot snapshot(const chart_summary& c) {
  health::chart_snapshot s;
  auto& f = s.facts;
  f.id = c.def.id;
  f.name = c.def.name.empty() ? c.def.id : c.def.name;
  f.context = c.def.context;
  f.family = c.def.family;
  f.plugin = c.def.plugin;
  f.module = c.def.module;
  for (auto& d : c.def.dimensions)
    f.dimensions.emplace_back(d.id, d.name.empty() ? d.id : d.name);
  s.units = c.def.units;
  s.update_every = c.def.update_every > 0 ? c.def.update_every : 1;
  s.first_entry = c.first_entry;
  s.last_entry = c.last_entry;
  return s;
}

/// One row of a query result: the newest row with any value.
health::lookup_row last_row(const data_result& r) {
  health::lookup_row row;
  row.ids = r.dimension_ids;
  row.names = r.dimension_names;
  auto n = r.dimension_ids.size();
  row.values.assign(n, NAN);
  if (n == 0)
    return row;
  for (auto t = r.times.size(); t-- > 0;) {
    bool any = false;
    for (size_t d = 0; d < n; ++d)
      any = any || !std::isnan(r.values[t * n + d]);
    if (!any)
      continue;
    for (size_t d = 0; d < n; ++d)
      row.values[d] = r.values[t * n + d];
    break;
  }
  return row;
}

/// A due notification: logged, and handed to the alert's `exec` script
/// (Netdata's alarm-notify.sh arguments) when there is one.
void notify(monitor_ptr self, const health::log_entry& e) {
  auto& st = self->state;
  ++st.notifications;
  TRIBUTARY_INFO(*st.ctx.log, who(st), "alarm '", e.chart, ".", e.name, "' is ",
                 health::to_string(e.new_status), " (was ",
                 health::to_string(e.old_status), "), value ",
                 health::value_string(e.new_value, e.units));
  auto id = e.unique_id;
  if (e.exec.empty()) {
    st.engine->log().mark_exec(id, now_s(st.ctx), 0);
    return;
  }
  health::notification_context c;
  c.hostname = st.info.registry_hostname.empty() ? st.info.hostname
                                                 : st.info.registry_hostname;
  if (st.info.hops > 0)
    c.machine_guid = st.info.machine_guid;
  c.config_dir = st.ctx.settings->global.config_dir;
  auto argv = health::notification_arguments(*st.engine, e, c);
  argv.insert(argv.begin(), e.exec);
  auto runner = self->spawn<caf::detached>(notify_runner, std::move(argv));
  self->request(runner, caf::infinite, atom::get::value)
      .then(
          [=](int code) {
            auto& st = self->state;
            st.engine->log().mark_exec(id, now_s(st.ctx), code);
            if (code != 0)
              TRIBUTARY_ERROR(*st.ctx.log, who(st), "notification script '",
                              e.exec, "' exited with code ", code);
          },
          [=](caf::error&) {});
}

/// After every query of a round came back: evaluate, log, notify.
struct round {
  std::vector<std::string> due;
  std::map<std::string, std::optional<health::lookup_row>> lookups;
  std::map<std::string, health::lookup_row> last_values;
  size_t pending = 0;
};

/// The alerts of `definitions` for this host; a reload keeps the health log
/// (so alert ids, unique ids and the history stay), as Netdata's health
/// reload does.
void build_engine(health_monitor_state& st) {
  health::host_facts facts;
  facts.os = st.info.os.empty() ? "linux" : st.info.os;
  facts.hostname = st.info.hostname;
  auto old = std::move(st.engine);
  // Netdata starts the unique ids of an empty log at the current time.
  st.engine = std::make_unique<health::host_health>(
      *st.definitions, facts, static_cast<size_t>(st.opts.max_log_entries),
      static_cast<uint32_t>(now_s(st.ctx)));
  if (old)
    st.engine->log() = std::move(old->log());
  st.next_link = 0;
}

/// Between rounds only: a round in flight holds keys of the running alerts.
void apply_pending_definitions(health_monitor_state& st) {
  if (!st.pending_definitions || st.busy)
    return;
  st.definitions = std::move(st.pending_definitions);
  build_engine(st);
  // A new engine has no links: list every chart again at the next round
  // (the host only says when charts are new or redefined).
  st.charts_changed = true;
  st.next_link = 0;
  TRIBUTARY_INFO(*st.ctx.log, who(st), "health configuration reloaded: ",
                 st.definitions->definitions.size(), " alerts");
}

void finish_round(monitor_ptr self, const std::shared_ptr<round>& r) {
  auto& st = self->state;
  auto now = now_s(st.ctx);
  auto& engine = *st.engine;
  for (auto& key : r->due) {
    auto& a = engine.alerts().at(key);
    auto lv = r->last_values.find(a.state.chart_id);
    static const health::lookup_row none;
    auto l = r->lookups.find(key);
    engine.evaluate(key, l == r->lookups.end() ? std::nullopt : l->second,
                    lv == r->last_values.end() ? none : lv->second, now);
  }
  for (auto& e : engine.take_notifications(now))
    notify(self, e);
  // Repeat notifications: their entries are not in the log, so `notify`'s
  // mark_exec on their unique ids finds nothing and changes nothing.
  for (auto& e : engine.take_repeats(now))
    notify(self, e);
  ++st.rounds;
  st.busy = false;
  apply_pending_definitions(st);
}

/// Queries what the due alerts need, then evaluates them.
void evaluate_due(monitor_ptr self) {
  auto& st = self->state;
  auto now = now_s(st.ctx);
  auto r = std::make_shared<round>();
  r->due = st.engine->due(now);
  std::vector<std::pair<std::string, data_query>> queries;
  for (auto& key : r->due) {
    auto& chart = st.engine->alerts().at(key).state.chart_id;
    if (r->last_values.emplace(chart, health::lookup_row{}).second) {
      data_query q;
      q.chart = chart;
      q.after = -1;
      q.points = 0;
      queries.emplace_back("", q);
    }
    if (auto lq = st.engine->query_for(key, now)) {
      data_query q;
      q.chart = lq->chart_id;
      q.after = lq->after;
      q.before = lq->before;
      q.points = 1;
      q.group = lq->group;
      q.aligned = lq->aligned;
      queries.emplace_back(key, q);
    }
  }
  r->pending = queries.size();
  if (queries.empty())
    return finish_round(self, r);
  for (auto& [key, q] : queries) {
    auto done = [=] {
      if (--r->pending == 0)
        finish_round(self, r);
    };
    auto k = key;
    auto chart = q.chart;
    self->request(st.host, caf::infinite, atom::query::value, q)
        .then(
            [=](const data_result& res) {
              if (k.empty())
                r->last_values[chart] = last_row(res);
              else
                r->lookups[k] = last_row(res);
              done();
            },
            [=](caf::error&) {
              if (!k.empty())
                r->lookups[k] = std::nullopt;
              done();
            });
  }
}

/// Refreshes the stored range of the charts with alerts (only those: a host
/// with 100,000 charts and a few alerts asks for a few charts), then
/// evaluates.
void refresh_ranges(monitor_ptr self) {
  auto& st = self->state;
  auto ids = st.engine->linked_charts();
  if (ids.empty())
    return evaluate_due(self);
  self->request(st.host, caf::infinite, atom::get::value, atom::charts::value,
                std::move(ids))
      .then(
          [=](const std::vector<chart_summary>& charts) {
            auto& st = self->state;
            for (auto& c : charts)
              st.engine->update_range(c.def.id, c.first_entry, c.last_entry);
            evaluate_due(self);
          },
          [=](caf::error& err) {
            auto& st = self->state;
            st.busy = false;
            TRIBUTARY_ERROR(
                *st.ctx.log, who(st),
                "cannot read the charts' ranges: ", self->system().render(err));
          });
}

/// One pass of the health loop: every `run at least every seconds` the
/// alerts are linked to the charts (listed again only when the host said
/// that some are new or redefined) and their charts' ranges refreshed;
/// every second the due ones are evaluated.
void run_round(monitor_ptr self) {
  auto& st = self->state;
  auto now = now_s(st.ctx);
  if (st.postponed_until > now || st.busy)
    return;
  if (st.postponed_until != 0) {
    st.postponed_until = 0;
    st.next_link = 0;
    TRIBUTARY_INFO(*st.ctx.log, who(st), "resuming health checks");
  }
  st.busy = true;
  if (now < st.next_link)
    return evaluate_due(self);
  st.next_link = now + st.opts.run_at_least_every_seconds;
  if (!st.charts_changed)
    return refresh_ranges(self);
  st.charts_changed = false;
  self->request(st.host, caf::infinite, atom::get::value, atom::define::value)
      .then(
          [=](const std::vector<chart_summary>& charts) {
            auto& st = self->state;
            std::vector<health::chart_snapshot> snaps;
            snaps.reserve(charts.size());
            for (auto& c : charts)
              snaps.push_back(snapshot(c));
            st.engine->link(snaps, now_s(st.ctx));
            for (auto& p : st.engine->take_problems())
              TRIBUTARY_ERROR(*st.ctx.log, who(st), p);
            refresh_ranges(self);
          },
          [=](caf::error& err) {
            auto& st = self->state;
            st.busy = false;
            st.charts_changed = true;
            TRIBUTARY_ERROR(*st.ctx.log, who(st), "cannot list the charts: ",
                            self->system().render(err));
            apply_pending_definitions(st);
          });
}

/// The value of `name` among the query's `name=value` pairs.
std::string arg(const std::vector<std::string>& args, std::string_view name,
                bool* present = nullptr) {
  for (auto& a : args) {
    auto eq = a.find('=');
    auto n = std::string_view{a}.substr(0, eq);
    if (n == name) {
      if (present != nullptr)
        *present = true;
      return eq == std::string::npos ? std::string{} : a.substr(eq + 1);
    }
  }
  if (present != nullptr)
    *present = false;
  return {};
}

constexpr auto tick = std::chrono::seconds(1);

} // namespace

health_monitor_actor::behavior_type health_monitor(
    health_monitor_actor::stateful_pointer<health_monitor_state> self,
    host_actor host, host_info info,
    std::shared_ptr<const health::load_result> definitions, health_options opts,
    daemon_context ctx) {
  auto& st = self->state;
  st.host = std::move(host);
  st.info = std::move(info);
  st.definitions = std::move(definitions);
  st.opts = opts;
  st.ctx = std::move(ctx);
  build_engine(st);
  self->delayed_send(self, tick, atom::timeout::value);
  return {
      [=](atom::reload, const reload_request& r) {
        auto& st = self->state;
        if (!r.health)
          return;
        st.pending_definitions = r.health;
        apply_pending_definitions(st);
      },
      [=](atom::timeout) {
        timed_handler timed{self->state.timing};
        run_round(self);
        self->delayed_send(self, tick, atom::timeout::value);
      },
      [=](atom::postpone, int64_t until) {
        auto& st = self->state;
        st.postponed_until = until;
        if (until == std::numeric_limits<int64_t>::max())
          TRIBUTARY_INFO(*st.ctx.log, who(st),
                         "the host disconnected: health checks paused");
        else
          TRIBUTARY_INFO(*st.ctx.log, who(st), "postponing health checks for ",
                         until - now_s(st.ctx), " seconds");
      },
      [=](atom::charts) { self->state.charts_changed = true; },
      [=](atom::resume) {
        auto& st = self->state;
        st.postponed_until
            = std::min<int64_t>(st.postponed_until, now_s(st.ctx));
        run_round(self);
      },
      [=](atom::health, const std::string& endpoint,
          const std::vector<std::string>& args) -> caf::result<std::string> {
        auto& st = self->state;
        auto& h = *st.engine;
        bool all = false;
        arg(args, "all", &all);
        if (endpoint == "alarms") {
          // Netdata's `status`: false while a disconnected `auto` child's
          // alerts are frozen.
          bool running
              = st.postponed_until != std::numeric_limits<int64_t>::max();
          return render_alarms(h, st.info, running, all, now_s(st.ctx));
        }
        if (endpoint == "alarm_totals")
          return render_alarm_totals(h);
        if (endpoint == "alarms_values")
          return render_alarms_values(h, st.info, all);
        if (endpoint == "alarm_log") {
          auto after = std::strtoul(arg(args, "after").c_str(), nullptr, 10);
          return render_alarm_log(h, st.info, static_cast<uint32_t>(after),
                                  arg(args, "chart"));
        }
        if (endpoint == "alarm_count") {
          std::vector<std::string> contexts;
          for (auto& a : args)
            if (a.rfind("context=", 0) == 0 || a.rfind("ctx=", 0) == 0)
              contexts.push_back(a.substr(a.find('=') + 1));
          auto status = arg(args, "status");
          return render_alarm_count(h, status.empty() ? "RAISED" : status,
                                    contexts);
        }
        return caf::make_error(ec::not_found,
                               "unknown health endpoint " + endpoint);
      },
      [=](atom::status) {
        auto& st = self->state;
        actor_status s;
        s.name = who(st);
        s.kind = "health";
        report_handling(s, st.timing);
        s.counters
            = {{"alerts", static_cast<int64_t>(st.engine->alerts().size())},
               {"rounds", st.rounds},
               {"notifications", st.notifications},
               {"postponed_until", st.postponed_until}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
  };
}

} // namespace tributary
