#pragma once

#include "base/error.hpp"
#include "storage/engine.hpp"
#include "storage/storage_number.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tributary::storage {

/// One dimension as the save engine writes it.
struct saved_dimension {
  /// Identity, names and update_every.
  dimension_info info;
  /// Time of the newest slot (0 if none).
  int64_t last_time_s = 0;
  /// Slots, oldest first.
  std::vector<storage_number> slots;
};

/// The content of a save file (format: docs/storage.md, "Save file").
struct save_snapshot {
  /// The host's machine GUID.
  std::string host_guid;
  /// Slots per dimension the writer used.
  uint64_t slots_per_dimension = 0;
  /// Dimensions in registration order.
  std::vector<saved_dimension> dimensions;
};

/// The first 8 bytes of every save file.
constexpr std::string_view save_file_magic = "TRIBSAV1";

/// Encodes `x` into the save file format.
std::string encode_save_file(const save_snapshot& x);

/// The header of a save file of `count` dimensions: `encode_save_file` is
/// this followed by `append_save_record` of each dimension in turn (a
/// writer need not hold them all).
std::string encode_save_header(const std::string& host_guid,
                               uint64_t slots_per_dimension, size_t count);

/// Appends the record of `d` to `out`.
void append_save_record(std::string& out, const saved_dimension& d);

/// Decodes a save file. Errors are `ec::corruption` (or `ec::truncated` for
/// a short file) with a message naming `path` and the byte offset, which is
/// also in `error::position`. Never reads out of bounds, whatever `bytes`.
expected<save_snapshot> decode_save_file(std::string_view bytes,
                                         const std::string& path);

} // namespace tributary::storage
