#pragma once

#include "protocol/error.hpp"

#include <map>
#include <string>

namespace tributary::storage {

/// The seam between storage engines and the disk, so tests can run on an
/// in-memory filesystem and inject faults (LevelDB's Env idea, reduced to
/// what the engines need).
class filesystem {
public:
  virtual ~filesystem();

  /// Reads a whole file; `ec::not_found` if it does not exist, `ec::io_error`
  /// on other failures.
  virtual expected<std::string> read(const std::string& path) = 0;

  /// Replaces `path` with `data` atomically: writes `path + ".tmp"`, syncs
  /// it, renames it over `path` and syncs the directory. After a crash, the
  /// old or the new file exists; a stray ".tmp" may be left behind.
  virtual error write_atomic(const std::string& path,
                             const std::string& data) = 0;

  /// Creates `path` and its parents if missing.
  virtual error make_directories(const std::string& path) = 0;
};

/// The real filesystem (POSIX calls).
filesystem& posix_filesystem();

/// A filesystem held in a map; for tests.
class memory_filesystem final : public filesystem {
public:
  expected<std::string> read(const std::string& path) override;
  error write_atomic(const std::string& path,
                     const std::string& data) override;
  error make_directories(const std::string& path) override;

  /// The files, by path; tests may edit them directly (flip bytes,
  /// truncate, leave temp files behind).
  std::map<std::string, std::string> files;

  /// When set, `write_atomic` fails with `ec::io_error` (disk full).
  bool fail_writes = false;
};

} // namespace tributary::storage
