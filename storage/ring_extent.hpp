#pragma once

#include <cstddef>
#include <cstdint>

namespace tributary::storage {

/// What a ring of `capacity` slots on an `update_every` grid holds: `size`
/// slots, the newest ending at `last_time_s`. The base of `dimension_ring`
/// and `compressed_ring`, which keep the slots.
class ring_extent {
public:
  /// Oldest held time (0 if empty).
  int64_t first_time_s() const noexcept {
    if (size_ == 0)
      return 0;
    return last_time_s_
           - static_cast<int64_t>(size_ - 1)
                 * static_cast<int64_t>(update_every_);
  }

  /// Newest held time (0 if empty).
  int64_t last_time_s() const noexcept {
    return last_time_s_;
  }

  /// Held slot count.
  size_t size() const noexcept {
    return size_;
  }

  /// Slot count limit.
  size_t capacity() const noexcept {
    return capacity_;
  }

  /// Seconds per slot.
  int update_every() const noexcept {
    return update_every_;
  }

protected:
  /// An empty extent.
  ring_extent(size_t capacity, int update_every) noexcept
      : capacity_(capacity), update_every_(update_every) {
    // nop
  }

  ring_extent(const ring_extent&) = default;
  ring_extent(ring_extent&&) = default;
  ring_extent& operator=(const ring_extent&) = default;
  ring_extent& operator=(ring_extent&&) = default;
  ~ring_extent() = default;

  size_t capacity_;
  int update_every_;
  size_t size_ = 0;
  int64_t last_time_s_ = 0;
};

} // namespace tributary::storage
