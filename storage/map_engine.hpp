#pragma once

#include "storage/dimension_ring.hpp"
#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/registered_engine.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tributary::storage {

/// `memory mode = map`: one memory-mapped file per dimension in
/// `engine_options::directory`, holding a 4 KiB header and the ring of
/// `aligned_history(map, history)` storage numbers (Netdata's layout idea;
/// format: docs/storage.md, "Map files"). Every append lands in the shared
/// mapping, so the kernel writes it back without our help and a killed
/// process loses nothing; `flush()` marks the files clean with a checksum of
/// the slots and msyncs them.
///
/// Opening loads every file in the directory. A truncated file, a checksum
/// mismatch (header, position block, or the slots of a cleanly closed file)
/// or a foreign file is reported in `diagnostics()` with its path and byte
/// offset, deleted, and the dimension starts empty when it is added again.
class map_engine final : public registered_engine {
public:
  explicit map_engine(const engine_options& opts);

  ~map_engine() override;

  memory_mode mode() const noexcept override;
  dimension_handle add_dimension(const dimension_info& info) override;
  bool append(dimension_handle h, const sample& x) override;
  std::vector<sample> query(dimension_handle h, int64_t after_s,
                            int64_t before_s) const override;
  int64_t first_time_s(dimension_handle h) const override;
  int64_t last_time_s(dimension_handle h) const override;
  error flush() override;
  error close() override;

  /// Degraded while some dimension lives in memory only (its file could
  /// not be created: disk full); those points die with the process.
  storage_health health() const override;
  bool wants_maintenance() const override {
    return true; // health() names files that could not be mapped
  }

  /// The file of `key`: `<directory>/<chart>.<dim>-<crc32c>.tmap` with
  /// characters outside [A-Za-z0-9_-] replaced by '_'.
  std::string path_of(const dimension_key& key) const;

private:
  struct dim {
    std::string path;
    /// nullptr when the file could not be mapped (the ring is in memory).
    std::unique_ptr<filesystem::mapping> file;
    dimension_ring ring;
    bool clean = false;
  };

  void load();
  bool load_file(const std::string& name);
  dim open_dimension(const dimension_info& info);
  void write_header(dim& d, const dimension_info& info);
  void write_position(dim& d, bool clean);

  filesystem* fs_;
  std::string directory_;
  size_t slots_;
  bool closed_ = false;
  std::string last_error_;
  uint64_t failed_writes_ = 0;
  std::vector<dim> dims_;
};

} // namespace tributary::storage
