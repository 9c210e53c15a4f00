#pragma once

#include "actors/context.hpp"
#include "collectors/proc_collector.hpp"

#include <memory>

namespace tributary {

/// State of the built-in /proc collector.
struct proc_collector_state {
  std::unique_ptr<proc_collector> proc;
  host_actor host;
  daemon_context ctx;
  int64_t update_every = 1;
  int64_t iterations = 0;
  std::vector<chart_row> rows;
  static inline const char* name = "collector:proc";
};

/// Collects /proc once per `update_every` seconds, aligned to the second,
/// and feeds the localhost host: its definitions once (and new ones as they
/// appear, e.g. a new interface), then one row per chart per iteration.
collector_actor::behavior_type
collector(collector_actor::stateful_pointer<proc_collector_state> self,
          host_actor host, int64_t update_every, daemon_context ctx);

} // namespace tributary
