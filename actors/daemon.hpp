#pragma once

#include <string>

namespace tributary {

/// What `tributary run` was told on the command line. Everything else comes
/// from the configuration files.
struct daemon_options {
  /// Directory holding netdata.conf and stream.conf; empty = embedded default.
  std::string config_dir;
  /// A YAML file holding the same settings; empty = none.
  std::string yaml_file;
  /// Overrides the configured log level when not empty.
  std::string log_level;
};

/// Starts the actor system, runs until SIGINT/SIGTERM (then stops in order,
/// flushing the databases, and returns 0), reloading the configuration and
/// reopening the log file on SIGHUP. Returns the process exit code. Keeps CAF
/// out of this header so that `bin/` compiles quickly.
int run_daemon(const daemon_options& opts);

} // namespace tributary
