#pragma once

// The JSON bodies of Netdata's health endpoints (/api/v1/alarms,
// alarm_log, alarm_count, alarms_values and the `alarms` object of
// /api/v1/info), byte-compatible with 1.37.1.

#include "health/host_health.hpp"
#include "protocol/host_info.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tributary::health {

/// The JSON bodies of the health endpoints.
std::string render_alarms(const host_health& h, const host_info& info,
                          bool enabled, bool all, int64_t now);
std::string render_alarm_log(const host_health& h, const host_info& info,
                             uint32_t after, const std::string& chart);
std::string render_alarm_count(const host_health& h, const std::string& status,
                               const std::vector<std::string>& contexts);
std::string render_alarms_values(const host_health& h, const host_info& info,
                                 bool all);
/// The `alarms` object of /api/v1/info: linked alerts by status.
std::string render_alarm_totals(const host_health& h);

} // namespace tributary::health
