#pragma once

// /api/v1/allmetrics in Netdata 1.37.1's shapes: format=shell, json,
// prometheus and prometheus_all_hosts. Plain C++: the caller gathers each
// chart's newest values and passes them here.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tributary::api {

struct allmetrics_dimension {
  std::string id;
  std::string name;
  bool hidden = false;
  /// multiplier or divisor negative (the shell format prints the magnitude).
  bool negative = false;
  /// NaN: nothing stored.
  double value = 0;
  // For source=as-collected: the definition and the raw collected value.
  std::string algorithm = "absolute";
  int64_t multiplier = 1;
  int64_t divisor = 1;
  bool obsolete = false;
  /// Collections the dimension took part in (0: never collected).
  uint64_t collections = 0;
  int64_t collected = 0;
  /// When it was last collected, ms since the epoch.
  int64_t collected_ms = 0;
};

struct allmetrics_chart {
  std::string id;
  std::string name;
  std::string family;
  std::string context;
  std::string units;
  /// The collector module (`prometheus` scales as-collected values).
  std::string module;
  /// Whether 1.37.1 would have checked its homogeneity (chart_def's
  /// homogeneity_check); unchecked charts count as homogeneous.
  bool homogeneity_check = false;
  /// The time of `value` (seconds); the window the value covers.
  int64_t last_updated = 0;
  int64_t first_t = 0;
  std::vector<allmetrics_dimension> dimensions;
};

struct allmetrics_host {
  std::string hostname;
  std::string program_name;
  std::string program_version;
  std::vector<allmetrics_chart> charts;
};

/// The query options of format=prometheus (1.37.1 defaults).
struct prometheus_options {
  std::string prefix = "netdata";
  /// "average", "sum" or "as collected".
  std::string source = "average";
  /// Who scrapes (`server=`, else the client address).
  std::string server;
  bool help = false;
  bool types = false;
  bool names = true;
  bool timestamps = true;
  bool variables = false;
  bool oldunits = false;
  bool hideunits = false;
  /// Wall clock for netdata_info's timestamp and the help header.
  int64_t now_ms = 0;
  /// The window the values cover (the help header's "time range").
  int64_t after = 0;
  int64_t before = 0;
};

/// Reads prefix, source/data, server, help, types, names, timestamps,
/// variables, oldunits and hideunits ("yes", "1" or "true" turns a flag on,
/// anything else off). Returns false with `why` for an unknown source.
bool parse_prometheus_options(const std::map<std::string, std::string>& query,
                              prometheus_options& out, std::string& why);

/// Netdata's shell variable name part: [A-Za-z0-9] upper-cased, else '_',
/// at most 100 characters.
std::string shell_name(std::string_view text);

/// format=shell for one host.
std::string allmetrics_shell(const allmetrics_host& host);

/// format=json for one host.
std::string allmetrics_json(const allmetrics_host& host);

/// The help header of format=prometheus (only with `help`): the host asked
/// for, the server, the source and the window.
void append_prometheus_header(std::string& out, const std::string& hostname,
                              const prometheus_options& opt);

/// One host's netdata_info line and metrics; `all_hosts` adds each line's
/// `instance` label (format=prometheus_all_hosts).
void append_prometheus_host(std::string& out, const allmetrics_host& host,
                            const prometheus_options& opt, bool all_hosts);

} // namespace tributary::api
