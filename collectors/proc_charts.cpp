#include "collectors/proc_charts.hpp"

#include "collectors/procfile.hpp"

namespace tributary::procfs {

dimension_def dim(std::string id, const char* algorithm, int64_t multiplier,
                  int64_t divisor, std::string name) {
  dimension_def d;
  d.name = name.empty() ? id : std::move(name);
  d.id = std::move(id);
  d.algorithm = algorithm;
  d.multiplier = multiplier;
  d.divisor = divisor;
  d.options = no_dim_options;
  return d;
}

chart_def make_chart(const chart_spec& s, std::vector<dimension_def> dims,
                     std::vector<std::pair<std::string, std::string>> extra) {
  chart_def c;
  c.id = s.type + "." + s.id;
  c.name = ""; // never renamed: the sender prints ""
  c.title = s.title;
  c.units = s.units;
  c.family = s.family;
  c.context = s.context.empty() ? c.id : s.context;
  c.chart_type = s.chart_type;
  c.priority = s.priority;
  c.update_every = s.update_every;
  c.options = s.detail ? detail_options : no_options;
  c.plugin = plugin_name;
  c.module = s.module;
  c.dimensions = std::move(dims);
  c.labels.emplace_back("_collect_plugin", plugin_name);
  c.labels.emplace_back("_collect_module", s.module);
  for (auto& kv : extra)
    c.labels.push_back(std::move(kv));
  return c;
}

operstate to_operstate(std::string_view s) {
  if (s == "up")
    return operstate::up;
  if (s == "down")
    return operstate::down;
  if (s == "notpresent")
    return operstate::notpresent;
  if (s == "lowerlayerdown")
    return operstate::lowerlayerdown;
  if (s == "testing")
    return operstate::testing;
  if (s == "dormant")
    return operstate::dormant;
  return operstate::unknown;
}

bool netdev_disabled_by_default(std::string_view name) {
  return name == "lo" || starts_with(name, "fireqos") || ends_with(name, "-ifb")
         || starts_with(name, "fwpr") || starts_with(name, "fwbr")
         || starts_with(name, "fwln");
}

bool disk_excluded_by_default(std::string_view name) {
  return starts_with(name, "loop") || starts_with(name, "ram");
}

} // namespace tributary::procfs
