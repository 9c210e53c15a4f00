#pragma once

#include "storage/filesystem.hpp"
#include "storage/ram_engine.hpp"

#include <string>

namespace tributary::storage {

/// `memory mode = save`: the ram engine, loaded from one file per host when
/// constructed and written back atomically by `flush()` and `close()`.
/// A missing file starts empty silently; an unreadable, corrupt or foreign
/// (other GUID) file is reported in `diagnostics()` and the engine starts
/// empty (the bad file is replaced at the next save). A leftover
/// `<file>.tmp` from a crash during saving is ignored.
class save_engine final : public ram_engine {
public:
  /// Creates the engine and loads `save_file_path(opts)`.
  explicit save_engine(const engine_options& opts);

  ~save_engine() override;

  error flush() override;
  error close() override;

  /// The file this engine loads and writes.
  const std::string& path() const noexcept {
    return path_;
  }

private:
  void load();

  filesystem* fs_;
  std::string directory_;
  std::string path_;
  std::string host_guid_;
};

/// `<directory>/tributary-<guid or "localhost">.save`.
std::string save_file_path(const engine_options& opts);

} // namespace tributary::storage
