#pragma once

#include "base/error.hpp"
#include "storage/sample.hpp"
#include "storage/storage_number.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace tributary::storage {

class filesystem;

/// Construction parameters of a spool (docs/storage.md, "The spool").
struct spool_options {
  /// Directory of the segment files (created when the first one is written).
  std::string directory;
  /// Bytes of segment files kept at most; the oldest segments are deleted
  /// beyond it. 0 keeps nothing on disk.
  uint64_t size_limit_bytes = uint64_t{256} << 20;
  /// Size at which a segment is closed and the next one started; 0 picks
  /// the limit / 8, between 64 KiB and 32 MiB.
  uint64_t segment_bytes = 0;
  /// Seconds of rows kept in memory while not spooling, written out when
  /// spooling starts (rows a parent may not have got before the link broke).
  int64_t memory_tail_s = 120;
  /// The filesystem seam; nullptr means the real (POSIX) filesystem.
  filesystem* fs = nullptr;
};

/// What one deletion of old segments for the size limit removed.
struct spool_drop {
  uint64_t bytes = 0;
  uint64_t points = 0;
  int64_t first_s = 0;
  int64_t last_s = 0;
};

/// A bounded store of chart rows for hosts without history (`memory mode =
/// none`, short `ram` rings) while no parent has them: append-only segment
/// files of CRC-32C-framed records, written once a second, oldest segment
/// deleted first. Plain C++; the owner serializes all calls.
///
/// Segment file `spool-<16 hex digits>.seg`: the 8-byte magic, then records
/// `u32 payload length, u32 crc32c(payload), payload`. A payload is a chart
/// definition (`u8 1, u32 chart number, str16 chart id, u32 update every,
/// u16 n, n × str16 dimension id`), written before the chart's first row in
/// each segment so a segment stands alone, or a row (`u8 2, u32 chart
/// number, i64 time, u16 n`, n × u32 storage_number when the row has every
/// dimension, else n × (u16 column, u32 storage_number)). Opening reads every
/// segment up to its first bad record (a torn tail after `kill -9`) and
/// never appends to an old segment.
class spool {
public:
  explicit spool(spool_options opts);

  /// Registers a chart's dimensions (again after a redefinition); returns the
  /// number rows of it are appended with.
  uint32_t define(const std::string& chart_id,
                  const std::vector<std::string>& dim_ids, int update_every);

  /// One row of chart `chart`: `xs[i]` for column `cols[i]`.
  void append(uint32_t chart, int64_t time_s, const uint16_t* cols,
              const sample* xs, size_t n);

  /// Spooling: rows go to disk at every `flush`. Not spooling: only the
  /// newest `memory_tail_s` seconds are kept, in memory. Switching on writes
  /// the memory tail at the next flush.
  void set_spooling(bool on);

  bool spooling() const noexcept {
    return spooling_;
  }

  /// Deletes every segment (a parent has all of it); the memory tail stays.
  void clear();

  /// Writes the rows waiting in memory (while spooling) and enforces the
  /// size limit; the drops it made are in `take_drops`. Called once a second.
  error flush();

  /// What the size limit deleted since the last call.
  std::vector<spool_drop> take_drops();

  /// The stored samples of one dimension with `after_s <= time <= before_s`,
  /// oldest first, one per time (the newest write of a time wins).
  std::vector<sample> query(const std::string& chart_id,
                            const std::string& dim_id, int64_t after_s,
                            int64_t before_s) const;

  /// Oldest / newest time held for `chart_id` (0 if none).
  int64_t first_time_s(const std::string& chart_id) const;
  int64_t last_time_s(const std::string& chart_id) const;

  /// Bytes of segment files.
  uint64_t disk_bytes() const noexcept {
    return disk_bytes_;
  }

  /// Samples written to segments that are still on disk.
  uint64_t disk_points() const noexcept;

  /// Rows in memory (tail or waiting for the next flush).
  size_t memory_rows() const noexcept {
    return rows_.size();
  }

  /// Problems met while opening (torn tails, unreadable files), naming the
  /// file and offset.
  const std::vector<error>& diagnostics() const noexcept {
    return diagnostics_;
  }

private:
  struct chart_entry {
    std::string id;
    std::vector<std::string> dims;
    int update_every = 1;
  };

  struct row {
    uint32_t chart;
    int64_t time_s;
    std::vector<uint16_t> cols;
    std::vector<storage_number> values;
  };

  /// Where one chart's rows are inside one segment.
  struct segment_chart {
    std::string id;
    std::vector<std::string> dims;
    std::vector<uint32_t> offsets; // of row records
    int64_t first_s = 0;
    int64_t last_s = 0;
  };

  struct segment {
    uint64_t seq = 0;
    std::string path;
    uint64_t bytes = 0;
    uint64_t points = 0;
    int64_t first_s = 0;
    int64_t last_s = 0;
    /// By the chart number the segment's definitions use.
    std::map<uint32_t, segment_chart> charts;
    std::map<std::string, std::vector<uint32_t>> by_id;
  };

  void open();
  void load_segment(const std::string& name, uint64_t seq);
  error write_rows();
  void start_segment();
  void enforce_limit();
  void trim_tail();

  spool_options opts_;
  filesystem* fs_;
  uint64_t segment_limit_;
  std::vector<chart_entry> charts_;
  std::map<std::string, uint32_t> chart_numbers_;
  std::deque<row> rows_;
  std::deque<segment> segments_;
  bool current_open_ = false;
  uint64_t next_seq_ = 1;
  uint64_t disk_bytes_ = 0;
  bool spooling_ = true;
  std::vector<spool_drop> drops_;
  std::vector<error> diagnostics_;
};

/// Encodes a record frame around `payload`.
std::string spool_frame(const std::string& payload);

/// The segment file's magic bytes.
constexpr const char* spool_magic = "TRBSPL01";

} // namespace tributary::storage
