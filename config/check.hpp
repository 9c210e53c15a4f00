#pragma once

#include "config/load.hpp"

#include <string>

namespace tributary::config {

/// How `tributary check-config` judges what it finds.
struct check_options {
  /// Print notes too.
  bool with_notes = true;
  /// Warnings (unknown keys and sections) fail the check too.
  bool strict = false;
};

/// What `tributary check-config` prints and returns.
struct check_outcome {
  /// 0 for a configuration `run` accepts (only warnings and notes; with
  /// `strict`, only notes), 1 otherwise or for an unreadable input.
  int exit_code = 0;
  /// One `file:line: message` line per diagnostic, then a summary line.
  std::string report;
};

/// Renders a load result as a check-config report.
check_outcome check(const load_result& x, check_options opts = {});

/// Checks DIR/netdata.conf and DIR/stream.conf.
check_outcome check_config_dir(const std::string& dir, check_options opts = {});

/// Checks a YAML configuration file.
check_outcome check_yaml_file(const std::string& path, check_options opts = {});

} // namespace tributary::config
