#include "health/host_health.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tributary::health {

namespace {

/// The methods the storage layer's query reduces (the API's `group=`
/// values); the others (trimmed means, percentile, countif, ...) give NaN.
std::optional<std::string> storage_group(lookup_method m) {
  switch (m) {
  case lookup_method::average:
  case lookup_method::min:
  case lookup_method::max:
  case lookup_method::sum:
  case lookup_method::incremental_sum:
  case lookup_method::median:
  case lookup_method::stddev:
  case lookup_method::cv:
  case lookup_method::ses:
  case lookup_method::des:
    return std::string{to_string(m)};
  default:
    return std::nullopt;
  }
}

std::string replace_family(std::string info, const std::string& family) {
  constexpr std::string_view token = "$family";
  for (auto at = info.find(token); at != std::string::npos;
       at = info.find(token, at + family.size()))
    info.replace(at, token.size(), family);
  return info;
}

} // namespace

host_health::host_health(const load_result& defs, const host_facts& host,
                         size_t max_log_entries, uint32_t first_unique_id)
    : selection_(select_for_host(defs, host)),
      log_(max_log_entries, first_unique_id) {
  // nop
}

void host_health::add_alert(const alert_definition& d, const chart_snapshot& c,
                            const std::string& name,
                            const std::string& foreach_dim, int64_t now) {
  host_alert a;
  a.def = &d;
  auto& s = a.state;
  s.name = name;
  s.chart_id = c.facts.id;
  s.chart_name = c.facts.name;
  s.context = c.facts.context;
  s.family = c.facts.family;
  s.units = d.units.empty() ? c.units : d.units;
  s.info = replace_family(d.info, c.facts.family);
  s.classification = d.classification.empty() ? "Unknown" : d.classification;
  s.component = d.component.empty() ? "Unknown" : d.component;
  s.type = d.type.empty() ? "Unknown" : d.type;
  s.exec = d.exec;
  s.recipient = d.to;
  s.source = d.source();
  s.alarm_id = log_.alarm_id(c.facts.id, name);
  s.update_every = std::max(d.every, c.update_every);
  s.no_clear_notification = d.no_clear_notification;
  s.warn_repeat_every = std::max<int64_t>(d.repeat.warning, 0);
  s.crit_repeat_every = std::max<int64_t>(d.repeat.critical, 0);
  s.last_status_change = now;
  auto compile = [&](const std::string& text, size_t line, const char* what,
                     std::optional<expression>& out) {
    if (text.empty())
      return;
    auto e = expression::parse(text);
    if (e)
      out = std::move(*e);
    else
      problems_.push_back(d.file + ":" + std::to_string(line) + ": " + what
                          + ": " + e.err().message);
  };
  compile(d.calc, d.calc_line, "calc", a.calc);
  compile(d.warn, d.warn_line, "warn", a.warn);
  compile(d.crit, d.crit_line, "crit", a.crit);
  a.lookup = d.lookup;
  if (a.lookup && !foreach_dim.empty()) {
    // A foreach instance looks at its own dimension only.
    auto only = simple_pattern::compile(foreach_dim);
    a.lookup->dimension_filter
        = only ? std::optional<simple_pattern>{*only} : std::nullopt;
    a.lookup->match_ids = false;
    a.lookup->match_names = true;
  }
  a.api_chart = d.is_template ? c.facts.id : d.on;
  a.linked = true;
  // Every transition of a repeating alert carries IS_REPEATING.
  log_.set_repeating(s.alarm_id, s.repeating());
  log_.add(make_transition(s, status::uninitialized, now));
  alerts_.emplace(instance_key(c.facts.id, name), std::move(a));
}

