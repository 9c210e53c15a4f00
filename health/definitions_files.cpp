// Which health.d files are read, in which order: user files first, then the
// stock files the user did not override (docs/health.md "health.d files").

#include "health/definitions.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

namespace tributary::health {

namespace {

namespace fs = std::filesystem;

bool is_conf_name(const std::string& name) {
  constexpr std::string_view suffix = ".conf";
  return name.size() > suffix.size()
         && name.compare(name.size() - suffix.size(), suffix.size(), suffix)
                == 0;
}

struct dir_entry {
  std::string name;
  bool is_dir;
};

/// Sorted entries of `dir`; nullopt if it cannot be listed.
std::optional<std::vector<dir_entry>> list_dir(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it{dir, ec};
  if (ec)
    return std::nullopt;
  std::vector<dir_entry> result;
  for (; it != fs::directory_iterator{}; it.increment(ec)) {
    if (ec)
      break;
    std::error_code ec2;
    bool is_dir = it->is_directory(ec2);
    result.push_back({it->path().filename().string(), is_dir});
  }
  std::sort(result.begin(), result.end(),
            [](const auto& x, const auto& y) { return x.name < y.name; });
  return result;
}

void load_file(load_result& out, const fs::path& path,
               const load_options& opts) {
  auto name = path.string();
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    out.diagnostics.push_back(
        {name, 0, diagnostic::error, "cannot read file; skipped"});
    return;
  }
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  out.files.push_back(name);
  parse_health_text(out, text, name, opts);
}

void load_pair(load_result& out, const fs::path& user, const fs::path& stock,
               bool enable_stock, int depth, const load_options& opts) {
  constexpr int max_depth = 3;
  auto user_entries = list_dir(user);
  std::set<std::string> user_files;
  std::set<std::string> user_dirs;
  if (user_entries) {
    for (const auto& e : *user_entries) {
      if (e.is_dir) {
        user_dirs.insert(e.name);
        if (depth < max_depth)
          load_pair(out, user / e.name, stock / e.name, enable_stock, depth + 1,
                    opts);
      } else {
        user_files.insert(e.name);
        if (is_conf_name(e.name))
          load_file(out, user / e.name, opts);
      }
    }
  }
  if (!enable_stock)
    return;
  auto stock_entries = list_dir(stock);
  if (!stock_entries)
    return;
  for (const auto& e : *stock_entries) {
    if (e.is_dir) {
      if (depth < max_depth && user_dirs.count(e.name) == 0)
        load_pair(out, user / e.name, stock / e.name, enable_stock, depth + 1,
                  opts);
    } else if (is_conf_name(e.name) && user_files.count(e.name) == 0) {
      load_file(out, stock / e.name, opts);
    }
  }
}

} // namespace

load_result load_health_dirs(const std::string& user_dir,
                             const std::string& stock_dir, bool enable_stock,
                             const load_options& opts) {
  load_result result;
  std::error_code ec;
  if (!fs::is_directory(user_dir, ec))
    result.diagnostics.push_back(
        {user_dir, 0, diagnostic::note,
         "user health configuration directory not found"});
  // Without Netdata's package there are no stock files: worth a note, not
  // an error that would fail check-config on every such machine.
  if (enable_stock && !fs::is_directory(stock_dir, ec))
    result.diagnostics.push_back(
        {stock_dir, 0, diagnostic::note,
         "stock health configuration directory not found"});
  load_pair(result, user_dir, stock_dir, enable_stock, 0, opts);
  return result;
}

} // namespace tributary::health
