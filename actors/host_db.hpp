#pragma once

#include "actors/context.hpp"
#include "actors/host_store.hpp"
#include "base/handling_time.hpp"
#include "storage/engine.hpp"
#include "storage/spool_engine.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tributary {

/// State of a host database: one storage engine instance for one host.
struct host_db_state {
  /// The engine and its lock, shared with the host's charts.
  std::shared_ptr<host_store> store;
  /// Scratch for the points being stored (row-major; a batch's room is
  /// freed after it, a row's kept).
  std::vector<storage::sample> row;
  daemon_context ctx;
  /// The directory holding the host's files (removed with the host).
  std::string files_dir;
  /// "host-db <hostname>", for log lines.
  std::string who;
  /// Storage health as last logged: a failure is logged once, then at most
  /// once a minute while it lasts, and the recovery once.
  bool degraded = false;
  int64_t degraded_since_s = 0;
  int64_t last_report_s = 0;
  uint64_t dropped_logged = 0;
  bool episode_logged = false;
  /// The engine's spool, if it has one (owned by the engine; under the
  /// store's lock).
  storage::spool_engine* spool = nullptr;
  /// Handling time of every 16th message (docs/console.md).
  handling_time timing{16};
  static inline const char* name = "host-db";
};

/// Wraps `store` (its engine already opened for the host's memory mode),
/// whose files are in `files_dir`.
host_db_actor::behavior_type
host_db(host_db_actor::stateful_pointer<host_db_state> self,
        std::shared_ptr<host_store> store, daemon_context ctx,
        std::string files_dir, const std::string& hostname);

} // namespace tributary
