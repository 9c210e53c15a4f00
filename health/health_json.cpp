#include "health/health_json.hpp"

#include "api/text_fix.hpp"
#include "health/notification.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace tributary::health {

namespace {

using ordered_json = nlohmann::ordered_json;

/// A child's chart ids, names and hostnames may hold invalid UTF-8, on
/// which nlohmann::json's dump throws: fix every string and key first.
void fix_strings(ordered_json& j) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    if (!api::is_valid_utf8(s))
      s = api::fix_utf8(s);
    return;
  }
  if (j.is_array()) {
    for (auto& x : j)
      fix_strings(x);
    return;
  }
  if (!j.is_object())
    return;
  bool keys_ok = true;
  for (auto& [k, v] : j.items()) {
    fix_strings(v);
    keys_ok = keys_ok && api::is_valid_utf8(k);
  }
  if (keys_ok)
    return;
  auto fixed = ordered_json::object();
  for (auto& [k, v] : j.items())
    fixed[api::fix_utf8(k)] = std::move(v);
  j = std::move(fixed);
}

std::string dump_fixed(ordered_json& j, int indent = 1) {
  fix_strings(j);
  return indent > 0 ? j.dump(indent, '\t') : j.dump();
}

ordered_json number_or_null(double v) {
  return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr);
}

std::string lookup_options(const lookup_spec& l) {
  std::string out;
  auto add = [&](bool on, const char* word) {
    if (!on)
      return;
    if (!out.empty())
      out += ' ';
    out += word;
  };
  add(l.absolute, "absolute");
  add(l.min2max, "min2max");
  add(l.percentage, "percentage");
  add(l.null2zero, "null2zero");
  add(l.unaligned, "unaligned");
  add(l.match_ids, "match-ids");
  add(l.match_names, "match-names");
  return out;
}

bool raised(status s) {
  return s == status::warning || s == status::critical;
}

ordered_json alarm_json(const host_alert& a) {
  auto& s = a.state;
  auto& d = *a.def;
  ordered_json j;
  j["id"] = s.alarm_id;
  j["config_hash_id"] = "";
  j["name"] = s.name;
  j["chart"] = s.chart_id;
  j["family"] = s.family;
  j["class"] = s.classification;
  j["component"] = s.component;
  j["type"] = s.type;
  j["active"] = a.linked;
  j["disabled"] = false;
  j["silenced"] = false;
  j["exec"] = s.exec;
  j["recipient"] = s.recipient;
  j["source"] = s.source;
  j["units"] = s.units;
  j["info"] = s.info;
  j["status"] = std::string{to_string(s.current)};
  j["last_status_change"] = s.last_status_change;
  j["last_updated"] = s.last_updated;
  j["next_update"] = s.next_update;
  j["update_every"] = s.update_every;
  j["delay_up_duration"] = d.delay.up;
  j["delay_down_duration"] = d.delay.down;
  j["delay_max_duration"] = d.delay.max;
  char mult[32];
  std::snprintf(mult, sizeof(mult), "%f", d.delay.multiplier);
  j["delay_multiplier"] = mult;
  j["delay"]
      = raised(s.current) || s.current == status::clear
            ? (static_cast<int>(s.current) > static_cast<int>(s.old_status)
                   ? s.delay.current_up
                   : s.delay.current_down)
            : 0;
  j["delay_up_to_timestamp"] = s.delay.up_to;
  j["warn_repeat_every"] = std::to_string(d.repeat.warning);
  j["crit_repeat_every"] = std::to_string(d.repeat.critical);
  j["value_string"] = value_string(s.value, s.units);
  j["last_repeat"] = std::to_string(s.last_repeat);
  j["times_repeat"] = s.times_repeat;
  if (s.no_clear_notification)
    j["no_clear_notification"] = true;
  if (d.has_lookup()) {
    auto& l = *a.lookup;
    if (!l.dimensions.empty())
      j["lookup_dimensions"] = l.dimensions;
    j["db_after"] = a.db_after;
    j["db_before"] = a.db_before;
    j["lookup_method"] = std::string{to_string(l.method)};
    j["lookup_after"] = l.after;
    j["lookup_before"] = l.before;
    j["lookup_options"] = lookup_options(l);
  }
  auto expr = [&](const char* key, const std::optional<expression>& e) {
    if (!e)
      return;
    j[key] = api::html_escape(e->source());
    j[std::string{key} + "_parsed"] = api::html_escape(e->parsed_as());
  };
  expr("calc", a.calc);
  expr("warn", a.warn);
  expr("crit", a.crit);
  j["green"] = number_or_null(d.green);
  j["red"] = number_or_null(d.red);
  j["value"] = number_or_null(s.value);
  return j;
}

bool listed(const host_alert& a, bool all) {
  return a.linked && (all || raised(a.state.current));
}

} // namespace

