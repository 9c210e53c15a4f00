#pragma once

// What a configuration reload (SIGHUP) may change in a running daemon.
// Netdata 1.37.1 has no reload; the rule here is that what only shapes new
// decisions (who may stream or connect, the settings a newly connected
// child gets, which charts a sender sends) changes at once, and what is
// already built (sockets, databases, directories, the node's identity, the
// child's own upstream link) keeps its running value until a restart.

#include "config/settings.hpp"

#include <string>
#include <vector>

namespace tributary::config {

/// One setting whose value differs in the reloaded files.
struct setting_change {
  /// The key as an operator writes it, e.g. "[web] bind to".
  std::string key;
  /// The running value and the value in the files, as text (empty for
  /// settings that are lists, like `[plugins]`).
  std::string running;
  std::string wanted;
};

/// The outcome of comparing the running settings with freshly loaded ones.
struct reload_plan {
  /// What runs from now on: the running settings with every live setting
  /// taken from the files. stream.conf's `[API_KEY]` and `[MACHINE_GUID]`
  /// sections are taken whole; what they inherit follows the settings that
  /// keep running.
  settings next;
  /// Changed settings applied now.
  std::vector<setting_change> applied;
  /// Changed settings that keep their running value until a restart.
  std::vector<setting_change> needs_restart;
};

/// Compares `running` with `fresh` (both complete, error-free settings).
reload_plan plan_reload(const settings& running, const settings& fresh);

} // namespace tributary::config
