#include "log/access_log.hpp"

#include "log/logger.hpp"

#include <ctime>
#include <sys/syscall.h>
#include <unistd.h>

namespace tributary {

std::string access_lines(const access_entry& e, uint64_t id, long tid,
                         const std::string& stamp) {
  auto head = stamp + ": " + std::to_string(id) + ": " + std::to_string(tid)
              + " '" + log_text(e.peer) + "' ";
  char data[160];
  std::snprintf(data, sizeof(data),
                "'DATA' (sent/all = %llu/%llu bytes -0%%, prep/sent/total = "
                "%0.2f/%0.2f/%0.2f ms) %d '",
                static_cast<unsigned long long>(e.sent_bytes),
                static_cast<unsigned long long>(e.all_bytes),
                static_cast<double>(e.prep_usec) / 1000.0,
                static_cast<double>(e.sent_usec) / 1000.0,
                static_cast<double>(e.prep_usec + e.sent_usec) / 1000.0,
                e.code);
  return head + "'CONNECTED'\n" + head + "'DISCONNECTED'\n" + head + data
         + log_text(e.url, 4000) + "'";
}

access_log::~access_log() {
  if (file_)
    std::fclose(file_);
}

bool access_log::open_file(const std::string& path) {
  auto* f = std::fopen(path.c_str(), "a");
  if (!f)
    return false;
  std::lock_guard<std::mutex> guard{mtx_};
  if (file_)
    std::fclose(file_);
  file_ = f;
  path_ = path;
  return true;
}

bool access_log::reopen() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (path_.empty())
    return true;
  auto* f = std::fopen(path_.c_str(), "a");
  if (!f)
    return false;
  if (file_)
    std::fclose(file_);
  file_ = f;
  return true;
}

void access_log::write(const access_entry& e) {
  auto now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
  auto tid = static_cast<long>(::syscall(SYS_gettid));
  auto text = access_lines(e, next_id_++, tid, stamp) + "\n";
  std::lock_guard<std::mutex> guard{mtx_};
  if (!file_)
    return;
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

} // namespace tributary
