#pragma once

#include "storage/storage_number.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage {

/// The tier-0 page a dbengine dimension is filling (up to 1024 points, 17
/// minutes at 1 s), kept compact: every full chunk of `chunk_points` points
/// is Gorilla-coded (times as delta-of-delta, storage numbers as XOR words),
/// only the newest points stay raw. A real metric costs about 1 B a point
/// instead of 12, which is most of a dimension's memory in dbengine mode.
class open_page {
public:
  static constexpr size_t chunk_points = 32;

  /// Appends a point (any time codes; later than `back_time()` is cheap).
  void push(int64_t t, storage_number v);

  size_t size() const noexcept {
    return sealed_points_ + tail_t_.size();
  }

  bool empty() const noexcept {
    return size() == 0;
  }

  /// Time of the oldest point. REQUIRES: `!empty()`.
  int64_t front_time() const noexcept {
    return first_s_;
  }

  /// Time of the newest point. REQUIRES: `!empty()`.
  int64_t back_time() const noexcept {
    return last_s_;
  }

  /// Appends every point to `times` and `values`, oldest first.
  void decode(std::vector<int64_t>& times,
              std::vector<storage_number>& values) const;

  /// Drops the `k` oldest points.
  void drop_front(size_t k);

  /// Drops the points at or before `t`; returns how many.
  size_t drop_through(int64_t t);

  /// Drops every point and gives the memory back.
  void clear();

  /// Heap bytes held.
  size_t heap_bytes() const noexcept;

private:
  void seal();

  /// The coded chunks, back to back; `ends_[i]` is where chunk i ends.
  std::vector<uint8_t> sealed_;
  std::vector<uint32_t> ends_;
  size_t sealed_points_ = 0;
  std::vector<int64_t> tail_t_;
  std::vector<storage_number> tail_v_;
  int64_t first_s_ = 0;
  int64_t last_s_ = 0;
  int64_t sealed_last_s_ = 0;
};

} // namespace tributary::storage
