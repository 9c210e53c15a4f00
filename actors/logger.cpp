#include "actors/logger.hpp"

#include <cstdio>
#include <ctime>

namespace tributary {

bool parse_log_level(std::string_view text, log_level& out) {
  if (text == "error")
    out = log_level::error;
  else if (text == "warning")
    out = log_level::warning;
  else if (text == "info")
    out = log_level::info;
  else if (text == "debug")
    out = log_level::debug;
  else
    return false;
  return true;
}

logger::~logger() {
  if (file_ != nullptr)
    std::fclose(file_);
}

bool logger::open_file(const std::string& path) {
  auto* f = std::fopen(path.c_str(), "a");
  if (f == nullptr)
    return false;
  std::lock_guard<std::mutex> guard{mtx_};
  if (file_ != nullptr)
    std::fclose(file_);
  file_ = f;
  path_ = path;
  return true;
}

bool logger::reopen() {
  auto path = file_path();
  if (path.empty())
    return false;
  return open_file(path);
}

std::string logger::file_path() {
  std::lock_guard<std::mutex> guard{mtx_};
  return path_;
}

namespace {

const char* level_name(log_level x) {
  switch (x) {
    case log_level::error: return "ERROR";
    case log_level::warning: return "WARNING";
    case log_level::info: return "INFO";
    case log_level::debug: return "DEBUG";
  }
  return "?";
}

} // namespace

void logger::write(log_level lvl, std::string_view who, std::string_view text) {
  char stamp[32];
  auto now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
  std::string line;
  line.reserve(48 + who.size() + text.size());
  line += stamp;
  line += ": tributary ";
  line += level_name(lvl);
  line += " : ";
  // Netdata's lines read "STREAM host [receive from [ip]:port]: message":
  // keep that text intact so that operators' greps keep working.
  line += who;
  line += ": ";
  line += text;
  line += '\n';
  std::lock_guard<std::mutex> guard{mtx_};
  if (!quiet_)
    std::fwrite(line.data(), 1, line.size(), stderr);
  if (file_ != nullptr) {
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
  }
}

} // namespace tributary
