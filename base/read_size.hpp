#pragma once

#include <algorithm>
#include <cstddef>

namespace tributary {

/// The most bytes a connection's next socket read takes, following what
/// its reads bring. CAF 0.17.6 shrinks a scribe's read buffer to each
/// read's size and zero-fills it back to this size before the next read:
/// a child sending 2-3 KiB a second paid a 16 KiB memset per read. The
/// buffer's capacity stays at the largest size it had, so reads start at
/// `first`, not `largest`: a child whose reads never fill 4 KiB never
/// holds 16 (12 KiB a connection, 60 MB at 5,000 children). A read that
/// fills the buffer makes the next one four times larger (up to `largest`,
/// a Netdata child's lz4 block); `shrink_after` reads in a row that used
/// under a quarter of it make it four times smaller (down to `smallest`).
class read_size {
public:
  static constexpr size_t smallest = 1024;
  static constexpr size_t largest = size_t{16} * 1024;
  static constexpr size_t first = size_t{4} * 1024;
  static constexpr int shrink_after = 16;

  /// The size for the next read.
  size_t current() const noexcept {
    return size_;
  }

  /// Notes a read of `n` bytes; true if `current()` changed.
  bool note(size_t n) noexcept {
    if (n >= size_ && size_ < largest) {
      size_ = std::min(largest, size_ * 4);
      small_reads_ = 0;
      return true;
    }
    if (n * 4 >= size_ || size_ <= smallest) {
      small_reads_ = 0;
      return false;
    }
    if (++small_reads_ < shrink_after)
      return false;
    size_ = std::max(smallest, size_ / 4);
    small_reads_ = 0;
    return true;
  }

private:
  size_t size_ = first;
  int small_reads_ = 0;
};

} // namespace tributary
