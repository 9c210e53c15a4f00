#pragma once

#include "storage/filesystem.hpp"
#include "storage/journal.hpp"
#include "storage/ram_engine.hpp"

#include <string>

namespace tributary::storage {

/// `memory mode = save`: the ram engine, loaded from one file per host when
/// constructed and written back atomically by `flush()` and `close()`.
/// A missing file starts empty silently; an unreadable, corrupt or foreign
/// (other GUID) file is reported in `diagnostics()` and the engine starts
/// empty (the bad file is replaced at the next save). A leftover
/// `<file>.tmp` from a crash during saving is ignored.
///
/// Every append also goes to a crash journal (`<file>.journal`), written by
/// `maintain()` about once a second and replayed when opening; when the
/// journal outgrows the file, the file is saved and the journal restarts.
class save_engine final : public ram_engine {
public:
  /// Creates the engine, loads `save_file_path(opts)` and replays the
  /// journal.
  explicit save_engine(const engine_options& opts);

  ~save_engine() override;

  dimension_handle add_dimension(const dimension_info& info) override;
  bool append(dimension_handle h, const sample& x) override;
  /// Row by row through `append` (every point is journaled).
  size_t append_rows(const dimension_handle* hs, const sample* xs, size_t rows,
                     size_t width) override;
  error flush() override;
  error close() override;
  void maintain() override;
  bool wants_maintenance() const override {
    return true;
  }
  storage_health health() const override;

  /// `<file>.journal`.
  std::string journal_path() const {
    return path_ + ".journal";
  }

  /// The file this engine loads and writes.
  const std::string& path() const noexcept {
    return path_;
  }

private:
  void load();
  void replay();
  bool rotate();
  void note_failure(const error& err);

  filesystem* fs_;
  std::string directory_;
  std::string path_;
  std::string host_guid_;
  journal_batch batch_;
  std::vector<bool> journaled_;
  journal_file journal_{false};
  bool replaying_ = false;
  uint64_t file_bytes_ = 0;
  uint64_t unsaved_points_ = 0;
  bool degraded_ = false;
  std::string last_error_;
  uint64_t failed_writes_ = 0;
};

/// `<directory>/tributary-<guid or "localhost">.save`.
std::string save_file_path(const engine_options& opts);

} // namespace tributary::storage
