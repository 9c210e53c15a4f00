#pragma once

#include "base/error.hpp"
#include "storage/memory_mode.hpp"
#include "storage/sample.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace tributary::storage {

class filesystem;

// -- identities
// -----------------------------------------------------------------

/// What identifies a dimension inside one host's database.
struct dimension_key {
  /// Full chart id, `type.id` (e.g. "system.cpu").
  std::string chart_id;
  /// Dimension id (e.g. "user").
  std::string dim_id;

  friend bool operator==(const dimension_key& x, const dimension_key& y) {
    return x.chart_id == y.chart_id && x.dim_id == y.dim_id;
  }

  friend bool operator<(const dimension_key& x, const dimension_key& y) {
    return x.chart_id < y.chart_id
           || (x.chart_id == y.chart_id && x.dim_id < y.dim_id);
  }
};

/// Everything an engine needs to know to store a dimension.
struct dimension_info {
  /// The identity.
  dimension_key key;
  /// Chart name (without `type.`); empty if equal to the id.
  std::string chart_name;
  /// Dimension name; empty if equal to the id.
  std::string dim_name;
  /// Seconds per slot; < 1 is read as the engine's default.
  int update_every = 0;
};

/// An opaque reference to a registered dimension, valid for the engine that
/// returned it until that engine is destroyed.
struct dimension_handle {
  static constexpr uint32_t invalid = std::numeric_limits<uint32_t>::max();

  /// Index inside the engine; `invalid` for a default-constructed handle.
  uint32_t id = invalid;

  /// True if this handle refers to a dimension.
  bool valid() const noexcept {
    return id != invalid;
  }

  friend bool operator==(dimension_handle x, dimension_handle y) {
    return x.id == y.id;
  }

  friend bool operator!=(dimension_handle x, dimension_handle y) {
    return x.id != y.id;
  }
};

/// An aggregated point of a higher tier (dbengine tiers 1+); tier 0 points
/// are single samples (`count == 1`, min = max = sum = value).
struct storage_point {
  /// Start of the aggregated range (exclusive), Unix seconds.
  int64_t start_s = 0;
  /// End of the range (inclusive), Unix seconds.
  int64_t end_s = 0;
  double min = 0;
  double max = 0;
  double sum = 0;
  /// Number of non-empty samples aggregated; 0 means a gap.
  uint32_t count = 0;
  /// Number of them that were anomalous.
  uint32_t anomaly_count = 0;
  /// OR of the `flag_*` bits of the samples.
  uint8_t flags = 0;
};

// -- options
// ------------------------------------------------------------------------

/// How dbengine compresses a page after its Gorilla bit coding.
enum class page_codec : uint8_t {
  none = 0,
  lz4 = 1,
  zstd = 2,
};

/// Construction parameters of one engine instance (one per host).
struct engine_options {
  /// Slots kept per dimension by the ring modes (`[db] retention`, Netdata's
  /// `history`; values below 5 are raised to 5, as Netdata does).
  int64_t history = 3600;
  /// Default seconds per slot (`[db] update every`).
  int update_every = 1;
  /// Directory for save/map/dbengine files (the host's cache directory).
  std::string directory;
  /// The host's machine GUID (names the save file; checked on load).
  std::string host_guid;
  /// The host's hostname, for messages only.
  std::string host_name;
  /// The filesystem seam; nullptr means the real (POSIX) filesystem. Must
  /// outlive the engine.
  filesystem* fs = nullptr;
  /// dbengine: number of tiers, 1 to 3 (`[db] storage tiers`). Tier k keeps
  /// one aggregate per `update_every × 60^k` seconds.
  size_t tiers = 3;
  /// dbengine: disk space per tier in bytes; 0 is unlimited. Netdata's
  /// `dbengine multihost disk space MB` (tier 0) and `dbengine tier N
  /// multihost disk space MB`, times 2^20, divided among hosts by the
  /// caller. When a tier exceeds it, its oldest datafiles are deleted.
  std::array<uint64_t, 3> disk_space_bytes{
      {uint64_t{256} << 20, uint64_t{128} << 20, uint64_t{64} << 20}};
  /// dbengine: bytes of decoded pages kept in memory (`page cache size MB`
  /// times 2^20). Pages being filled are not counted.
  uint64_t page_cache_bytes = uint64_t{32} << 20;
  /// dbengine: points per page (Netdata: 1024 per 4 KiB tier 0 page).
  size_t page_points = 1024;
  /// dbengine: size at which a datafile is closed and a new one started; 0
  /// picks the tier's disk space / 8, between 64 KiB and 256 MiB.
  uint64_t datafile_bytes = 0;
  /// dbengine: compression after the Gorilla coding.
  page_codec compression = page_codec::zstd;
  /// dbengine: keep the crash journal (off only to measure what it costs).
  bool journal = true;
};

// -- health
// ---------------------------------------------------------------------

/// How an engine's disk is doing, for /api/v1/info and the actor console.
struct storage_health {
  /// True while writes fail (disk full, I/O errors); data waits in memory.
  bool degraded = false;
  /// The newest write error, naming the file; empty if none happened.
  std::string last_error;
  /// Writes that failed since opening.
  uint64_t failed_writes = 0;
  /// Points dropped because the disk stayed failed longer than the memory
  /// budget allows (oldest first).
  uint64_t dropped_points = 0;
  /// Points held in memory that are not yet in a datafile or save file.
  uint64_t pending_points = 0;
  /// Bytes of the engine's files (datafiles, save file, journal).
  uint64_t disk_bytes = 0;
  /// Bytes of the crash journal.
  uint64_t journal_bytes = 0;
};

// -- the engine interface
// --------------------------------------------------------

