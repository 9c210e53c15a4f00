#include "collectors/procfile.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace tributary::procfs {

bool read_file(const std::string& path, std::string& out) {
  // POSIX reads: some /sys attributes fail with EINVAL at read(), which
  // must read as "unavailable", not throw.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  out.clear();
  char buf[4096];
  bool ok = true;
  for (;;) {
    auto n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      ok = false;
      break;
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return ok;
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), R_OK) == 0;
}

std::vector<line_words> split(std::string_view text, std::string_view seps) {
  std::vector<line_words> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string_view::npos)
      eol = text.size();
    auto line = text.substr(pos, eol - pos);
    line_words ws;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && seps.find(line[i]) != std::string_view::npos)
        ++i;
      size_t start = i;
      while (i < line.size() && seps.find(line[i]) == std::string_view::npos)
        ++i;
      if (i > start)
        ws.push_back(line.substr(start, i - start));
    }
    lines.push_back(std::move(ws));
    pos = eol + 1;
  }
  return lines;
}

std::string_view word(const line_words& ws, size_t i) {
  return i < ws.size() ? ws[i] : std::string_view{};
}

/// Netdata's str2ull: leading decimal digits, anything else ends the number
/// ("-1" reads as 0).
uint64_t str2ull(std::string_view s) {
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      break;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

int64_t num(std::string_view s) {
  return static_cast<int64_t>(str2ull(s));
}

double str2d(std::string_view s) {
  std::string tmp{s};
  return std::strtod(tmp.c_str(), nullptr);
}

/// Netdata's read_single_number_file: false if unreadable.
bool read_number(const std::string& path, uint64_t& value) {
  std::string text;
  if (!read_file(path, text))
    return false;
  value = str2ull(text);
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size()
         && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view s) {
  while (!s.empty()
         && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'
             || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty()
         && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'
             || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

} // namespace tributary::procfs
