#include "log/logger.hpp"

#include "api/text_fix.hpp"

#include <algorithm>
#include <chrono>
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

std::string log_text(std::string_view text, size_t max) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(text.size(), max) + 24);
  size_t i = 0;
  while (i < text.size() && i < max) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : api::utf8_sequence_length(text.substr(i));
    if (n > 1 && i + n <= max) {
      out.append(text.data() + i, n);
      i += n;
      continue;
    }
    if (n > 1) // a character that would cross the cut
      break;
    if (n == 1 && c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
    ++i;
  }
  if (i < text.size())
    out += "...[" + std::to_string(text.size() - i) + " more bytes]";
  return out;
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
  case log_level::error:
    return "ERROR";
  case log_level::warning:
    return "WARNING";
  case log_level::info:
    return "INFO";
  case log_level::debug:
    return "DEBUG";
  }
  return "?";
}

} // namespace

void logger::flood(flood_protection x) {
  std::lock_guard<std::mutex> guard{mtx_};
  flood_ = x;
}

void logger::emit(const std::string& line) {
  if (!quiet_)
    std::fwrite(line.data(), 1, line.size(), stderr);
  if (file_ != nullptr) {
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
  }
}

bool logger::flooded(const std::string& stamp) {
  if (flood_.period_s <= 0)
    return false;
  if (flood_.threshold <= 0)
    return true;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
                 .count();
  if (flood_start_s_ == 0)
    flood_start_s_ = now;
  ++flood_count_;
  if (now - flood_start_s_ > flood_.period_s) {
    if (flood_prevented_ > 0)
      emit(stamp
           + ": tributary LOG FLOOD PROTECTION resuming logging from "
             "process 'tributary' (prevented "
           + std::to_string(flood_prevented_) + " logs in the last "
           + std::to_string(flood_.period_s) + " seconds).\n");
    flood_start_s_ = now;
    flood_count_ = 1;
    flood_prevented_ = 0;
    return false;
  }
  if (flood_count_ <= flood_.threshold)
    return false;
  if (flood_prevented_++ == 0)
    emit(stamp + ": tributary LOG FLOOD PROTECTION too many logs ("
         + std::to_string(flood_count_) + " logs in "
         + std::to_string(now - flood_start_s_)
         + " seconds, threshold is set to " + std::to_string(flood_.threshold)
         + " logs in " + std::to_string(flood_.period_s)
         + " seconds). Preventing more logs from process 'tributary' for "
         + std::to_string(flood_start_s_ + flood_.period_s - now)
         + " seconds.\n");
  return true;
}

void logger::write(log_level lvl, std::string_view who, std::string_view text) {
  char stamp[32];
  auto now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
  auto safe_who = log_text(who, 300);
  auto safe_text = log_text(text, 4096);
  std::string line;
  line.reserve(48 + safe_who.size() + safe_text.size());
  line += stamp;
  line += ": tributary ";
  line += level_name(lvl);
  line += " : ";
  // Netdata's lines read "STREAM host [receive from [ip]:port]: message":
  // keep that text intact so that operators' greps keep working.
  line += safe_who;
  line += ": ";
  line += safe_text;
  line += '\n';
  std::lock_guard<std::mutex> guard{mtx_};
  // Netdata counts info lines too; tributary throttles only what is
  // likely to repeat (errors and warnings), so that a flood of bad peers
  // never hides the history of connections.
  if ((lvl == log_level::error || lvl == log_level::warning) && flooded(stamp))
    return;
  emit(line);
}

} // namespace tributary
