#pragma once

#include "actors/context.hpp"
#include "actors/host_store.hpp"
#include "base/handling_time.hpp"
#include "model/payloads.hpp"
#include "storage/value_math.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tributary {

/// State of a chart actor: its definition and Netdata's collection math.
struct chart_state {
  /// The host's merged definition (shared, never changed).
  std::shared_ptr<const chart_def> def;
  std::unique_ptr<storage::chart_row_calculator> calc;
  host_db_actor db;
  /// The host's engine and its lock: rows are appended there directly.
  std::shared_ptr<host_store> store;
  /// The engine handles of `def`'s dimensions, resolved under the lock
  /// after each definition (`dims_ready`).
  std::vector<storage::dimension_handle> dims;
  bool dims_ready = false;
  /// Stores sent to the host db (the lock was taken) and not answered
  /// yet: later rows follow them there, in order, until every one is.
  uint32_t via_db = 0;
  std::vector<storage::row> out;
  int64_t first_entry = 0;
  int64_t last_entry = 0;
  /// first_entry and last_entry, shared with the host.
  std::shared_ptr<chart_extent> extent;
  int64_t rows = 0;
  int64_t points = 0;
  /// Handling time of every 16th message (docs/console.md).
  handling_time timing{16};
  static inline const char* name = "chart";
};

/// Spawned by its host on the first definition of a chart, with the host's
/// merged definition.
chart_actor::behavior_type
chart(chart_actor::stateful_pointer<chart_state> self,
      std::shared_ptr<const chart_def> def, host_db_actor db,
      std::shared_ptr<host_store> store, storage::chart_config cfg,
      std::shared_ptr<chart_extent> extent);

} // namespace tributary
