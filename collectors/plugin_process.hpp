#pragma once

#include "base/error.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace tributary {

/// A running external plugin: its pid and the read end of its stdout. Its
/// stdin is a pipe we keep open (apps.plugin exits when stdin closes, as it
/// does under Netdata), its stderr goes to `stderr_path`.
struct plugin_process {
  pid_t pid = -1;
  int stdout_fd = -1;
  int stdin_fd = -1;
};

/// Starts `argv[0]` with `argv` (no shell).
expected<plugin_process> start_plugin(const std::vector<std::string>& argv,
                                      const std::string& stderr_path);

/// Closes the pipes, sends SIGTERM, waits up to one second, then SIGKILL.
void stop_plugin(plugin_process& p);

} // namespace tributary
