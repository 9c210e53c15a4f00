#pragma once

#include "protocol/chart_def.hpp"
#include "storage/engine.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace tributary {

/// A host's storage engine and the lock that guards it. The host db actor
/// takes the lock for its queries, maintenance and status; each chart
/// actor takes it to append its own rows, without a message per row
/// (docs/DESIGN.md, "The store path"). A chart only ever tries the lock: a
/// host db busy with a disk write must not park the scheduler's threads.
struct host_store {
  explicit host_store(std::shared_ptr<storage::engine> engine)
      : db(std::move(engine)) {}

  std::mutex mutex;
  /// Touched only with `mutex` held (after the host db was spawned).
  std::shared_ptr<storage::engine> db;
  /// Rows (one point per dimension) stored, by either path; under `mutex`.
  int64_t rows_stored = 0;
  /// Of those, the rows a chart sent to the host db (the lock was taken).
  int64_t rows_by_message = 0;
  /// The host db closed the engine: rows that come later are dropped, as
  /// messages to a host db that has quit are. Under `mutex`.
  bool closed = false;
};

/// The engine handles of `def`'s dimensions, in its order; dimensions the
/// engine does not know yet are registered. The caller holds the lock.
std::vector<storage::dimension_handle> resolve_dimensions(storage::engine& db,
                                                          const chart_def& def);

/// Appends one row of a chart: `points[d]` to `dims[d]`, as many as both
/// have. The caller holds the lock.
void append_row(storage::engine& db,
                const std::vector<storage::dimension_handle>& dims,
                const std::vector<storage::sample>& points);

/// Appends `rows` points of a chart, each `width` values and flags (flags
/// may be short: 0), at `times`, to `dims` (at most `dims.size()` values of
/// a point). `scratch` is the row-major room it needs. The caller holds the
/// lock.
void append_points(storage::engine& db,
                   const std::vector<storage::dimension_handle>& dims,
                   const int64_t* times, size_t rows, size_t width,
                   const std::vector<double>& values,
                   const std::vector<uint8_t>& flags,
                   std::vector<storage::sample>& scratch);

} // namespace tributary
