#pragma once

#include "actors/chart.hpp"
#include "actors/context.hpp"
#include "base/handling_time.hpp"
#include "storage/value_math.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tributary {

/// State of a host actor: one node, local or streamed in.
struct host_state {
  struct chart_entry {
    chart_actor actor;
    /// Every definition merged as the chart actor merges them (dimensions
    /// are added or updated, never dropped). Replaced, never changed: API
    /// listings share it.
    std::shared_ptr<const chart_def> def;
    /// The stored range, published by the chart actor.
    std::shared_ptr<chart_extent> extent;
    /// Got a row or point since the last fence (atom::sync).
    bool touched = false;
    /// Held back from the subscribers: `replicating` has it.
    bool held = false;
    /// Creation order on this host: /api/v1/charts lists charts in it, as
    /// 1.37.1 walks its chart dictionary (appended as the child defines them).
    uint64_t sequence = 0;
  };
  host_info info;
  host_db_actor db;
  /// The host db's engine and lock, which each chart appends to.
  std::shared_ptr<host_store> store;
  std::string memory_mode;
  storage::chart_config chart_cfg;
  /// Sorted: definitions reach a new subscriber in id order.
  std::map<std::string, chart_entry> charts;
  uint64_t chart_sequence = 0;
  /// The same entries by id, for the row path (one hash lookup per row).
  std::unordered_map<std::string, chart_entry*> by_id;
  /// Chart name -> id, for queries by name.
  std::map<std::string, std::string> names;
  /// Senders that get every definition and row (a child, a proxy).
  std::vector<stream_subscriber_actor> subscribers;
  /// A chart being replicated from the child: held back from the
  /// subscribers until the replication finished.
  struct held_chart {
    uint64_t generation = 0;
    /// When the hold began (s, the daemon clock).
    int64_t since_s = 0;
  };
  std::map<std::string, held_chart> replicating;
  uint64_t replication_generation = 0;
  /// A check for holds that waited too long is scheduled.
  bool hold_check_pending = false;
  bool reachable = false;
  bool compression = false;
  /// Set once a sender streams this host to a parent: whether it compresses.
  std::optional<bool> sender_compression;
  /// Sender supervisors whose parent does not have this host's newest data
  /// yet (disconnected, or connected and still replicating): the host db's
  /// spool is cleared only when none is left (a supervisor that ended,
  /// e.g. with its proxied child, no longer counts).
  std::map<caf::actor_id, caf::actor_addr> senders_behind;
  /// The host's health monitor (null when health is off for it).
  health_monitor_actor health;
  /// `postpone alarms on connect seconds`.
  int64_t postpone_on_connect_s = 0;
  bool pause_health_while_disconnected = false;
  /// The health monitor was told that charts changed and has not asked for
  /// them since.
  bool health_stale = false;
  /// Charts with rows since the last fence, in first-touch order.
  std::vector<chart_entry*> touched;
  int64_t rows = 0;
  /// Values of those rows (the console's samples/s).
  int64_t samples = 0;
  int64_t dropped_rows = 0;
  daemon_context ctx;
  /// Handling time of every 16th message (docs/console.md).
  handling_time timing{16};
  static inline const char* name = "host";
};

/// Health of a host, resolved from [health] and its stream.conf sections.
struct host_health_settings {
  bool enabled = false;
  int64_t postpone_on_connect_s = 0;
  /// `auto`: alerts are frozen while the child is away.
  bool pause_while_disconnected = false;
};

/// A node. Owns its charts, its host database and its health monitor.
host_actor::behavior_type host(host_actor::stateful_pointer<host_state> self,
                               host_info info, host_db_actor db,
                               std::shared_ptr<host_store> store,
                               std::string memory_mode,
                               storage::chart_config chart_cfg,
                               host_health_settings health, daemon_context ctx);

} // namespace tributary
