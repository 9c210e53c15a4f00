#pragma once

#include "actors/context.hpp"
#include "collectors/plugin_process.hpp"
#include "collectors/plugin_reader.hpp"

#include <memory>
#include <string>

namespace tributary {

/// State of an external plugin collector (one running plugin process).
struct plugin_collector_state {
  std::string plugin;
  plugin_process proc;
  std::unique_ptr<plugin_reader> reader;
  host_actor host;
  daemon_context ctx;
  int64_t rows = 0;
  int64_t charts = 0;
  static inline const char* name = "collector:plugin";
};

/// Runs `path update_every` and feeds what it prints (plugins.d protocol) to
/// `host`. Spawn it detached: it polls the pipe between messages. Quits with
/// an error when the plugin exits or breaks the protocol; its supervisor
/// restarts it.
plugin_collector_actor::behavior_type plugin_collector(
    plugin_collector_actor::stateful_pointer<plugin_collector_state> self,
    host_actor host, std::string plugin, const std::string& path,
    int64_t update_every, daemon_context ctx);

/// State of a plugin supervisor.
struct plugin_supervisor_state {
  plugin_collector_actor current;
  int64_t restarts = 0;
  bool stopping = false;
  static inline const char* name = "plugin-supervisor";
};

/// Keeps one plugin running: restarts it `restart_delay_s` after it died.
plugin_supervisor_actor::behavior_type plugin_supervisor(
    plugin_supervisor_actor::stateful_pointer<plugin_supervisor_state> self,
    const host_actor& host, const std::string& plugin, const std::string& path,
    int64_t update_every, int64_t restart_delay_s, const daemon_context& ctx);

} // namespace tributary