/// One host's database. Engines are plain objects: no threads, no global
/// state; the owner (the host-db actor) serializes all calls.
///
/// Time contract: `append` takes samples in increasing `time_s` per dimension;
/// a sample that skips slots leaves gaps (empty slots); a sample at or before
/// the last stored time overwrites that slot if it is still held, and is
/// dropped otherwise.
class engine {
public:
  virtual ~engine();

  /// The mode this engine implements (after fallbacks: see `diagnostics`).
  virtual memory_mode mode() const noexcept = 0;

  /// Registers a dimension, or returns the existing handle for the same key
  /// (updating names and update_every; a changed update_every restarts that
  /// dimension's ring).
  virtual dimension_handle add_dimension(const dimension_info& info) = 0;

  /// Finds a registered dimension.
  virtual dimension_handle find(const dimension_key& key) const = 0;

  /// The registration data of `h`; nullptr for an unknown handle.
  virtual const dimension_info* info(dimension_handle h) const = 0;

  /// All registered handles, in registration order.
  virtual std::vector<dimension_handle> dimensions() const = 0;

  /// How many dimensions are registered (`dimensions().size()`, without
  /// building the vector).
  virtual size_t dimension_count() const noexcept = 0;

  /// Stores one sample. Returns false if it was dropped (unknown handle,
  /// older than the retention, or an engine that stores nothing).
  virtual bool append(dimension_handle h, const sample& x) = 0;

  /// Stores one row: `xs[i]` for `hs[i]`. Returns the number stored.
  virtual size_t append_row(const dimension_handle* hs, const sample* xs,
                            size_t n);

  /// Stores `rows` rows of `width` samples, oldest first: `xs[r * width +
  /// i]` for `hs[i]`. The same as `append_row` for each row; an engine may
  /// store a dimension's samples of the batch together (ram: one page
  /// encoding per page, not per chunk). Returns the number stored.
  virtual size_t append_rows(const dimension_handle* hs, const sample* xs,
                             size_t rows, size_t width);

  /// Returns the slots of `h` with `after_s <= time_s <= before_s`, oldest
  /// first, one per update_every, gaps as empty samples. Slots outside the
  /// stored range are not returned.
  virtual std::vector<sample> query(dimension_handle h, int64_t after_s,
                                    int64_t before_s) const = 0;

  /// Tier-aware query: tier 0 gives one point per sample (gaps with
  /// `count == 0`); engines without tiers return an empty vector for others.
  virtual std::vector<storage_point> query_tier(dimension_handle h, size_t tier,
                                                int64_t after_s,
                                                int64_t before_s) const;

  /// Number of tiers (1 for all but dbengine).
  virtual size_t tiers() const noexcept;

  /// Seconds per point of `tier` for `h`; 0 if the tier does not exist.
  virtual int tier_update_every(dimension_handle h, size_t tier) const;

  /// Oldest point of `tier` for `h` (its end time; 0 if none).
  virtual int64_t tier_first_time_s(dimension_handle h, size_t tier) const;

  /// Newest point of `tier` for `h` (its end time; 0 if none).
  virtual int64_t tier_last_time_s(dimension_handle h, size_t tier) const;

  /// tier_first_time_s and tier_last_time_s without the bucket a tier above
  /// 0 is still summing (queries read it; Netdata's query plan only sees
  /// what is stored).
  virtual int64_t tier_stored_first_time_s(dimension_handle h,
                                           size_t tier) const;
  virtual int64_t tier_stored_last_time_s(dimension_handle h,
                                          size_t tier) const;

  /// Oldest stored slot of `h` (0 if none).
  virtual int64_t first_time_s(dimension_handle h) const = 0;

  /// Newest stored slot of `h` (0 if none).
  virtual int64_t last_time_s(dimension_handle h) const = 0;

  /// Seconds per slot of `h` (0 for an unknown handle).
  virtual int update_every(dimension_handle h) const = 0;

  /// Makes stored data durable as far as the mode promises (save: writes the
  /// file; ram/none: nothing).
  virtual error flush() = 0;

  /// Flushes and releases resources; later appends are dropped.
  virtual error close() = 0;

  /// Periodic work, called by the owner about once a second: commits the
  /// crash journal and retries writes that failed. Nothing by default.
  virtual void maintain();

  /// Whether `maintain()` and `health()` do anything: the owner skips the
  /// periodic call for engines that need none (ram, alloc, none).
  virtual bool wants_maintenance() const {
    return false;
  }

  /// The disk's state (ok for engines without files). Cheap: the owner
  /// asks every second.
  virtual storage_health health() const;

  /// Heap bytes of the history held in memory (ram and save modes; 0
  /// otherwise). Visits every dimension: for status requests, not for
  /// periodic work.
  virtual uint64_t memory_bytes() const {
    return 0;
  }

  /// What opening recovered from a crash (journal replayed, torn tail
  /// dropped), one line; empty after a clean stop or without a journal.
  const std::string& recovery() const noexcept {
    return recovery_;
  }

  /// Problems met while opening (a corrupt save file, a fallback to ram),
  /// each naming the file and byte offset; the engine works regardless.
  const std::vector<error>& diagnostics() const noexcept {
    return diagnostics_;
  }

protected:
  friend std::unique_ptr<engine> make_engine(memory_mode mode,
                                             const engine_options& opts);

  /// Filled by constructors and `make_engine`.
  std::vector<error> diagnostics_;

  /// Filled by constructors that replay a journal.
  std::string recovery_;
};

/// Creates the engine for `mode`. `alloc` is `ram`. `save`, `map` and
/// `dbengine` load their files here; bad files are reported in
/// `diagnostics()` and the damaged part starts empty. Never returns nullptr.
std::unique_ptr<engine> make_engine(memory_mode mode,
                                    const engine_options& opts);

} // namespace tributary::storage
