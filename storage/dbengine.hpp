#pragma once

#include "storage/dbengine_format.hpp"
#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/journal.hpp"
#include "storage/open_page.hpp"
#include "storage/open_tier_page.hpp"
#include "storage/registered_engine.hpp"

#include <array>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace tributary::storage {

/// `memory mode = dbengine`: tiered, compressed, checksummed pages in
/// append-only datafiles under `engine_options::directory` (one instance
/// per host). Files and layout: docs/storage.md, "dbengine".
///
/// Tier 0 keeps every appended point as Netdata's 32-bit storage number;
/// tier k >= 1 keeps one aggregate (sum, min, max, count, anomaly count) per
/// `update_every × 60^k` seconds. A page is written when it holds
/// `page_points` points (`page_points / 4` for tiers 1+), or at `flush()`.
/// Every append also goes to a crash journal (`dbengine-journal.tdj`),
/// written by `maintain()`: a process killed at any time loses only the
/// points appended since the last `maintain()`; opening replays the journal.
/// When writes fail (disk full), pages wait in memory, `maintain()` retries
/// them, and beyond `page_cache_bytes` of waiting points the oldest are
/// dropped and counted (`health()`).
///
/// Unlike the ring modes, a sample at or before the newest stored time of
/// its dimension is dropped (pages are immutable).
class dbengine final : public registered_engine {
public:
  /// Opens (or creates) the files in `opts.directory`; problems go to
  /// `diagnostics()`, damaged pages are skipped.
  explicit dbengine(const engine_options& opts);

  ~dbengine() override;

  memory_mode mode() const noexcept override;
  dimension_handle add_dimension(const dimension_info& info) override;
  bool append(dimension_handle h, const sample& x) override;
  std::vector<sample> query(dimension_handle h, int64_t after_s,
                            int64_t before_s) const override;
  std::vector<storage_point> query_tier(dimension_handle h, size_t tier,
                                        int64_t after_s,
                                        int64_t before_s) const override;
  size_t tiers() const noexcept override;
  int tier_update_every(dimension_handle h, size_t tier) const override;
  int64_t tier_first_time_s(dimension_handle h, size_t tier) const override;
  int64_t tier_last_time_s(dimension_handle h, size_t tier) const override;
  int64_t tier_stored_first_time_s(dimension_handle h,
                                   size_t tier) const override;
  int64_t tier_stored_last_time_s(dimension_handle h,
                                  size_t tier) const override;
  int64_t first_time_s(dimension_handle h) const override;
  int64_t last_time_s(dimension_handle h) const override;
  int update_every(dimension_handle h) const override;

  /// Writes every partly filled page and the metadata, then syncs the
  /// datafiles written since the last flush.
  error flush() override;

  /// Writes every page; the unfinished buckets stay in a last journal
  /// generation (continued at the next open). Later appends are dropped. A
  /// failed metadata write is not an error here (datafiles describe their
  /// dimensions); unwritten points are.
  error close() override;

  /// Writes the journal batch (or a new journal generation), retries failed
  /// page writes, rewrites changed metadata.
  void maintain() override;
  bool wants_maintenance() const override {
    return true;
  }

  storage_health health() const override;

  // -- introspection (tests, benchmarks)
  // ---------------------------------------

  /// Counters since construction.
  struct statistics {
    uint64_t pages_written = 0;
    /// Page record bytes written, per tier.
    std::array<uint64_t, 3> page_bytes{};
    /// Points written in pages, per tier.
    std::array<uint64_t, 3> points_written{};
    uint64_t cache_hits = 0;
    uint64_t cache_misses = 0;
    uint64_t files_deleted = 0;
    /// Bytes written to the journal (batches and generations).
    uint64_t journal_bytes = 0;
  };

  /// The counters.
  const statistics& stats() const noexcept {
    return stats_;
  }

  /// Bytes of the datafiles of `tier` (headers included).
  uint64_t disk_bytes(size_t tier) const noexcept;

  /// Bytes of decoded pages in the page cache.
  size_t cache_bytes() const noexcept {
    return cache_bytes_;
  }

  /// Damaged pages met by queries after opening and failed writes, each
  /// naming the file and byte offset. Grows; the owner may clear it.
  std::vector<error>& io_errors() const noexcept {
    return io_errors_;
  }

  /// `<directory>/dbengine-t<tier>-<seq>.tdf`.
  std::string datafile_path(size_t tier, uint64_t seq) const;

  /// `<directory>/dbengine-meta.tdm`.
  std::string metadata_path() const;

  /// `<directory>/dbengine-journal.tdj`.
  std::string journal_path() const;

private:
  // -- member types -----------------------------------------------------------

