#pragma once

#include "health/alert_instance.hpp"
#include "health/definitions.hpp"
#include "health/expression.hpp"
#include "health/health_log.hpp"
#include "health/lookup_value.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tributary::health {

/// What a host knows of one chart when health looks at it.
struct chart_snapshot {
  chart_facts facts;
  std::string units;
  int64_t update_every = 1;
  /// Oldest and newest stored point (0 = nothing stored yet).
  int64_t first_entry = 0;
  int64_t last_entry = 0;
};

/// One alert of a host: its definition, compiled expressions and state.
struct host_alert {
  const alert_definition* def = nullptr;
  alert_instance state;
  std::optional<expression> calc;
  std::optional<expression> warn;
  std::optional<expression> crit;
  /// The lookup with this instance's dimension filter (`foreach`).
  std::optional<lookup_spec> lookup;
  /// The `<chart>` of the alert's API key: `on` for an alarm, the chart id
  /// for a template instance.
  std::string api_chart;
  /// The last lookup window used (`$after`, `$before`; 0 = none).
  int64_t db_after = 0;
  int64_t db_before = 0;
  /// Linked to a chart that exists now.
  bool linked = false;
};

/// The query a due alert needs before it can be evaluated.
struct lookup_query {
  std::string key;
  std::string chart_id;
  /// Netdata's group method for the storage query ("average", ...).
  std::string group;
  int64_t after = 0;
  int64_t before = 0;
  /// False for an `unaligned` lookup.
  bool aligned = true;
};

/// The health of one host as Netdata's health loop runs it (docs/health.md
/// "Attaching alerts", "Variable lookup", §3.2): links definitions to charts,
/// says which alerts are due, and evaluates them from the values the caller
/// queried. No I/O.
class host_health {
public:
  /// `defs` must outlive this object.
  host_health(const load_result& defs, const host_facts& host,
              size_t max_log_entries, uint32_t first_unique_id);

  /// Attaches alarms and template instances to the charts (new ones get a
  /// `→ UNINITIALIZED` entry); alerts of charts gone are unlinked.
  void link(const std::vector<chart_snapshot>& charts, int64_t now);

  /// The ids of the charts that alerts are linked to.
  std::vector<std::string> linked_charts() const;

  /// Updates the stored range of a known chart (between links, so that a
  /// host with many charts and few alerts refreshes only those charts).
  void update_range(const std::string& chart_id, int64_t first_entry,
                    int64_t last_entry);

  /// The alerts to evaluate now (runnable and due), by key.
  std::vector<std::string> due(int64_t now) const;

  /// The storage query of a due alert with a lookup; nullopt without one,
  /// or for a method the storage layer does not reduce (value NaN then).
  std::optional<lookup_query> query_for(const std::string& key,
                                        int64_t now) const;

  /// Passes 1 and 2 for one alert: `looked_up` is the lookup's row (nullopt:
  /// none or failed), `last_values` the chart's latest values per
  /// dimension (for `$dimension` variables).
  void evaluate(const std::string& key,
                const std::optional<lookup_row>& looked_up,
                const lookup_row& last_values, int64_t now);

  /// Log entries whose notification is due.
  std::vector<log_entry> take_notifications(int64_t now) {
    return log_.take_notifications(now);
  }

  /// Pass 3 of Netdata's health loop (docs/health.md "Repeat"): for every
  /// linked repeating alert whose delay is over, the repeat due at `now`
  /// (WARNING and CRITICAL every `repeat` interval, one CLEAR after leaving
  /// them) updates the alert's `last_repeat`/`times_repeat` and builds an `old
  /// status -> status` entry that is not added to the log. Returns the entries
  /// to notify now (the §3.7 rules; each has a unique id of its own that no log
  /// entry has).
  std::vector<log_entry> take_repeats(int64_t now);

  const std::map<std::string, host_alert>& alerts() const {
    return alerts_;
  }

  const health_log& log() const {
    return log_;
  }

  health_log& log() {
    return log_;
  }

  /// Expression problems met while linking, once per definition line.
  std::vector<std::string> take_problems();

private:
  void add_alert(const alert_definition& d, const chart_snapshot& c,
                 const std::string& name, const std::string& foreach_dim,
                 int64_t now);
  std::optional<double> resolve(const host_alert& a, std::string_view name,
                                const lookup_row& last_values,
                                int64_t now) const;

  host_selection selection_;
  std::map<std::string, host_alert> alerts_;
  std::map<std::string, chart_snapshot> charts_;
  /// Charts already tried, with their dimension count then.
  std::map<std::string, size_t> linked_dims_;
  /// Alarms attached to their chart (an alarm takes the first match).
  std::set<const alert_definition*> placed_alarms_;
  health_log log_;
  std::vector<std::string> problems_;
};

} // namespace tributary::health
