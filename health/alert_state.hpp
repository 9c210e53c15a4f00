#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary::health {

/// An alert's status; the numbers order "up" and "down" for delays.
enum class status : int8_t {
  removed = -2,
  undefined = -1,
  uninitialized = 0,
  clear = 1,
  /// Only inside the status decision: an expression is true.
  raised = 2,
  warning = 3,
  critical = 4,
};

/// Netdata's spelling: "REMOVED", "UNDEFINED", "UNINITIALIZED", "CLEAR",
/// "RAISED", "WARNING", "CRITICAL".
std::string_view to_string(status x) noexcept;

/// The status from the results of `warn` and `crit`: nullopt for a missing
/// or failed expression (a NaN or infinite value counts as failed).
status decide_status(std::optional<double> warn, std::optional<double> crit);

/// `delay: up D down D multiplier F max D` of an alert definition.
struct delay_settings {
  int64_t up = 0;
  int64_t down = 0;
  double multiplier = 1.0;
  /// Netdata's default when absent: max(up, down) × multiplier.
  int64_t max = 0;
};

/// The delay an alert carries between status changes.
struct delay_state {
  int64_t current_up = 0;
  int64_t current_down = 0;
  /// When the running delay ends (0 = none running).
  int64_t up_to = 0;
};

/// The notification delay of a change `from` → `to` at `now` (Netdata's
/// hysteresis: a change while a delay runs multiplies it, up to `max`).
/// Updates `state`; the status itself changes at once.
int64_t apply_delay(const delay_settings& cfg, delay_state& state, status from,
                    status to, int64_t now);

} // namespace tributary::health
