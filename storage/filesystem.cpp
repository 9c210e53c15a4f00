#include "storage/filesystem.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tributary::storage {

filesystem::~filesystem() {
  // nop
}

namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

std::string parent_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos)
    return ".";
  if (pos == 0)
    return "/";
  return path.substr(0, pos);
}

class posix_fs final : public filesystem {
public:
  expected<std::string> read(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT)
        return error{ec::not_found, "no such file '" + path + "'"};
      return error{ec::io_error, errno_text("cannot open", path)};
    }
    std::string out;
    char buf[65536];
    for (;;) {
      auto n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        auto err = error{ec::io_error, errno_text("cannot read", path),
                         out.size()};
        ::close(fd);
        return err;
      }
      if (n == 0)
        break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  error write_atomic(const std::string& path,
                     const std::string& data) override {
    auto tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                    0644);
    if (fd < 0)
      return {ec::io_error, errno_text("cannot create", tmp)};
    size_t done = 0;
    while (done < data.size()) {
      auto n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        error err{ec::io_error, errno_text("cannot write", tmp), done};
        ::close(fd);
        ::unlink(tmp.c_str());
        return err;
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
      error err{ec::io_error, errno_text("cannot sync", tmp)};
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      error err{ec::io_error, errno_text("cannot rename to", path)};
      ::unlink(tmp.c_str());
      return err;
    }
    auto dir = parent_of(path);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return {};
  }

  error make_directories(const std::string& path) override {
    if (path.empty())
      return {};
    std::string cur;
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      cur = path.substr(0, pos);
      if (cur.empty())
        continue;
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
        return {ec::io_error, errno_text("cannot create directory", cur)};
    }
    return {};
  }
};

} // namespace

filesystem& posix_filesystem() {
  static posix_fs instance; // stateless
  return instance;
}

expected<std::string> memory_filesystem::read(const std::string& path) {
  auto i = files.find(path);
  if (i == files.end())
    return error{ec::not_found, "no such file '" + path + "'"};
  return i->second;
}

error memory_filesystem::write_atomic(const std::string& path,
                                      const std::string& data) {
  if (fail_writes)
    return {ec::io_error, "cannot write '" + path + ".tmp': No space left"};
  files[path] = data;
  return {};
}

error memory_filesystem::make_directories(const std::string&) {
  return {};
}

} // namespace tributary::storage