void host_health::link(const std::vector<chart_snapshot>& charts, int64_t now) {
  charts_.clear();
  for (auto& c : charts)
    charts_[c.facts.id] = c;
  for (auto& [key, a] : alerts_)
    a.linked = charts_.count(a.state.chart_id) > 0;
  for (auto i = linked_dims_.begin(); i != linked_dims_.end();)
    i = charts_.count(i->first) > 0 ? std::next(i) : linked_dims_.erase(i);
  // Only charts that are new, or have new dimensions (foreach), are tried:
  // a parent with many children relinks every few seconds.
  std::vector<const chart_snapshot*> fresh;
  for (auto& c : charts) {
    auto [i, added]
        = linked_dims_.emplace(c.facts.id, c.facts.dimensions.size());
    if (added || i->second != c.facts.dimensions.size()) {
      i->second = c.facts.dimensions.size();
      fresh.push_back(&c);
    }
  }
  if (fresh.empty())
    return;
  // Alarms first: an alarm of a name takes precedence over a template's.
  for (auto* d : selection_.alarms) {
    if (placed_alarms_.count(d) > 0)
      continue;
    for (auto* c : fresh)
      if (applies_to(*d, c->facts)) {
        if (alerts_.count(instance_key(c->facts.id, d->name)) == 0)
          add_alert(*d, *c, d->name, {}, now);
        placed_alarms_.insert(d); // the first chart whose id or name is `on`
        break;
      }
  }
  for (auto* d : selection_.templates)
    for (auto* c : fresh) {
      if (!applies_to(*d, c->facts))
        continue;
      bool foreach = d->lookup && d->lookup->foreach_filter.has_value();
      for (auto& name : template_instance_names(*d, c->facts)) {
        if (alerts_.count(instance_key(c->facts.id, name)) > 0)
          continue;
        auto dim = foreach
                       ? name.substr(std::min(name.size(), d->name.size() + 1))
                       : std::string{};
        add_alert(*d, *c, name, dim, now);
      }
    }
}

std::vector<std::string> host_health::linked_charts() const {
  std::set<std::string> ids;
  for (auto& [key, a] : alerts_)
    if (a.linked)
      ids.insert(a.state.chart_id);
  return {ids.begin(), ids.end()};
}

void host_health::update_range(const std::string& chart_id, int64_t first_entry,
                               int64_t last_entry) {
  auto i = charts_.find(chart_id);
  if (i == charts_.end())
    return;
  i->second.first_entry = first_entry;
  i->second.last_entry = last_entry;
}

std::vector<std::string> host_health::due(int64_t now) const {
  std::vector<std::string> out;
  for (auto& [key, a] : alerts_) {
    if (!a.linked || a.state.next_update > now || a.state.update_every <= 0)
      continue;
    auto& c = charts_.at(a.state.chart_id);
    // Collected at least twice.
    if (c.last_entry <= 0 || c.last_entry - c.first_entry < c.update_every)
      continue;
    if (a.def->has_lookup()) {
      // Enough history for the window.
      auto start = now + a.lookup->before + a.lookup->after;
      if (start < c.first_entry - c.update_every)
        continue;
    }
    out.push_back(key);
  }
  return out;
}

std::optional<lookup_query> host_health::query_for(const std::string& key,
                                                   int64_t) const {
  auto i = alerts_.find(key);
  if (i == alerts_.end() || !i->second.def->has_lookup())
    return std::nullopt;
  auto& a = i->second;
  auto group = storage_group(a.lookup->method);
  if (!group)
    return std::nullopt;
  lookup_query q;
  q.key = key;
  q.chart_id = a.state.chart_id;
  q.group = *group;
  q.after = a.lookup->after;
  q.before = a.lookup->before;
  q.aligned = !a.lookup->unaligned;
  return q;
}

std::vector<log_entry> host_health::take_repeats(int64_t now) {
  std::vector<log_entry> out;
  for (auto& [key, a] : alerts_) {
    auto& s = a.state;
    if (!a.linked || !s.repeating() || s.delay.up_to > now)
      continue;
    int64_t every = 0;
    if (s.current == status::warning) {
      s.repeat_run_once = false;
      every = s.warn_repeat_every;
    } else if (s.current == status::critical) {
      s.repeat_run_once = false;
      every = s.crit_repeat_every;
    } else if (s.current == status::clear && !s.repeat_run_once
               && (s.old_status == status::warning
                   || s.old_status == status::critical)) {
      every = 1;
    }
    if (every <= 0 || s.last_repeat + every > now)
      continue;
    s.last_repeat = now;
    if (s.times_repeat < UINT32_MAX)
      ++s.times_repeat;
    auto e = make_transition(s, s.current, now);
    e.old_status = s.old_status;
    e.last_repeat = now;
    if (!s.repeat_run_once && s.current == status::clear)
      e.flags |= entry_flag::run_once;
    s.repeat_run_once = true;
    if (log_.take_temporary(e))
      out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> host_health::take_problems() {
  std::vector<std::string> out;
  out.swap(problems_);
  return out;
}

} // namespace tributary::health
