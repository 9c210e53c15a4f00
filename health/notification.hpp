#pragma once

#include "health/host_health.hpp"

#include <string>
#include <vector>

namespace tributary::health {

/// Netdata's value_string: the value with 2 decimals and its units ("-"
/// for NaN or infinite).
std::string value_string(double value, const std::string& units);

/// Who the notification is about, beyond the log entry.
struct notification_context {
  /// The host's registry hostname (the child's name on a parent).
  std::string hostname;
  /// The child's machine GUID; empty for localhost.
  std::string machine_guid;
  /// `[directories] config` for the edit command.
  std::string config_dir;
};

/// The 29 arguments Netdata passes to the notification script (its
/// alarm-notify.sh protocol), for log entry `e` of host health `h`.
std::vector<std::string> notification_arguments(const host_health& h,
                                                const log_entry& e,
                                                const notification_context& c);

} // namespace tributary::health
