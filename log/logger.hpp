#pragma once

#include "log/access_log.hpp"

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

namespace tributary {

/// Severity of a log line, most severe first.
enum class log_level { error, warning, info, debug };

/// Parses "error", "warning", "info" or "debug"; returns false otherwise.
bool parse_log_level(std::string_view text, log_level& out);

/// Peer-controlled text (a hostname, a chart id, the bytes of a bad command)
/// made fit for a log line: bytes that are not printable ASCII nor part of
/// valid UTF-8 become `\xNN`, and text longer than `max` bytes is cut there
/// with a "...[N more bytes]" marker.
std::string log_text(std::string_view text, size_t max = 200);

/// Netdata's `errors flood protection period` and `errors to trigger flood
/// protection` (1.37.1 defaults: 1200 s, 200).
struct flood_protection {
  /// 0 = never throttle.
  int64_t period_s = 1200;
  /// Lines allowed per period; 0 = none at all.
  int64_t threshold = 200;
};

/// Writes log lines to stderr and, once `open_file` succeeded, to a file
/// (Netdata's `error.log` in the log directory). Debian's CAF is built with
/// its logger compiled out, so we keep our own. Thread-safe; one instance is
/// owned by the daemon's main and handed to the actor system config.
class logger {
public:
  logger() = default;
  ~logger();
  logger(const logger&) = delete;
  logger& operator=(const logger&) = delete;

  /// Appends to `path` from now on. Returns false and keeps logging to stderr
  /// only if the file cannot be opened.
  bool open_file(const std::string& path);

  /// Opens the file of `open_file` again (logrotate moved it away): new
  /// lines go to a new file at that path. Returns false and keeps the old
  /// file if it cannot be opened.
  bool reopen();

  /// The file given to `open_file`; empty if none.
  std::string file_path();

  /// The web server's access.log, kept beside the error log so that every
  /// actor that logs can reach it.
  access_log& access() {
    return access_;
  }

  /// Lines above this level are dropped.
  void level(log_level x) {
    level_ = x;
  }

  log_level level() const {
    return level_;
  }

  bool enabled(log_level x) const {
    return x <= level_;
  }

  /// Sends stderr output nowhere (tests that only read the file).
  void quiet(bool x) {
    quiet_ = x;
  }

  /// Error and warning lines beyond `threshold` within `period_s` are
  /// dropped (one line says so); the first line after the period says how
  /// many were dropped.
  void flood(flood_protection x);

  /// Writes one line: "2026-11-25 20:00:00: tributary LEVEL : WHO: TEXT".
  /// `who` names the peer or actor, as Netdata puts the thread/peer first.
  /// `who` and `text` are escaped as log_text does (`who` cut at 300 bytes,
  /// `text` at 4096) whatever the caller passed.
  void write(log_level lvl, std::string_view who, std::string_view text);

private:
  /// Netdata's error_log_limit: true if this line must be dropped; may
  /// write the flood protection's own lines first. REQUIRES: mtx_ held.
  bool flooded(const std::string& stamp);
  void emit(const std::string& line);

  access_log access_;
  std::mutex mtx_;
  std::FILE* file_ = nullptr;
  std::string path_;
  log_level level_ = log_level::info;
  bool quiet_ = false;
  flood_protection flood_;
  int64_t flood_start_s_ = 0;
  int64_t flood_count_ = 0;
  int64_t flood_prevented_ = 0;
};

namespace detail {

inline void append_all(std::ostringstream&) {
  // nop
}

template <class T, class... Ts>
void append_all(std::ostringstream& os, const T& x, const Ts&... xs) {
  os << x;
  append_all(os, xs...);
}

} // namespace detail

/// Concatenates the arguments with operator<< and writes them as one line.
template <class... Ts>
void log(logger& lg, log_level lvl, std::string_view who, const Ts&... xs) {
  if (!lg.enabled(lvl))
    return;
  std::ostringstream os;
  detail::append_all(os, xs...);
  lg.write(lvl, who, os.str());
}

} // namespace tributary

#define TRIBUTARY_LOG_IMPL(lg, lvl, who, ...)                                  \
  ::tributary::log(lg, ::tributary::log_level::lvl, who, __VA_ARGS__)
#define TRIBUTARY_ERROR(lg, who, ...)                                          \
  TRIBUTARY_LOG_IMPL(lg, error, who, __VA_ARGS__)
#define TRIBUTARY_WARN(lg, who, ...)                                           \
  TRIBUTARY_LOG_IMPL(lg, warning, who, __VA_ARGS__)
#define TRIBUTARY_INFO(lg, who, ...)                                           \
  TRIBUTARY_LOG_IMPL(lg, info, who, __VA_ARGS__)
#define TRIBUTARY_DEBUG(lg, who, ...)                                          \
  TRIBUTARY_LOG_IMPL(lg, debug, who, __VA_ARGS__)