std::string render_alarms(const host_health& h, const host_info& info,
                          bool enabled, bool all, int64_t now) {
  ordered_json j;
  j["hostname"] = info.hostname;
  j["latest_alarm_log_unique_id"]
      = h.log().entries().empty() ? 0u : h.log().entries().front().unique_id;
  j["status"] = enabled;
  j["now"] = now;
  auto alarms = ordered_json::object();
  for (auto& [key, a] : h.alerts())
    if (listed(a, all))
      alarms[a.api_chart + "." + a.state.name] = alarm_json(a);
  j["alarms"] = std::move(alarms);
  return dump_fixed(j);
}

std::string render_alarms_values(const host_health& h, const host_info& info,
                                 bool all) {
  ordered_json j;
  j["hostname"] = info.hostname;
  auto alarms = ordered_json::object();
  for (auto& [key, a] : h.alerts()) {
    if (!listed(a, all))
      continue;
    ordered_json v;
    v["id"] = a.state.alarm_id;
    v["value"] = number_or_null(a.state.value);
    v["last_updated"] = a.state.last_updated;
    v["status"] = std::string{to_string(a.state.current)};
    alarms[a.api_chart + "." + a.state.name] = std::move(v);
  }
  j["alarms"] = std::move(alarms);
  return dump_fixed(j);
}

std::string render_alarm_log(const host_health& h, const host_info& info,
                             uint32_t after, const std::string& chart) {
  using namespace entry_flag;
  auto out = ordered_json::array();
  for (auto& e : h.log().entries()) {
    if (e.unique_id <= after || (!chart.empty() && e.chart != chart))
      continue;
    ordered_json j;
    j["hostname"] = info.hostname;
    j["utc_offset"] = info.utc_offset;
    j["timezone"] = info.timezone;
    j["unique_id"] = e.unique_id;
    j["alarm_id"] = e.alarm_id;
    j["alarm_event_id"] = e.alarm_event_id;
    j["config_hash_id"] = "";
    j["name"] = e.name;
    j["chart"] = e.chart;
    j["context"] = e.context;
    j["family"] = e.family;
    j["class"] = e.classification;
    j["component"] = e.component;
    j["type"] = e.type;
    j["processed"] = (e.flags & processed) != 0;
    j["updated"] = (e.flags & updated) != 0;
    j["exec_run"] = e.exec_run_timestamp;
    j["exec_failed"] = (e.flags & exec_failed) != 0;
    j["exec"] = e.exec;
    j["recipient"] = e.recipient;
    j["exec_code"] = e.exec_code;
    j["source"] = e.source;
    j["command"] = "";
    j["units"] = e.units;
    j["when"] = e.when;
    j["duration"] = e.duration;
    j["non_clear_duration"] = e.non_clear_duration;
    j["status"] = std::string{to_string(e.new_status)};
    j["old_status"] = std::string{to_string(e.old_status)};
    j["delay"] = e.delay;
    j["delay_up_to_timestamp"] = e.delay_up_to_timestamp;
    j["updated_by_id"] = e.updated_by_id;
    j["updates_id"] = e.updates_id;
    j["value_string"] = value_string(e.new_value, e.units);
    j["old_value_string"] = value_string(e.old_value, e.units);
    j["last_repeat"] = "0";
    j["silenced"] = (e.flags & silenced) != 0 ? "true" : "false";
    j["info"] = e.info.empty() ? ordered_json(nullptr) : ordered_json(e.info);
    if ((e.flags & no_clear_notification) != 0)
      j["no_clear_notification"] = true;
    j["value"] = number_or_null(e.new_value);
    j["old_value"] = number_or_null(e.old_value);
    out.push_back(std::move(j));
  }
  return dump_fixed(out);
}

std::string render_alarm_totals(const host_health& h) {
  int64_t normal = 0;
  int64_t warning = 0;
  int64_t critical = 0;
  for (auto& [key, a] : h.alerts()) {
    if (!a.linked)
      continue;
    auto s = a.state.current;
    normal += s == status::clear ? 1 : 0;
    warning += s == status::warning ? 1 : 0;
    critical += s == status::critical ? 1 : 0;
  }
  ordered_json j;
  j["normal"] = normal;
  j["warning"] = warning;
  j["critical"] = critical;
  return dump_fixed(j, 0);
}

std::string render_alarm_count(const host_health& h,
                               const std::string& status_name,
                               const std::vector<std::string>& contexts) {
  std::vector<std::string> wanted;
  for (auto& c : contexts) {
    std::string word;
    for (auto ch : c + ",") {
      if (ch == ',' || ch == '|' || ch == ' ') {
        if (!word.empty())
          wanted.push_back(word);
        word.clear();
      } else {
        word += ch;
      }
    }
  }
  std::string upper;
  for (auto ch : status_name)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int64_t n = 0;
  for (auto& [key, a] : h.alerts()) {
    if (!a.linked)
      continue;
    if (!wanted.empty()
        && std::find(wanted.begin(), wanted.end(), a.state.context)
               == wanted.end())
      continue;
    auto s = a.state.current;
    bool match = upper == "RAISED" ? raised(s) : to_string(s) == upper;
    n += match ? 1 : 0;
  }
  return "[" + std::to_string(n) + "]";
}

} // namespace tributary::health
