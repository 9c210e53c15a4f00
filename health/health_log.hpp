#pragma once

#include "health/alert_state.hpp"

#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tributary::health {

/// Flags of a health-log entry (Netdata's values, as /api/v1/alarm_log
/// shows them).
namespace entry_flag {
constexpr uint32_t processed = 0x1;
constexpr uint32_t updated = 0x2;
constexpr uint32_t exec_run = 0x4;
constexpr uint32_t exec_failed = 0x8;
constexpr uint32_t silenced = 0x10;
constexpr uint32_t run_once = 0x20;
constexpr uint32_t exec_in_progress = 0x40;
constexpr uint32_t is_repeating = 0x80;
constexpr uint32_t no_clear_notification = 0x80000000;
} // namespace entry_flag

/// One status transition of an alert.
struct log_entry {
  uint32_t unique_id = 0;
  uint32_t alarm_id = 0;
  uint32_t alarm_event_id = 0;
  /// The entry this one superseded, and the one that superseded it.
  uint32_t updates_id = 0;
  uint32_t updated_by_id = 0;
  int64_t when = 0;
  /// Seconds since the previous status change.
  int64_t duration = 0;
  /// Seconds spent in WARNING/CRITICAL before this change, summed over
  /// consecutive raised → raised changes.
  int64_t non_clear_duration = 0;
  int64_t delay = 0;
  int64_t delay_up_to_timestamp = 0;
  int64_t exec_run_timestamp = 0;
  int exec_code = 0;
  /// Repeat notifications: when the alert last repeated (0 otherwise).
  int64_t last_repeat = 0;
  status old_status = status::uninitialized;
  status new_status = status::uninitialized;
  double old_value = NAN;
  double new_value = NAN;
  uint32_t flags = 0;
  std::string name;
  /// The chart id.
  std::string chart;
  std::string context;
  std::string family;
  std::string classification;
  std::string component;
  std::string type;
  std::string exec;
  std::string recipient;
  std::string source;
  std::string units;
  std::string info;
};

/// A host's health log: transitions newest first, Netdata's superseding and
/// notification rules, bounded in memory.
class health_log {
public:
  /// `max_entries`: `[health] in memory max health log entries` (min 10).
  /// `first_unique_id`: the first id to hand out (Netdata starts at the
  /// current Unix time on an empty log).
  health_log(size_t max_entries, uint32_t first_unique_id);

  /// The stable id of the alert `name` on chart `chart`.
  uint32_t alarm_id(const std::string& chart, const std::string& name);

  /// Adds a transition: assigns its unique id and alarm event id, computes
  /// its non-clear duration and supersedes the newest older entry of the
  /// same alert that is not superseded yet. Returns the unique id.
  uint32_t add(log_entry e);

  /// Whether the alert `alarm_id` repeats its notifications (docs/health.md
  /// "Repeat"): the transitions added for it from now on carry
  /// `entry_flag::is_repeating`, so `take_notifications` skips them.
  void set_repeating(uint32_t alarm_id, bool repeating);

  /// A repeat notification (docs/health.md "Repeat"): `e` numbered as `add`
  /// would number it (the host's next unique id, the alert's next event id, its
  /// own non-clear duration) but not stored; marked processed, and also
  /// exec_run when it notifies (the §3.7 rules with no older entry: a CLEAR
  /// only with RUN_ONCE after WARNING/CRITICAL). Returns whether it
  /// notifies.
  bool take_temporary(log_entry& e);

  /// The entries whose notification is due at `now`, oldest first; every
  /// candidate is marked processed, whether it notifies or not.
  std::vector<log_entry> take_notifications(int64_t now);

  /// Records that the notifier of entry `unique_id` ran with exit `code`.
  void mark_exec(uint32_t unique_id, int64_t when, int code);

  /// Newest first.
  const std::deque<log_entry>& entries() const {
    return entries_;
  }

private:
  log_entry* find(uint32_t unique_id);
  bool notifies(const log_entry& e, size_t index) const;
  uint32_t next_event_id(uint32_t alarm_id);

  size_t max_;
  uint32_t next_unique_id_;
  uint32_t next_alarm_id_ = 1;
  std::map<std::pair<std::string, std::string>, uint32_t> alarm_ids_;
  /// Per alert: the next event id (repeats use ids the log does not hold).
  std::map<uint32_t, uint32_t> next_event_ids_;
  std::set<uint32_t> repeating_;
  std::deque<log_entry> entries_;
};

} // namespace tributary::health
