#pragma once

// Prometheus text exposition format (0.0.4) pieces for
// /api/v1/allmetrics?format=prometheus.

#include <string>
#include <string_view>

namespace tributary::api {

/// A metric name: every character other than [A-Za-z0-9_] becomes '_' (as
/// Netdata's prometheus_name_copy), and a leading digit gets a '_' before it.
std::string prometheus_name(std::string_view text);

/// Appends a label value (without quotes): invalid UTF-8 becomes '_', '\\',
/// '"' and newline are escaped as the format requires.
void append_prometheus_label_value(std::string& out, std::string_view text);

} // namespace tributary::api
