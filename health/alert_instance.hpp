#pragma once

#include "health/alert_state.hpp"
#include "health/health_log.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace tributary::health {

/// One alert attached to one chart: what it is and where it stands.
struct alert_instance {
  std::string name;
  std::string chart_id;
  std::string chart_name;
  std::string context;
  std::string family;
  std::string units;
  std::string info;
  std::string classification;
  std::string component;
  std::string type;
  std::string exec;
  std::string recipient;
  std::string source;
  uint32_t alarm_id = 0;
  /// Seconds between evaluations (`every`).
  int64_t update_every = 10;
  bool no_clear_notification = false;

  status current = status::uninitialized;
  status old_status = status::uninitialized;
  double value = NAN;
  double old_value = NAN;
  int64_t last_status_change = 0;
  int64_t last_updated = 0;
  int64_t next_update = 0;
  delay_state delay;

  /// `repeat: warning D critical D` in seconds (0 = never, docs/health.md
  /// "Repeat").
  int64_t warn_repeat_every = 0;
  int64_t crit_repeat_every = 0;
  /// When the last repeat notification was built, and how many were.
  int64_t last_repeat = 0;
  uint32_t times_repeat = 0;
  /// Netdata's RRDCALC_FLAG_RUN_ONCE: set by every repeat, cleared while
  /// WARNING/CRITICAL; guards the single CLEAR repeat.
  bool repeat_run_once = false;

  bool repeating() const noexcept {
    return warn_repeat_every > 0 || crit_repeat_every > 0;
  }
};

/// Pass 2 of Netdata's health loop for one alert evaluated at `now`: the
/// status from the `warn`/`crit` results (nullopt = absent or failed);
/// on a change the delay is applied and a transition is added to `log`.
/// Returns true if the status changed.
bool settle(alert_instance& a, const delay_settings& delay,
            std::optional<double> warn, std::optional<double> crit, int64_t now,
            health_log& log);

/// The log entry of `a` changing to `to` at `now` (identity fields copied).
log_entry make_transition(const alert_instance& a, status to, int64_t now);

} // namespace tributary::health
