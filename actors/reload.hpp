#pragma once

// SIGHUP for a running daemon: reopen the log file, read the configuration
// again, and hand what may change live to the actors that decide from it
// (config/reload.hpp says which settings those are).

#include "actors/actors.hpp"
#include "actors/daemon.hpp"
#include "config/load.hpp"
#include "log/logger.hpp"

#include <caf/actor.hpp>
#include <cstddef>
#include <memory>
#include <vector>

namespace tributary {

/// The configuration of `tributary run`, from the files (or YAML) named on
/// its command line, or the embedded default.
expected<config::load_result> load_daemon_settings(const daemon_options& opts);

/// The health.d definitions `cfg` points at, with their problems logged.
std::shared_ptr<const health::load_result>
load_health_definitions(const config::settings& cfg, logger& log);

/// What a running daemon keeps between reloads.
struct running_config {
  std::shared_ptr<const config::settings> settings;
  std::shared_ptr<const health::load_result> health;
  /// The health.d files' names and contents (and the settings that shape
  /// them), hashed: a reload resets the alerts only when they changed.
  size_t health_fingerprint = 0;
};

/// The fingerprint of the health configuration `defs` was loaded from.
size_t health_fingerprint(const config::settings& cfg,
                          const health::load_result& defs);

/// Reopens the log file, loads the configuration again and, when it has no
/// errors, sends the registry and every listener the merged settings (and
/// new health.d definitions when those files changed). Settings that cannot
/// change live are logged one per line as needing a restart. On a bad file
/// every problem is logged with its file:line and the running configuration
/// stays. Returns true if the reload was applied.
bool reload_daemon(const daemon_options& opts, running_config& running,
                   logger& log, const registry_actor& registry,
                   const std::vector<listener_actor>& listeners);

} // namespace tributary
