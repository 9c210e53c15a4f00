#pragma once

#include "base/error.hpp"
#include "config/settings.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// One finding of the loader, with its place in the input.
struct diagnostic {
  /// How bad a finding is.
  enum severity {
    /// A value tributary cannot use for a key it knows (bad number,
    /// boolean, memory mode, pattern), or a syntax error. `run` refuses to
    /// start and `check-config` fails.
    error,
    /// Not known here: a key or section neither tributary nor Netdata 1.37.1
    /// knows (a typo, or a setting of another Netdata version), a key in a
    /// section that does not read it. Netdata ignores these; `run` logs them
    /// and starts, `check-config --strict` fails.
    warning,
    /// Worth knowing but harmless: a Netdata key tributary ignores (of
    /// 1.37.1 or a newer version), a legacy name, a value Netdata would
    /// adjust.
    note,
  };

  /// The file (or YAML file) the finding refers to.
  std::string file;
  /// 1-based line; 0 if the finding is about the file as a whole.
  size_t line = 0;
  /// error, warning or note.
  severity level = error;
  /// What is wrong, without the position.
  std::string message;
};

/// Renders `x` as `file:line: message` (errors), `file:line: warning:
/// message` or `file:line: note: message`.
std::string to_string(const diagnostic& x);

/// The outcome of loading a configuration: the typed settings (defaults
/// wherever the input was missing or wrong) and everything worth reporting.
struct load_result {
  /// The settings.
  settings cfg;
  /// Errors, warnings and notes, in input order.
  std::vector<diagnostic> diagnostics;

  /// True if no diagnostic is an error.
  bool ok() const;

  /// Number of diagnostics of level `x`.
  size_t count(diagnostic::severity x) const;
};

/// Netdata 1.37.1's defaults: what a Netdata with empty netdata.conf and
/// stream.conf runs with (no API keys, so it accepts no stream).
settings netdata_defaults();

/// The embedded configuration of `tributary run` without a config: Netdata's
/// defaults, listening as a parent on 127.0.0.1:19999. It accepts no stream
/// until an API key is configured, like Netdata.
settings default_settings();

/// Reads `dir`/netdata.conf and `dir`/stream.conf, either of which may be
/// missing (its defaults apply). Fails with `ec::io_error` if `dir` is not a
/// readable directory or an existing file cannot be read.
expected<load_result> load_config_dir(const std::string& dir);

/// Loads the two files' text; the names are used in diagnostics.
load_result load_ini_text(std::string_view netdata_conf,
                          std::string_view stream_conf,
                          const std::string& netdata_name = "netdata.conf",
                          const std::string& stream_name = "stream.conf");

/// Reads a YAML configuration (format in docs/config.md). Fails with
/// `ec::io_error` if the file cannot be read; YAML syntax errors become
/// diagnostics.
expected<load_result> load_yaml_file(const std::string& path);

/// Loads YAML text; `file_name` is used in diagnostics.
load_result load_yaml_text(std::string_view text,
                           const std::string& file_name = "config.yaml");

} // namespace tributary::config
