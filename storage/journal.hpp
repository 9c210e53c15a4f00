#pragma once

#include "base/error.hpp"
#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/sample.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
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

/// A batch this large is written at once instead of at the next
/// `maintain()`: a replication backfill adds tens of MiB a second to each
/// host's batch, and every host backfilling at once held them all (and the
/// record each became) at the process's peak.
constexpr size_t journal_flush_bytes = size_t{1} << 20;

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

  /// Heap bytes held.
  size_t heap_bytes() const noexcept {
    return payload_.capacity();
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

  /// Bytes read: the journal's size.
  size_t size() const noexcept {
    return good_bytes + dropped_bytes;
  }
};

/// Decodes every whole record of `bytes` and stops at the first bad one.
journal_contents read_journal(std::string_view bytes, const std::string& path);

/// Reads the journal at `path` and decodes it; nothing if there is none or
/// it cannot be read (that goes to `diagnostics`).
std::optional<journal_contents> load_journal(filesystem& fs,
                                             const std::string& path,
                                             std::vector<error>& diagnostics);

/// The journal file of an engine (save, dbengine) and when it is written.
struct journal_file {
  /// It misses what the engine holds: the next flush rotates.
  bool broken = false;
  /// Its size.
  uint64_t bytes = 0;
  /// Flushes a failed rotation still waits, and the next such wait.
  unsigned rotate_wait = 0;
  unsigned rotate_backoff = 1;
};

/// What one `flush_journal` did.
struct journal_flush {
  /// Everything the engine holds is on disk (nothing waits).
  bool done = true;
  /// Bytes of the record appended (0: none).
  uint64_t appended = 0;
};

/// One flush of a crash journal. When it is broken or past `limit`, a new
/// generation by `rotate` (true on success); a failed one is tried again
/// after 1, 2, 4, then every 8 flushes, so a full disk is not rewritten on
/// every flush, and the batch is dropped (the generation will cover it).
/// Otherwise the batch is appended to `path` as one record (zstd when
/// `compress`); a failed append breaks the journal. `failed` hears of each
/// filesystem error.
journal_flush flush_journal(journal_file& j, journal_batch& batch,
                            filesystem& fs, const std::string& path,
                            uint64_t limit, bool compress,
                            const std::function<bool()>& rotate,
                            const std::function<void(const error&)>& failed);

} // namespace tributary::storage
