#include "storage/memory_mode.hpp"

namespace tributary::storage {

namespace {

// Netdata 1.37.1 limits and layout constants (database/rrd.h, rrddim.c).
constexpr int64_t history_min = 5;
constexpr int64_t history_max = 86400LL * 365;
constexpr int64_t page_size = 4096;
constexpr int64_t v019_header_size = 400; // sizeof the v019 dimension header
constexpr int64_t slot_size = 4;          // sizeof(storage_number)

} // namespace

int64_t aligned_history(memory_mode mode, int64_t history) noexcept {
  if (mode == memory_mode::dbengine)
    return 0;
  if (mode == memory_mode::none)
    return 5;
  if (history < history_min)
    history = history_min;
  if (history > history_max)
    history = history_max;
  auto header = (mode == memory_mode::map || mode == memory_mode::save)
                    ? v019_header_size
                    : 0;
  auto size = header + history * slot_size;
  if (size % page_size != 0) {
    size += page_size - size % page_size;
    return (size - header) / slot_size;
  }
  return history;
}

} // namespace tributary::storage
