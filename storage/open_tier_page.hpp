#pragma once

#include "storage/engine.hpp"
#include "storage/gorilla.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage {

/// The tier 1+ page a dbengine dimension is filling (up to 256 buckets:
/// 4.3 hours of minutes in tier 1, ten days of hours in tier 2), coded as
/// it grows with the columns a written tier page holds: end times as
/// delta-of-delta, sum, minimum and maximum as 32-bit floats, count,
/// anomaly count and flags, each column XOR-coded. A bucket reads back as
/// it will once its page is written (floats), in a few bytes instead of a
/// 56-byte `storage_point`.
class open_tier_page {
public:
  /// Appends a closed bucket. REQUIRES: it ends after `back_end()`.
  void push(const storage_point& p);

  size_t size() const noexcept {
    return n_;
  }

  bool empty() const noexcept {
    return n_ == 0;
  }

  /// End of the oldest bucket. REQUIRES: `!empty()`.
  int64_t front_end() const noexcept {
    return first_s_;
  }

  /// End of the newest bucket. REQUIRES: `!empty()`.
  int64_t back_end() const noexcept {
    return last_s_;
  }

  /// Appends every bucket to `out`, oldest first, each starting `len`
  /// seconds before its end (as a written page gives them back).
  void decode(int64_t len, std::vector<storage_point>& out) const;

  /// Drops the buckets that end at or before `end_s`; returns how many.
  size_t drop_through(int64_t end_s, int64_t len);

  /// Drops every bucket and gives the memory back.
  void clear();

  /// Heap bytes held.
  size_t heap_bytes() const noexcept {
    return w_.heap_bytes();
  }

private:
  static constexpr size_t columns = 6;

  bit_writer w_;
  time_encoder times_{0, 0};
  std::array<word_encoder, columns> words_;
  size_t n_ = 0;
  int64_t first_s_ = 0;
  int64_t last_s_ = 0;
};

} // namespace tributary::storage
