#pragma once

#include "actors/context.hpp"
#include "base/handling_time.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <memory>
#include <string>

namespace tributary::health {
struct load_result;
class host_health;
} // namespace tributary::health

namespace tributary {

/// What the health of one host runs with (netdata.conf [health]).
struct health_options {
  int64_t run_at_least_every_seconds = 10;
  int64_t max_log_entries = 1000;
};

/// State of a host's health monitor.
struct health_monitor_state {
  host_actor host;
  host_info info;
  std::shared_ptr<const health::load_result> definitions;
  /// Reloaded definitions waiting for the round in flight to end.
  std::shared_ptr<const health::load_result> pending_definitions;
  std::unique_ptr<health::host_health> engine;
  health_options opts;
  daemon_context ctx;
  /// Evaluation holds until this time (seconds); 0 = not postponed.
  int64_t postponed_until = 0;
  /// A round of queries is in flight.
  bool busy = false;
  /// When the alerts are linked to the charts again (seconds).
  int64_t next_link = 0;
  /// The host told us that a chart is new or redefined since the last link.
  bool charts_changed = true;
  int64_t rounds = 0;
  int64_t notifications = 0;
  health_monitor_state();
  ~health_monitor_state();
  /// Handling time of every timed message (docs/console.md).
  handling_time timing{1};
  static inline const char* name = "health";
};

/// The alerts of one host (Netdata's per-host health loop): links the
/// health.d definitions to the host's charts, evaluates due alerts from its
/// database, keeps the health log, notifies. Messages: `health_monitor_actor`.
health_monitor_actor::behavior_type health_monitor(
    health_monitor_actor::stateful_pointer<health_monitor_state> self,
    host_actor host, host_info info,
    std::shared_ptr<const health::load_result> definitions, health_options opts,
    daemon_context ctx);

} // namespace tributary
