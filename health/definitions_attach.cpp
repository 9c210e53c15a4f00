// Which hosts and charts a definition applies to (docs/health.md "health.d
// files", "Attaching alerts").

#include "health/definitions.hpp"

#include <set>

namespace tributary::health {

namespace {

bool any_label_matches(const simple_pattern& p, const label_list& labels) {
  for (const auto& [name, value] : labels)
    if (p.matches(name) || p.matches(name + "=" + value))
      return true;
  return false;
}

bool passes(const std::optional<simple_pattern>& p, std::string_view subject) {
  return !p || p->matches(subject);
}

} // namespace

bool applies_to_host(const alert_definition& d, const host_facts& h) {
  for (const auto& p : d.os)
    if (!p.matches(h.os))
      return false;
  for (const auto& p : d.hosts)
    if (!p.matches(h.hostname))
      return false;
  return true;
}

bool host_labels_match(const alert_definition& d, const label_list* labels) {
  if (!d.host_labels || labels == nullptr)
    return true;
  return any_label_matches(*d.host_labels, *labels);
}

bool survives_host_label_pass(const alert_definition& d,
                              const label_list* labels) {
  if (!d.host_labels)
    return true;
  if (labels == nullptr || labels->empty())
    return false;
  return any_label_matches(*d.host_labels, *labels);
}

bool applies_to(const alert_definition& d, const chart_facts& c,
                const label_list* host_labels) {
  if (d.is_template) {
    if (c.context != d.on)
      return false;
    if (d.lookup && d.lookup->foreach_filter && c.dimensions.empty())
      return false;
    if (d.charts && !d.charts->matches(c.name) && !d.charts->matches(c.id))
      return false;
    if (!passes(d.families, c.family))
      return false;
  } else if (c.id != d.on && c.name != d.on) {
    return false;
  }
  return passes(d.plugin, c.plugin) && passes(d.module, c.module)
         && host_labels_match(d, host_labels);
}

std::vector<std::string> template_instance_names(const alert_definition& d,
                                                 const chart_facts& c) {
  std::vector<std::string> result;
  if (!d.is_template)
    return result;
  if (!d.lookup || !d.lookup->foreach_filter) {
    result.push_back(d.name);
    return result;
  }
  const auto& p = *d.lookup->foreach_filter;
  for (const auto& [id, name] : c.dimensions)
    if (p.matches(id) || p.matches(name))
      result.push_back(d.name + "_" + name);
  return result;
}

std::string instance_key(std::string_view chart_id, std::string_view name) {
  std::string result{chart_id};
  result += '/';
  result += name;
  return result;
}

host_selection select_for_host(const load_result& x, const host_facts& h) {
  host_selection result;
  std::set<std::string> alarm_keys;
  std::set<std::string> template_keys;
  for (const auto& d : x.definitions) {
    if (!applies_to_host(d, h))
      continue;
    auto key = d.key();
    auto& keys = d.is_template ? template_keys : alarm_keys;
    if (!keys.insert(key).second) {
      result.diagnostics.push_back(
          {d.file, d.line, diagnostic::note,
           std::string{d.is_template ? "template" : "alarm"} + " `" + key
               + "` already defined for host `" + h.hostname + "`; ignored"});
      continue;
    }
    (d.is_template ? result.templates : result.alarms).push_back(&d);
  }
  return result;
}

} // namespace tributary::health
