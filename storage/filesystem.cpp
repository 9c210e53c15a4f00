#include "storage/filesystem.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tributary::storage {

filesystem::~filesystem() = default;

filesystem::mapping::~mapping() = default;

namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

// Writes all of `data`, counting the bytes written in `done`; false (with
// errno) when a write fails.
bool write_all(int fd, const std::string& data, size_t& done) {
  while (done < data.size()) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string parent_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos)
    return ".";
  if (pos == 0)
    return "/";
  return path.substr(0, pos);
}

class posix_mapping final : public filesystem::mapping {
public:
  posix_mapping(std::string path, char* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {
    // nop
  }

  ~posix_mapping() override {
    if (data_ != nullptr)
      ::munmap(data_, size_);
  }

  char* data() noexcept override {
    return data_;
  }

  size_t size() const noexcept override {
    return size_;
  }

  error sync() override {
    if (::msync(data_, size_, MS_SYNC) != 0)
      return {ec::io_error, errno_text("cannot msync", path_)};
    return {};
  }

private:
  std::string path_;
  char* data_;
  size_t size_;
};

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
        auto err
            = error{ec::io_error, errno_text("cannot read", path), out.size()};
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
    int fd
        = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      return {ec::io_error, errno_text("cannot create", tmp)};
    size_t done = 0;
    if (!write_all(fd, data, done)) {
      error err{ec::io_error, errno_text("cannot write", tmp), done};
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
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

  expected<std::string> read_range(const std::string& path, uint64_t offset,
                                   size_t size) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT)
        return error{ec::not_found, "no such file '" + path + "'"};
      return error{ec::io_error, errno_text("cannot open", path)};
    }
    std::string out(size, '\0');
    size_t done = 0;
    while (done < size) {
      auto n = ::pread(fd, out.data() + done, size - done,
                       static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        auto err = error{ec::io_error, errno_text("cannot read", path),
                         static_cast<size_t>(offset + done)};
        ::close(fd);
        return err;
      }
      if (n == 0)
        break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    out.resize(done);
    return out;
  }

  error append(const std::string& path, const std::string& data) override {
    bool created = false;
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
      fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
      created = fd >= 0;
    }
    if (fd < 0)
      return {ec::io_error, errno_text("cannot open", path)};
    struct stat st;
    off_t old_size = ::fstat(fd, &st) == 0 ? st.st_size : -1;
    size_t done = 0;
    if (!write_all(fd, data, done)) {
      error err{ec::io_error, errno_text("cannot write", path), done};
      // Leave no torn record and no empty file behind (disk full).
      if (created)
        ::unlink(path.c_str());
      else if (old_size >= 0 && ::ftruncate(fd, old_size) != 0)
        err.message += " (and cannot cut it back)";
      ::close(fd);
      return err;
    }
    ::close(fd);
    return {};
  }

  error truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0)
      return {ec::io_error, errno_text("cannot truncate", path)};
    return {};
  }

  error sync(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return {ec::io_error, errno_text("cannot open", path)};
    auto rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0)
      return {ec::io_error, errno_text("cannot sync", path)};
    return {};
  }

  expected<uint64_t> file_size(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT)
        return error{ec::not_found, "no such file '" + path + "'"};
      return error{ec::io_error, errno_text("cannot stat", path)};
    }
    return static_cast<uint64_t>(st.st_size);
  }

  expected<std::vector<std::string>> list(const std::string& dir) override {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT)
        return out;
      return error{ec::io_error, errno_text("cannot list", dir)};
    }
    while (auto* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..")
        continue;
      struct stat st;
      auto full = dir + "/" + name;
      if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        out.push_back(std::move(name));
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }

  error remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return {ec::io_error, errno_text("cannot remove", path)};
    return {};
  }

  error rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      if (errno == ENOENT)
        return {ec::not_found, "no such file '" + from + "'"};
      return {ec::io_error, errno_text("cannot rename to", to)};
    }
    return {};
  }

  expected<std::unique_ptr<mapping>> map(const std::string& path,
                                         size_t size) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return error{ec::io_error, errno_text("cannot open", path)};
    struct stat st;
    if (::fstat(fd, &st) != 0
        || (static_cast<size_t>(st.st_size) < size
            && ::ftruncate(fd, static_cast<off_t>(size)) != 0)) {
      auto err = error{ec::io_error, errno_text("cannot resize", path)};
      ::close(fd);
      return err;
    }
    // Reserve the blocks now: a store into a hole of a full disk is SIGBUS.
    if (auto rc = ::posix_fallocate(fd, 0, static_cast<off_t>(size));
        rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
      errno = rc;
      auto err
          = error{ec::io_error, errno_text("cannot reserve space for", path)};
      ::close(fd);
      if (static_cast<size_t>(st.st_size) == 0)
        ::unlink(path.c_str());
      return err;
    }
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED)
      return error{ec::io_error, errno_text("cannot mmap", path)};
    return std::unique_ptr<mapping>{
        new posix_mapping(path, static_cast<char*>(p), size)};
  }
};

} // namespace

filesystem& posix_filesystem() {
  static posix_fs instance; // stateless
  return instance;
}

error write_atomic_in_parts(filesystem& fs, const std::string& path,
                            const std::function<bool(std::string&)>& next) {
  auto tmp = path + ".tmp";
  // A temp file left by a crash must not become the start of this one.
  if (auto err = fs.remove(tmp))
    return err;
  auto fail = [&](error err) {
    fs.remove(tmp);
    return err;
  };
  std::string part;
  bool more = true;
  bool first = true;
  while (more) {
    part.clear();
    more = next(part);
    if (part.empty() && !first)
      continue;
    first = false;
    if (auto err = fs.append(tmp, part))
      return fail(err);
  }
  if (auto err = fs.sync(tmp))
    return fail(err);
  if (auto err = fs.rename(tmp, path))
    return fail(err);
  // As write_atomic: the rename is durable once the directory is synced; a
  // directory that cannot be synced leaves the file as good as written.
  fs.sync(parent_of(path));
  return {};
}

} // namespace tributary::storage
