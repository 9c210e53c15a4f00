#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary::storage {

/// Netdata's `[db] mode` / `memory mode` values (1.37.1 spellings).
enum class memory_mode {
  /// Tiered, compressed pages spilled to disk (Netdata's default).
  dbengine,
  /// A ring of `history` slots per dimension, in memory.
  ram,
  /// `ram`, written to disk at stop and loaded at start.
  save,
  /// Memory-mapped files.
  map,
  /// No database: data is only forwarded.
  none,
  /// An alias of `ram`, as in Netdata.
  alloc,
};

/// Returns Netdata's spelling of `x`, e.g. "dbengine".
std::string_view to_string(memory_mode x) noexcept;

/// Parses Netdata's spelling; unknown text yields `std::nullopt` (Netdata
/// itself falls back to its default, dbengine; the config layer decides).
std::optional<memory_mode> parse_memory_mode(std::string_view x) noexcept;

/// The number of slots a chart really gets for `history` in `mode`, as
/// Netdata 1.37.1 computes it (`align_entries_to_pagesize`): at least 5, at
/// most 365 days of seconds, rounded up so that a dimension's array (plus the
/// 400-byte v019 file header for save/map) fills whole 4 KiB pages; 5 for
/// `none`; 0 for `dbengine` (no ring). E.g. 3600 gives 4096 for ram/alloc and
/// 3996 for save/map.
int64_t aligned_history(memory_mode mode, int64_t history) noexcept;

} // namespace tributary::storage
