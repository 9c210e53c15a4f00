#pragma once

#include "base/memory_mode.hpp"

#include <cstdint>

namespace tributary::storage {

using tributary::memory_mode;
using tributary::parse_memory_mode;
using tributary::to_string;

/// The number of slots a chart really gets for `history` in `mode`, as
/// Netdata 1.37.1 computes it (`align_entries_to_pagesize`): at least 5, at
/// most 365 days of seconds, rounded up so that a dimension's array (plus the
/// 400-byte v019 file header for save/map) fills whole 4 KiB pages; 5 for
/// `none`; 0 for `dbengine` (no ring). E.g. 3600 gives 4096 for ram/alloc and
/// 3996 for save/map.
int64_t aligned_history(memory_mode mode, int64_t history) noexcept;

} // namespace tributary::storage
