#pragma once

// The spool's record layout, shared by its writer and its reader; not part of
// the storage interface.

#include "storage/byte_io.hpp"
#include "storage/storage_number.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage::spool_records {

inline constexpr uint8_t rec_define = 1;
inline constexpr uint8_t rec_full_row = 2;
inline constexpr uint8_t rec_partial_row = 3;
inline constexpr size_t frame_header = 8;
inline constexpr size_t magic_size = 8;
/// A record longer than this is corruption, not data.
inline constexpr uint32_t max_payload = 1u << 24;

/// One decoded row record.
struct decoded_row {
  uint32_t chart = 0;
  int64_t time_s = 0;
  std::vector<uint16_t> cols; // empty: every column in order
  std::vector<storage_number> values;
};

inline bool decode_row(uint8_t type, byte_reader& r, decoded_row& out) {
  uint16_t n = 0;
  if (!r.uint(out.chart) || !r.i64(out.time_s) || !r.uint(n))
    return false;
  out.cols.clear();
  out.values.resize(n);
  if (type == rec_partial_row)
    out.cols.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (type == rec_partial_row && !r.uint(out.cols[i]))
      return false;
    if (!r.uint(out.values[i]))
      return false;
  }
  return r.done();
}

} // namespace tributary::storage::spool_records
