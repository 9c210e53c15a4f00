#include "health/host_health.hpp"

#include <cmath>

namespace tributary::health {

namespace {

std::optional<double> status_constant(std::string_view name) {
  if (name == "REMOVED")
    return -2;
  if (name == "UNDEFINED")
    return -1;
  if (name == "UNINITIALIZED")
    return 0;
  if (name == "CLEAR")
    return 1;
  if (name == "WARNING")
    return 3;
  if (name == "CRITICAL")
    return 4;
  return std::nullopt;
}

std::optional<double> dimension_value(const lookup_row& row,
                                      std::string_view name) {
  for (size_t i = 0; i < row.ids.size() && i < row.values.size(); ++i)
    if (row.ids[i] == name)
      return row.values[i];
  for (size_t i = 0; i < row.names.size() && i < row.values.size(); ++i)
    if (row.names[i] == name)
      return row.values[i];
  return std::nullopt;
}

std::optional<double> result_of(const std::optional<expression>& e,
                                const expression::resolver& r) {
  if (!e)
    return std::nullopt;
  auto v = e->evaluate(r);
  if (!v)
    return std::nullopt;
  return *v;
}

} // namespace

std::optional<double> host_health::resolve(const host_alert& a,
                                           std::string_view name,
                                           const lookup_row& last_values,
                                           int64_t now) const {
  auto& s = a.state;
  auto edge = [](int64_t t) { return t == 0 ? NAN : static_cast<double>(t); };
  // Built-ins.
  if (name == "this")
    return s.value;
  if (name == "after")
    return edge(a.db_after);
  if (name == "before")
    return edge(a.db_before);
  if (name == "now")
    return static_cast<double>(now);
  if (name == "status")
    return static_cast<double>(static_cast<int>(s.current));
  if (auto k = status_constant(name))
    return k;
  // The chart's own variables.
  auto c = charts_.find(s.chart_id);
  if (c != charts_.end()) {
    if (name == "update_every")
      return static_cast<double>(c->second.update_every);
    if (name == "last_collected_t")
      return static_cast<double>(c->second.last_entry);
  }
  if (name == "green")
    return a.def->green;
  if (name == "red")
    return a.def->red;
  if (auto v = dimension_value(last_values, name))
    return v;
  for (auto& [key, other] : alerts_)
    if (other.state.chart_id == s.chart_id && other.state.name == name)
      return other.state.value;
  // The family's alerts.
  for (auto& [key, other] : alerts_)
    if (other.state.family == s.family && other.state.name == name)
      return other.state.value;
  // Host: `<chart>.<alert>` and `<chart>.<dimension>` of this chart.
  for (auto& [key, other] : alerts_) {
    auto& o = other.state;
    if (name.size() > o.name.size() + 1
        && name.substr(name.size() - o.name.size()) == o.name
        && name[name.size() - o.name.size() - 1] == '.') {
      auto chart = name.substr(0, name.size() - o.name.size() - 1);
      if (chart == o.chart_id || chart == o.chart_name)
        return o.value;
    }
  }
  for (auto& prefix : {s.chart_id, s.chart_name})
    if (!prefix.empty() && name.size() > prefix.size() + 1
        && name.substr(0, prefix.size()) == prefix
        && name[prefix.size()] == '.')
      if (auto v = dimension_value(last_values, name.substr(prefix.size() + 1)))
        return v;
  return std::nullopt;
}

void host_health::evaluate(const std::string& key,
                           const std::optional<lookup_row>& looked_up,
                           const lookup_row& last_values, int64_t now) {
  auto i = alerts_.find(key);
  if (i == alerts_.end())
    return;
  auto& a = i->second;
  auto& s = a.state;
  s.old_value = s.value;
  if (a.def->has_lookup()) {
    auto c = charts_.find(s.chart_id);
    auto end = a.lookup->before == 0 && c != charts_.end()
                   ? c->second.last_entry
                   : now + a.lookup->before;
    a.db_before = end;
    a.db_after = end + a.lookup->after;
    s.value = NAN;
    if (looked_up) {
      lookup_fold fold;
      auto& l = *a.lookup;
      fold.selects = [&l](std::string_view id, std::string_view name) {
        return l.selects(id, name);
      };
      fold.absolute = l.absolute;
      fold.percentage = l.percentage;
      fold.min2max = l.min2max;
      s.value = fold_lookup(*looked_up, fold);
    }
  }
  auto r = [&](std::string_view name) {
    return resolve(a, name, last_values, now);
  };
  if (a.calc) {
    auto v = result_of(a.calc, r);
    s.value = v ? *v : NAN;
  }
  auto warn = result_of(a.warn, r);
  auto crit = result_of(a.crit, r);
  settle(s, a.def->delay, warn, crit, now, log_);
}

} // namespace tributary::health
