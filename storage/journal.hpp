#pragma once

#include "base/error.hpp"
#include "storage/engine.hpp"
#include "storage/sample.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::storage {

// The crash journal of the save and dbengine engines: checksummed records
// appended in batches, replayed at open. Byte layout: docs/storage.md,
// "Journal".

/// First 4 bytes of every record ("TJR1" little-endian).
constexpr uint32_t journal_magic = 0x31524a54u;
/// Bytes before a record's payload.
constexpr size_t journal_record_header_size = 20;

/// One event of a journal.
struct journal_event {
  enum kind_t : uint8_t {
    /// A sample appended to dimension `dim`.
    point = 1,
    /// Dimension `dim` is `info` (first use in this journal, or changed).
    dimension = 2,
    /// An engine specific blob (dbengine: the open pages of `dim`).
    state = 3,
  };
  kind_t kind = point;
  uint32_t dim = 0;
  sample x;
  dimension_info info;
  int64_t valid_after_s = 0;
  std::string blob;
};

/// Builds the payload of one record.
class journal_batch {
public:
  void point(uint32_t dim, const sample& x);
  void dimension(uint32_t dim, const dimension_info& info,
                 int64_t valid_after_s);
  void state(uint32_t dim, std::string_view blob);

  /// Events added since the last `finish`.
  size_t events() const noexcept {
    return events_;
  }

  /// Bytes of payload so far.
  size_t size() const noexcept {
    return payload_.size();
  }

  /// The record (header and payload, zstd-compressed when `compress` and it
  /// pays); the batch starts over.
  std::string finish(bool compress);

  /// Drops everything added since the last `finish`.
  void clear() noexcept;

private:
  std::string payload_;
  size_t events_ = 0;
  uint32_t prev_dim_ = 0;
  int64_t prev_time_ = 0;
};

/// What a journal holds.
struct journal_contents {
  std::vector<journal_event> events;
  /// Whole, valid records.
  size_t records = 0;
  /// Bytes of those records (the file is cut here on replay).
  size_t good_bytes = 0;
  /// Bytes after them: a record torn by a crash, or damage.
  size_t dropped_bytes = 0;
  /// Why the rest was dropped (names the file and offset); empty if all of
  /// it was read.
  error problem;
};

/// Decodes every whole record of `bytes` and stops at the first bad one.
journal_contents read_journal(std::string_view bytes, const std::string& path);

} // namespace tributary::storage
