#pragma once

#include "storage/dbengine_format.hpp"
#include "storage/dimension_registry.hpp"
#include "storage/engine.hpp"
#include "storage/filesystem.hpp"

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
/// A process killed at any time loses at most the points of pages not yet
/// written; aggregates of unfinished buckets are written by `close()` only.
///
/// Unlike the ring modes, a sample at or before the newest stored time of
/// its dimension is dropped (pages are immutable).
class dbengine final : public engine {
public:
  /// Opens (or creates) the files in `opts.directory`; problems go to
  /// `diagnostics()`, damaged pages are skipped.
  explicit dbengine(const engine_options& opts);

  ~dbengine() override;

  memory_mode mode() const noexcept override;
  dimension_handle add_dimension(const dimension_info& info) override;
  dimension_handle find(const dimension_key& key) const override;
  const dimension_info* info(dimension_handle h) const override;
  std::vector<dimension_handle> dimensions() const override;
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
  int64_t first_time_s(dimension_handle h) const override;
  int64_t last_time_s(dimension_handle h) const override;
  int update_every(dimension_handle h) const override;

  /// Writes every partly filled page and the metadata, then syncs the
  /// datafiles written since the last flush.
  error flush() override;

  /// Also writes the aggregates of unfinished buckets; later appends are
  /// dropped.
  error close() override;

  // -- introspection (tests, benchmarks) ---------------------------------------

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
    /// The page being filled: tier 0 uses times/values, others points.
    std::vector<int64_t> times;
    std::vector<storage_number> values;
    std::vector<storage_point> points;
    /// The bucket being aggregated (tiers 1+).
    storage_point acc;
    bool acc_open = false;
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

  // -- helpers ------------------------------------------------------------------

  void load();
  void load_datafile(size_t tier, uint64_t seq);
  int64_t bucket_seconds(const dim_state& d, size_t tier) const noexcept;
  void aggregate(uint32_t id, size_t tier, const storage_point& p);
  void close_bucket(uint32_t id, size_t tier);
  error write_page(uint32_t id, size_t tier);
  error write_metadata();
  void enforce_retention(size_t tier);
  uint64_t datafile_target(size_t tier) const noexcept;
  std::shared_ptr<const decoded_page> load_page(size_t tier,
                                                const page_ref& ref) const;
  const dim_state* state(dimension_handle h) const;

  // -- member variables ---------------------------------------------------------

  filesystem* fs_;
  std::string directory_;
  std::string host_guid_;
  int default_ue_;
  size_t tiers_;
  size_t page_points_;
  page_codec codec_;
  std::array<uint64_t, 3> disk_limit_;
  uint64_t datafile_bytes_;
  uint64_t cache_limit_;
  bool closed_ = false;
  bool meta_dirty_ = false;
  dimension_registry registry_;
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
