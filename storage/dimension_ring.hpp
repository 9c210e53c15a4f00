#pragma once

#include "storage/ring_extent.hpp"
#include "storage/sample.hpp"
#include "storage/storage_number.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage {

/// A fixed ring of `capacity` storage_number slots on an `update_every` grid:
/// slot k (counting back from the newest) holds the point that ends at
/// `last_time_s() − k × update_every`. The building block of the ram, save
/// and map modes (Netdata keeps exactly this array per dimension).
class dimension_ring : public ring_extent {
public:
  /// Where the ring stands; what the map engine keeps in its file.
  struct position {
    /// Index of the newest slot.
    uint64_t head = 0;
    /// Held slot count.
    uint64_t size = 0;
    /// Time of the newest slot.
    int64_t last_time_s = 0;
  };

  /// Creates an empty ring. REQUIRES: `capacity > 0`, `update_every > 0`.
  dimension_ring(size_t capacity, int update_every);

  /// Creates a ring on `capacity` slots at `slots` owned by the caller (a
  /// mapped file), which must outlive the ring; `at` says what they hold
  /// and is clamped to `capacity`.
  dimension_ring(storage_number* slots, size_t capacity, int update_every,
                 position at);

  dimension_ring(const dimension_ring& other);
  dimension_ring(dimension_ring&& other) noexcept;
  dimension_ring& operator=(const dimension_ring& other);
  dimension_ring& operator=(dimension_ring&& other) noexcept;

  /// The current position.
  position where() const noexcept {
    return {head_, size_, last_time_s_};
  }

  /// The slot array (capacity() entries, in ring order).
  const storage_number* data() const noexcept {
    return slots_;
  }

  /// Stores `x`: later than the newest slot → advances (skipped slots become
  /// gaps); within the held range → overwrites; older → dropped (returns
  /// false). Times between grid points are rounded down onto the grid of the
  /// newest point.
  bool put(const sample& x);

  /// Appends raw slots (oldest first) ending at `last_time_s`; used by
  /// loading. Keeps at most `capacity()` of them.
  void restore(const std::vector<storage_number>& slots, int64_t last_time_s);

  /// Slots with `after_s <= time <= before_s`, oldest first.
  std::vector<sample> range(int64_t after_s, int64_t before_s) const;

  /// Raw slots, oldest first (for saving).
  std::vector<storage_number> raw() const;

  /// Drops all slots.
  void clear() noexcept;

private:
  /// Index of the slot `back` steps before the newest.
  size_t index(size_t back) const noexcept;

  std::vector<storage_number> owned_; // empty for external slots
  storage_number* slots_;
  size_t head_ = 0; // index of the newest slot
};

} // namespace tributary::storage
