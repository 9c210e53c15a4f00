#include "config/load.hpp"

#include "config/raw.hpp"

#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace tributary::config {

namespace {

/// Reads `path`; nullopt-like: returns false in `exists` if it is absent.
expected<std::string> read_file(const std::string& path, bool& exists) {
  struct stat st {};
  exists = ::stat(path.c_str(), &st) == 0;
  if (!exists)
    return std::string{};
  if (S_ISDIR(st.st_mode))
    return error{ec::io_error, path + ": is a directory"};
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return error{ec::io_error, path + ": cannot open for reading"};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  if (in.bad())
    return error{ec::io_error, path + ": read error"};
  return text;
}

} // namespace

std::string to_string(const diagnostic& x) {
  std::string result = x.file;
  if (x.line > 0)
    result += ":" + std::to_string(x.line);
  result += ": ";
  if (x.level == diagnostic::warning)
    result += "warning: ";
  else if (x.level == diagnostic::note)
    result += "note: ";
  result += x.message;
  return result;
}

bool load_result::ok() const {
  return count(diagnostic::error) == 0;
}

size_t load_result::count(diagnostic::severity x) const {
  size_t n = 0;
  for (const auto& d : diagnostics)
    if (d.level == x)
      ++n;
  return n;
}

settings netdata_defaults() {
  settings result;
  auto& g = result.global;
  g.ssl_key = g.config_dir + "/ssl/key.pem";
  g.ssl_certificate = g.config_dir + "/ssl/cert.pem";
  g.netdata_unique_id_file = g.lib_dir + "/registry/netdata.public.unique.id";
  g.health_config_dir = g.config_dir + "/health.d";
  g.stock_health_config_dir = g.stock_config_dir + "/health.d";
  return result;
}

settings default_settings() {
  auto result = netdata_defaults();
  result.global.bind_to = std::string{defaults::embedded_bind_to};
  result.global.default_port = defaults::default_port;
  return result;
}

load_result load_ini_text(std::string_view netdata_conf,
                          std::string_view stream_conf,
                          const std::string& netdata_name,
                          const std::string& stream_name) {
  detail::raw_config raw;
  std::vector<ini_problem> problems;
  auto add = [&](std::string_view text, const std::string& name,
                 std::vector<detail::raw_section>& out) {
    problems.clear();
    auto f = parse_ini_lenient(text, name, problems);
    for (const auto& p : problems)
      raw.diagnostics.push_back(
          diagnostic{name, p.line, diagnostic::error, p.message});
    detail::append_ini(out, f);
  };
  add(netdata_conf, netdata_name, raw.netdata);
  add(stream_conf, stream_name, raw.stream);
  return detail::build_settings(raw);
}

expected<load_result> load_config_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return error{ec::io_error, dir + ": not a readable directory"};
  auto base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  bool netdata_exists = false;
  bool stream_exists = false;
  auto netdata = read_file(base + "netdata.conf", netdata_exists);
  if (!netdata)
    return netdata.err();
  auto stream = read_file(base + "stream.conf", stream_exists);
  if (!stream)
    return stream.err();
  auto result = load_ini_text(*netdata, *stream, base + "netdata.conf",
                              base + "stream.conf");
  if (!netdata_exists)
    result.diagnostics.insert(
        result.diagnostics.begin(),
        diagnostic{base + "netdata.conf", 0, diagnostic::note,
                   "not found; using Netdata's defaults"});
  if (!stream_exists)
    result.diagnostics.insert(
        result.diagnostics.begin(),
        diagnostic{base + "stream.conf", 0, diagnostic::note,
                   "not found; using Netdata's defaults"});
  return result;
}

expected<load_result> load_yaml_file(const std::string& path) {
  bool exists = false;
  auto text = read_file(path, exists);
  if (!text)
    return text.err();
  if (!exists)
    return error{ec::io_error, path + ": no such file"};
  return load_yaml_text(*text, path);
}

} // namespace tributary::config
