#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

namespace tributary {

/// Gives a reused buffer's room back after a burst. A connection's buffers
/// grow to what its largest read needed (a replication backfill: hundreds
/// of KiB) and a `std::string` never shrinks by itself (assigning an empty
/// one keeps the room too). Every `period` uses, a buffer whose largest
/// size in that period stayed under a quarter of its room, and whose room
/// exceeds `floor` bytes, is reallocated to fit: a steady stream keeps its
/// room, a burst's goes some 16 s later at one read a second.
class burst_room {
public:
  static constexpr size_t period = 16;
  static constexpr size_t floor = size_t{16} << 10;

  /// Notes a use of `buf` at its current size; may move it to a smaller
  /// allocation (pointers into it are then invalid).
  void note(std::string& buf) {
    peak_ = std::max(peak_, buf.size());
    if (++uses_ < period)
      return;
    if (buf.capacity() > floor && peak_ < buf.capacity() / 4) {
      std::string fit;
      fit.reserve(peak_);
      fit.append(buf);
      buf.swap(fit);
    }
    uses_ = 0;
    peak_ = 0;
  }

private:
  size_t uses_ = 0;
  size_t peak_ = 0;
};

/// Heap bytes a string holds (none while it fits in the object).
inline size_t heap_bytes(const std::string& s) noexcept {
  auto room = s.capacity();
  return room > std::string{}.capacity() ? room + 1 : 0;
}

} // namespace tributary
