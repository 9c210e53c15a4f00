#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary {

/// Netdata's `[db] mode` / `memory mode` values (1.37.1 spellings): what the
/// config layer reads and the storage layer builds an engine for.
enum class memory_mode : uint8_t {
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

/// Parses Netdata's spelling (exact, lower case as Netdata compares); unknown
/// text yields `std::nullopt`: the config layer reports it instead of
/// falling back silently as Netdata does.
std::optional<memory_mode> parse_memory_mode(std::string_view x) noexcept;

} // namespace tributary