  struct page_ref {
    uint64_t file_seq = 0;
    uint64_t offset = 0;
    uint32_t size = 0;
    int64_t first_s = 0;
    int64_t last_s = 0;
  };

  struct tier_data {
    /// Written pages, oldest first.
    std::vector<page_ref> pages;
    /// The page being filled: tier 0 uses `open`, others `open_tier`.
    open_page open;
    open_tier_page open_tier;
    /// The bucket being aggregated (tiers 1+).
    storage_point acc;
    bool acc_open = false;
    /// Tier 1: a page the killed process wrote after the journal's last
    /// flush sums the points up to this bucket end; sent again (tier 0
    /// lost them), they are not summed twice.
    int64_t summed_until_s = 0;
  };

  struct dim_state {
    std::array<tier_data, 3> t;
    /// Newest appended (or loaded) tier 0 time.
    int64_t last_s = 0;
    int64_t valid_after_s = 0;
    int ue = 1;
  };

  struct datafile {
    uint64_t seq = 0;
    uint64_t size = 0;
  };

  using cache_key = std::tuple<size_t, uint64_t, uint64_t>;
  using cache_entry = std::pair<cache_key, std::shared_ptr<const decoded_page>>;

  // -- helpers
  // ------------------------------------------------------------------

  struct scanned_page {
    size_t tier = 0;
    uint64_t seq = 0;
    uint64_t offset = 0;
    uint32_t size = 0;
    page_header h;
  };

  void load();
  /// Indexes one datafile. The newest datafile of a tier is the one a
  /// crash may have left with a torn tail: that is cut and noted in `torn`,
  /// not reported as damage.
  void scan_datafile(size_t tier, uint64_t seq, bool newest,
                     std::map<uint32_t, dbengine_dimension>& defs,
                     std::vector<scanned_page>& pages, std::string& torn);
  void define(uint32_t id, const dbengine_dimension& d);
  void replay_journal();
  void restore_state(uint32_t id, std::string_view blob);
  std::string encode_state(uint32_t id) const;
  dbengine_dimension describe(uint32_t id) const;
  bool rotate_journal(bool clean = false);
  /// The journal's part of `maintain()`: appends the batch, or starts a new
  /// generation. Returns false if something still waits.
  bool write_journal();
  void note_failure(const error& err);
  void make_room(uint32_t id);
  void trim_written(uint32_t id, bool tiers);
  int64_t bucket_seconds(const dim_state& d, size_t tier) const noexcept;
  void aggregate(uint32_t id, size_t tier, const storage_point& p);
  void close_bucket(uint32_t id, size_t tier);
  error write_page(uint32_t id, size_t tier, bool retry = false);
  error write_metadata();
  void enforce_retention(size_t tier);
  uint64_t datafile_target(size_t tier) const noexcept;
  std::shared_ptr<const decoded_page> load_page(size_t tier,
                                                const page_ref& ref) const;
  const dim_state* state(dimension_handle h) const;

  // -- member variables
  // ---------------------------------------------------------

  filesystem* fs_;
  std::string directory_;
  std::string host_guid_;
  size_t tiers_;
  size_t page_points_;
  page_codec codec_;
  std::array<uint64_t, 3> disk_limit_;
  uint64_t datafile_bytes_;
  uint64_t cache_limit_;
  bool closed_ = false;
  bool meta_dirty_ = false;
  /// The metadata file on disk was read or written whole (it may become
  /// the previous generation).
  bool meta_good_ = false;
  // Crash journal.
  bool journal_on_;
  journal_batch batch_;
  std::vector<bool> journaled_;
  journal_file journal_{true};
  bool replaying_ = false;
  uint64_t snapshot_bytes_ = 0;
  // Dimension records written to the open datafile of each tier.
  std::array<std::vector<bool>, 3> described_;
  // Failed writes.
  bool degraded_ = false;
  std::string last_error_;
  uint64_t failed_writes_ = 0;
  uint64_t dropped_points_ = 0;
  uint64_t open_points_ = 0;
  uint64_t degraded_base_points_ = 0;
  std::vector<dim_state> dims_;
  /// Datafiles per tier, oldest first; the last one is appended to when
  /// `writable_[tier]`.
  std::array<std::vector<datafile>, 3> files_;
  std::array<bool, 3> writable_{};
  std::array<bool, 3> unsynced_{};
  std::array<uint64_t, 3> next_seq_{{1, 1, 1}};
  std::array<uint64_t, 3> disk_bytes_{};
  mutable statistics stats_;
  // The page cache: most recently used first.
  mutable std::list<cache_entry> lru_;
  mutable std::map<cache_key, std::list<cache_entry>::iterator> cache_;
  mutable size_t cache_bytes_ = 0;
  mutable std::vector<error> io_errors_;
};

} // namespace tributary::storage
