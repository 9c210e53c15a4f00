#pragma once

#include <string>

#include "config/load.hpp"

namespace tributary::config {

/// What `tributary check-config` prints and returns.
struct check_outcome {
  /// 0 for a clean configuration, 1 for errors or an unreadable input.
  int exit_code = 0;
  /// One `file:line: message` line per diagnostic, then a summary line.
  std::string report;
};

/// Renders a load result as a check-config report.
check_outcome check(const load_result& x, bool with_notes = true);

/// Checks DIR/netdata.conf and DIR/stream.conf.
check_outcome check_config_dir(const std::string& dir, bool with_notes = true);

/// Checks a YAML configuration file.
check_outcome check_yaml_file(const std::string& path, bool with_notes = true);

} // namespace tributary::config
