#pragma once

#include "base/error.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
  virtual error write_atomic(const std::string& path, const std::string& data)
      = 0;

  /// Creates `path` and its parents if missing.
  virtual error make_directories(const std::string& path) = 0;

  // -- append-only files and directories (dbengine, map) ---------------------

  /// Reads up to `size` bytes at `offset`; fewer at the end of the file.
  virtual expected<std::string> read_range(const std::string& path,
                                           uint64_t offset, size_t size)
      = 0;

  /// Appends `data` to `path`, creating it if missing. A process killed
  /// during the call may leave a prefix of `data` in the file (the kernel
  /// ends a write between pages when a fatal signal arrives); readers cut
  /// such a torn tail (`truncate`). A failed append (disk full) leaves the
  /// file as it was: cut back to its old size, or removed if this call
  /// created it.
  virtual error append(const std::string& path, const std::string& data) = 0;

  /// Cuts `path` back to its first `size` bytes.
  virtual error truncate(const std::string& path, uint64_t size) = 0;

  /// Makes the content of `path` durable (fsync).
  virtual error sync(const std::string& path) = 0;

  /// The size of `path`; `ec::not_found` if it does not exist.
  virtual expected<uint64_t> file_size(const std::string& path) = 0;

  /// The names (not paths) of the regular files in `dir`, sorted; empty if
  /// `dir` does not exist.
  virtual expected<std::vector<std::string>> list(const std::string& dir) = 0;

  /// Deletes `path`; a missing file is not an error.
  virtual error remove(const std::string& path) = 0;

  /// Renames `from` over `to`; `ec::not_found` if `from` does not exist.
  virtual error rename(const std::string& from, const std::string& to) = 0;

  /// A file mapped into memory (shared: stores reach the file without
  /// further calls). Valid until destroyed.
  class mapping {
  public:
    virtual ~mapping();
    /// The mapped bytes.
    virtual char* data() noexcept = 0;
    /// Number of mapped bytes.
    virtual size_t size() const noexcept = 0;
    /// Writes dirty pages back and waits for them (msync).
    virtual error sync() = 0;
  };

  /// Maps the first `size` bytes of `path`, creating the file or extending
  /// it with zero bytes if it is shorter. The space is reserved on disk, so
  /// a full disk fails here and not later with SIGBUS.
  virtual expected<std::unique_ptr<mapping>> map(const std::string& path,
                                                 size_t size)
      = 0;
};

/// `fs.write_atomic(path, ...)` of the parts `next` hands out, one at a time,
/// so that a large file is never held whole: `next` fills its argument (an
/// empty string) with the next part and returns false with the last one.
/// The same steps and guarantees, built from `append`, `sync` and `rename`
/// of `path + ".tmp"`; a failed part removes the temp file.
error write_atomic_in_parts(filesystem& fs, const std::string& path,
                            const std::function<bool(std::string&)>& next);

/// The real filesystem (POSIX calls).
filesystem& posix_filesystem();

/// A filesystem held in a map; for tests.
class memory_filesystem final : public filesystem {
public:
  expected<std::string> read(const std::string& path) override;
  error write_atomic(const std::string& path, const std::string& data) override;
  error make_directories(const std::string& path) override;
  expected<std::string> read_range(const std::string& path, uint64_t offset,
                                   size_t size) override;
  error append(const std::string& path, const std::string& data) override;
  error truncate(const std::string& path, uint64_t size) override;
  error sync(const std::string& path) override;
  expected<uint64_t> file_size(const std::string& path) override;
  expected<std::vector<std::string>> list(const std::string& dir) override;
  error remove(const std::string& path) override;
  error rename(const std::string& from, const std::string& to) override;
  expected<std::unique_ptr<mapping>> map(const std::string& path,
                                         size_t size) override;

  /// The files, by path; tests may edit them directly (flip bytes,
  /// truncate, leave temp files behind).
  std::map<std::string, std::string> files;

  /// When set, `write_atomic`, `append` and `map` fail with `ec::io_error`
  /// (disk full) and leave no file behind.
  bool fail_writes = false;

  /// Number of failed writes so far.
  size_t failed_writes = 0;

  /// Number of `sync` calls so far.
  size_t syncs = 0;
};

} // namespace tributary::storage
