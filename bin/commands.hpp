#pragma once

#include "loadgen/loadgen.hpp" // tributary loadgen: loadgen_options, loadgen()

#include <string>
#include <vector>

namespace tributary::cli {

/// Options of `tributary decode`.
struct decode_options {
  std::string file;
  /// "auto", "lz4" or "plain".
  std::string mode = "auto";
};

/// Options of `tributary check-config`.
struct check_config_options {
  /// Directory holding netdata.conf and stream.conf (Netdata's layout).
  std::string config_dir;
  /// A YAML file holding the same settings.
  std::string yaml_file;
  /// Warnings (unknown keys and sections) fail the check too.
  bool strict = false;
};

/// Options of `tributary top`.
struct top_options {
  /// Where the daemon's API listens (loopback).
  std::string address = "127.0.0.1:19999";
  double interval_seconds = 1;
  /// Print one table and exit (scripts, tests).
  bool once = false;
  /// Column to sort by: mailbox, rate, p50, p99, restarts, uptime, kind,
  /// name, host.
  std::string sort = "mailbox";
  /// Only this host's actors (hostname or GUID); empty = all.
  std::string host;
};

/// The actor console: polls /api/v1/actors and shows every long-lived actor
/// with its kind, mailbox, restarts and counters; returns the exit code.
int top(const top_options& opts);

/// Prints the command lines of a captured stream; returns the exit code.
int decode(const decode_options& opts);

/// Validates a configuration and prints `file:line: message` for each
/// problem; returns 1 for errors (and, with `strict`, for warnings), 0
/// otherwise.
int check_config(const check_config_options& opts);

} // namespace tributary::cli
