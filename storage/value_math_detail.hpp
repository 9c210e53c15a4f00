#pragma once

// Constants and time helpers the chart row calculator's files share; not part
// of the storage interface.

#include <cstdint>

namespace tributary::storage::value_math_detail {

inline constexpr uint64_t usec_per_sec = 1000000;

// Netdata's MAX_INCREMENTAL_PERCENT_RATE: a wrap is an overflow only if the
// implied delta is below 10% of the counter's range.
inline constexpr uint64_t max_incremental_percent_rate = 10;

// dbengine resets a chart silent for more than one page of points
// (RRDENG_BLOCK_SIZE / sizeof(storage_number) = 4096 / 4).
inline constexpr uint64_t dbengine_page_points = 1024;

inline uint64_t abs_diff(uint64_t x, uint64_t y) {
  return x > y ? x - y : y - x;
}

// Rounds a µs time down to the update_every grid in seconds, then adds
// `usec` (Netdata's last_collected_time_align / last_updated_time_align).
inline uint64_t align_usec(uint64_t t, int ue, uint64_t usec) {
  auto sec = t / usec_per_sec;
  sec -= sec % static_cast<uint64_t>(ue);
  return sec * usec_per_sec + usec;
}

} // namespace tributary::storage::value_math_detail
