#include "health/notification.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tributary::health {

std::string value_string(double value, const std::string& units) {
  if (!std::isfinite(value))
    return "-";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%0.2f", value);
  std::string s = buf;
  if (!units.empty())
    s += (units == "%" ? "" : " ") + units;
  return s;
}

namespace {

/// Netdata strips leading dashes so that no argument reads as an option.
std::string arg(const std::string& s) {
  auto first = s.find_first_not_of('-');
  return first == std::string::npos ? std::string{} : s.substr(first);
}

std::string rounded(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%0.0f", v);
  return buf;
}

std::string file_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

std::vector<std::string> notification_arguments(const host_health& h,
                                                const log_entry& e,
                                                const notification_context& c) {
  // The other raised alerts of the host, newest change first.
  std::vector<const host_alert*> warn;
  std::vector<const host_alert*> crit;
  const host_alert* self = nullptr;
  for (auto& [key, a] : h.alerts()) {
    if (a.state.alarm_id == e.alarm_id) {
      self = &a;
      continue;
    }
    if (!a.linked)
      continue;
    if (a.state.current == status::warning)
      warn.push_back(&a);
    else if (a.state.current == status::critical)
      crit.push_back(&a);
  }
  auto newest_first = [](const host_alert* x, const host_alert* y) {
    return x->state.last_status_change > y->state.last_status_change;
  };
  std::sort(warn.begin(), warn.end(), newest_first);
  std::sort(crit.begin(), crit.end(), newest_first);
  size_t listed = 0;
  auto names = [&listed](const std::vector<const host_alert*>& xs) {
    std::string out;
    for (auto* a : xs) {
      if (listed++ >= 15)
        break;
      if (!out.empty())
        out += ',';
      out += a->state.name + "=" + std::to_string(a->state.last_status_change);
    }
    return out;
  };
  auto crit_names = names(crit);
  auto warn_names = names(warn);
  std::string source = "NOSOURCE";
  if (self != nullptr && self->def != nullptr) {
    bool latest = !h.log().entries().empty()
                  && h.log().entries().front().unique_id == e.unique_id;
    auto& expr = e.new_status == status::critical ? self->crit : self->warn;
    if (latest && expr)
      source = expr->source();
  }
  std::string edit;
  if (self != nullptr && self->def != nullptr)
    edit = "sudo " + c.config_dir + "/edit-config health.d/"
           + file_name(self->def->file) + "=" + std::to_string(self->def->line)
           + "=" + c.hostname;
  return {
      arg(e.recipient.empty() ? "root" : e.recipient),
      arg(c.hostname),
      std::to_string(e.unique_id),
      std::to_string(e.alarm_id),
      std::to_string(e.alarm_event_id),
      std::to_string(e.when),
      arg(e.name),
      arg(e.chart.empty() ? "NOCHART" : e.chart),
      arg(e.family.empty() ? "NOFAMILY" : e.family),
      std::string{to_string(e.new_status)},
      std::string{to_string(e.old_status)},
      rounded(e.new_value),
      rounded(e.old_value),
      arg(e.source),
      std::to_string(e.duration),
      std::to_string(e.non_clear_duration),
      arg(e.units),
      arg(e.info),
      arg(value_string(e.new_value, e.units)),
      arg(value_string(e.old_value, e.units)),
      arg(source),
      "NOERRMSG",
      std::to_string(warn.size()),
      std::to_string(crit.size()),
      arg(warn_names),
      arg(crit_names),
      arg(e.classification.empty() ? "Unknown" : e.classification),
      arg(edit),
      arg(c.machine_guid),
  };
}

} // namespace tributary::health
