#include "health/alert_instance.hpp"

namespace tributary::health {

log_entry make_transition(const alert_instance& a, status to, int64_t now) {
  log_entry e;
  e.alarm_id = a.alarm_id;
  e.when = now;
  e.duration = a.last_status_change > 0 ? now - a.last_status_change : 0;
  e.old_status = a.current;
  e.new_status = to;
  e.old_value = a.old_value;
  e.new_value = a.value;
  if (a.no_clear_notification)
    e.flags |= entry_flag::no_clear_notification;
  e.name = a.name;
  e.chart = a.chart_id;
  e.context = a.context;
  e.family = a.family;
  e.classification = a.classification;
  e.component = a.component;
  e.type = a.type;
  e.exec = a.exec;
  e.recipient = a.recipient;
  e.source = a.source;
  e.units = a.units;
  e.info = a.info;
  return e;
}

bool settle(alert_instance& a, const delay_settings& delay,
            std::optional<double> warn, std::optional<double> crit, int64_t now,
            health_log& log) {
  auto next = decide_status(warn, crit);
  bool changed = next != a.current;
  if (changed) {
    auto e = make_transition(a, next, now);
    e.delay = apply_delay(delay, a.delay, a.current, next, now);
    e.delay_up_to_timestamp = now + e.delay;
    log.add(std::move(e));
    a.last_status_change = now;
    a.old_status = a.current;
    a.current = next;
  }
  a.last_updated = now;
  a.next_update = now + a.update_every;
  return changed;
}

} // namespace tributary::health
