// The in-memory filesystem the tests use in place of the disk.

#include "storage/filesystem.hpp"

#include <algorithm>

namespace tributary::storage {

expected<std::string> memory_filesystem::read(const std::string& path) {
  auto i = files.find(path);
  if (i == files.end())
    return error{ec::not_found, "no such file '" + path + "'"};
  return i->second;
}

error memory_filesystem::write_atomic(const std::string& path,
                                      const std::string& data) {
  if (fail_writes) {
    ++failed_writes;
    return {ec::io_error, "cannot write '" + path + ".tmp': No space left"};
  }
  files[path] = data;
  return {};
}

error memory_filesystem::make_directories(const std::string&) {
  return {};
}

namespace {

std::string dir_prefix(const std::string& dir) {
  if (!dir.empty() && dir.back() == '/')
    return dir;
  return dir + "/";
}

class memory_mapping final : public filesystem::mapping {
public:
  explicit memory_mapping(std::string& bytes) : bytes_(bytes) {
    // nop
  }

  char* data() noexcept override {
    return bytes_.data();
  }

  size_t size() const noexcept override {
    return bytes_.size();
  }

  error sync() override {
    return {};
  }

private:
  std::string& bytes_;
};

} // namespace

expected<std::string> memory_filesystem::read_range(const std::string& path,
                                                    uint64_t offset,
                                                    size_t size) {
  auto i = files.find(path);
  if (i == files.end())
    return error{ec::not_found, "no such file '" + path + "'"};
  if (offset >= i->second.size())
    return std::string{};
  return i->second.substr(static_cast<size_t>(offset), size);
}

error memory_filesystem::append(const std::string& path,
                                const std::string& data) {
  if (fail_writes) {
    ++failed_writes;
    return {ec::io_error, "cannot write '" + path + "': No space left"};
  }
  files[path] += data;
  return {};
}

error memory_filesystem::truncate(const std::string& path, uint64_t size) {
  auto i = files.find(path);
  if (i == files.end())
    return {ec::io_error, "cannot truncate '" + path + "': no such file"};
  if (size < i->second.size())
    i->second.resize(static_cast<size_t>(size));
  return {};
}

error memory_filesystem::sync(const std::string& path) {
  ++syncs;
  if (files.count(path) == 0)
    return {ec::io_error, "cannot open '" + path + "'"};
  return {};
}

expected<uint64_t> memory_filesystem::file_size(const std::string& path) {
  auto i = files.find(path);
  if (i == files.end())
    return error{ec::not_found, "no such file '" + path + "'"};
  return static_cast<uint64_t>(i->second.size());
}

expected<std::vector<std::string>>
memory_filesystem::list(const std::string& dir) {
  std::vector<std::string> out;
  auto prefix = dir_prefix(dir);
  for (auto i = files.lower_bound(prefix);
       i != files.end() && i->first.compare(0, prefix.size(), prefix) == 0;
       ++i) {
    auto rest = i->first.substr(prefix.size());
    if (rest.find('/') == std::string::npos)
      out.push_back(rest);
  }
  return out;
}

error memory_filesystem::remove(const std::string& path) {
  files.erase(path);
  return {};
}

error memory_filesystem::rename(const std::string& from,
                                const std::string& to) {
  auto i = files.find(from);
  if (i == files.end())
    return {ec::not_found, "no such file '" + from + "'"};
  auto bytes = std::move(i->second);
  files.erase(i);
  files[to] = std::move(bytes);
  return {};
}

expected<std::unique_ptr<filesystem::mapping>>
memory_filesystem::map(const std::string& path, size_t size) {
  if (fail_writes && files[path].size() < size) {
    ++failed_writes;
    if (files[path].empty())
      files.erase(path);
    return error{ec::io_error,
                 "cannot reserve space for '" + path + "': No space left"};
  }
  auto& bytes = files[path];
  if (bytes.size() < size)
    bytes.resize(size, '\0');
  return std::unique_ptr<mapping>{new memory_mapping(bytes)};
}

} // namespace tributary::storage
