#include "api/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace tributary::api {

namespace fs = std::filesystem;

namespace {

/// True when `path` is `root` or below it (both canonical).
bool is_inside(const fs::path& root, const fs::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p)
    if (p == path.end() || *r != *p)
      return false;
  return true;
}

static_lookup refused(std::string reason) {
  return {403, {}, std::move(reason)};
}

} // namespace

static_lookup resolve_static_path(std::string_view web_root,
                                  std::string_view url_path) {
  if (web_root.empty())
    return {404, {}, "no web files directory"};
  if (url_path.empty() || url_path.front() != '/')
    return refused("the path does not start with '/'");
  if (url_path.find('\0') != std::string_view::npos
      || url_path.find('\\') != std::string_view::npos)
    return refused("the path holds a NUL byte or a backslash");
  std::string relative;
  std::string_view rest = url_path.substr(1);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    if (segment == ".." || segment == ".")
      return refused("the path holds a '" + std::string{segment} + "' segment");
    if (!segment.empty()) {
      if (!relative.empty())
        relative += '/';
      relative += segment;
    }
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  if (url_path.back() == '/' || relative.empty())
    relative += relative.empty() ? "index.html" : "/index.html";
  std::error_code ec;
  auto root = fs::canonical(fs::path{std::string{web_root}}, ec);
  if (ec)
    return {404, {}, "the web files directory is missing: " + ec.message()};
  auto candidate = root / relative;
  auto file = fs::canonical(candidate, ec);
  if (ec)
    return {404, {}, "no such file"};
  if (!is_inside(root, file))
    return refused("the path leads out of the web files directory");
  auto st = fs::status(file, ec);
  if (ec)
    return {404, {}, "no such file"};
  if (fs::is_directory(st)) {
    // "/host/x" without the slash: its index, still inside the root.
    auto index = fs::canonical(file / "index.html", ec);
    if (ec)
      return {404, {}, "no such file"};
    if (!is_inside(root, index))
      return refused("the path leads out of the web files directory");
    file = index;
    st = fs::status(file, ec);
  }
  if (!fs::is_regular_file(st))
    return refused("not a regular file");
  return {200, file.string(), {}};
}

std::string_view content_type_for(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  auto slash = file_name.rfind('/');
  if (dot == std::string_view::npos
      || (slash != std::string_view::npos && dot < slash))
    return "application/octet-stream";
  auto ext = file_name.substr(dot + 1);
  struct entry {
    std::string_view ext, type;
  };
  static constexpr entry types[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "application/javascript; charset=utf-8"},
      {"mjs", "application/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json; charset=utf-8"},
      {"map", "application/json; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "text/xml; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"ico", "image/x-icon"},
      {"webp", "image/webp"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"eot", "application/vnd.ms-fontobject"},
      {"webmanifest", "application/manifest+json"},
  };
  for (auto& e : types)
    if (e.ext == ext)
      return e.type;
  return "application/octet-stream";
}

static_file read_static_file(const std::string& file, size_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec)
    return {404, {}, "no such file"};
  if (size > max_bytes)
    return {413,
            {},
            "the file is bigger than " + std::to_string(max_bytes) + " bytes"};
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return {403, {}, "the file cannot be read"};
  std::string body(static_cast<size_t>(size), '\0');
  in.read(body.data(), static_cast<std::streamsize>(size));
  body.resize(static_cast<size_t>(in.gcount()));
  return {200, std::move(body), {}};
}

} // namespace tributary::api
