#pragma once

// Netdata's access.log: one block of lines per web request, in its format,
// so that what operators grep for keeps working.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace tributary {

/// One answered request, as the access log tells it.
struct access_entry {
  /// "[ip]:port" (or "[localhost]:0" on a unix socket).
  std::string peer;
  /// The request target as sent (path and query).
  std::string url;
  int code = 0;
  /// Body bytes sent, and before compression (tributary does not compress).
  uint64_t sent_bytes = 0;
  uint64_t all_bytes = 0;
  /// Request read -> answer ready -> handed to the socket, microseconds.
  uint64_t prep_usec = 0;
  uint64_t sent_usec = 0;
};

/// The lines of one request: CONNECTED, DISCONNECTED and DATA, each
/// "<date>: <id>: <tid> '<peer>' ..." (no trailing newline on the last).
std::string access_lines(const access_entry& e, uint64_t id, long tid,
                         const std::string& stamp);

/// The file `[logs] access` names (1.37.1: `[global] access log`); closed
/// for `none`. Thread-safe.
class access_log {
public:
  access_log() = default;
  ~access_log();
  access_log(const access_log&) = delete;
  access_log& operator=(const access_log&) = delete;

  /// Appends to `path` from now on; false if it cannot be opened.
  bool open_file(const std::string& path);

  /// Opens the same path again (logrotate moved the file away); false and
  /// keeps the old file if that fails.
  bool reopen();

  const std::string& file_path() const {
    return path_;
  }

  bool enabled() const {
    return file_ != nullptr;
  }

  void write(const access_entry& e);

private:
  std::mutex mtx_;
  std::FILE* file_ = nullptr;
  std::string path_;
  std::atomic<uint64_t> next_id_{1};
};

} // namespace tributary
