#pragma once

// What the health.d definition tests share: parsing a text, finding an
// alert or a diagnostic in the result.

#include "health/definitions.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace tributary::health::test {

inline constexpr const char* stock_health_dir
    = "/usr/lib/netdata/conf.d/health.d";

inline std::string all_diagnostics(const std::vector<diagnostic>& xs) {
  std::string result;
  for (const auto& d : xs)
    result += to_string(d) + "\n";
  return result;
}

inline std::string all_diagnostics(const load_result& x) {
  return all_diagnostics(x.diagnostics);
}

/// The first diagnostic of level `lvl` at `line` whose message contains
/// `needle`.
inline const diagnostic*
find_diag(const load_result& x, size_t line, const std::string& needle,
          diagnostic::severity lvl = diagnostic::error) {
  for (const auto& d : x.diagnostics)
    if (d.line == line && d.level == lvl
        && d.message.find(needle) != std::string::npos)
      return &d;
  return nullptr;
}

inline const alert_definition* find_def(const load_result& x,
                                        const std::string& name,
                                        const std::string& os = "") {
  for (const auto& d : x.definitions)
    if (d.name == name
        && (os.empty() || applies_to_host(d, host_facts{os, "h"})))
      return &d;
  return nullptr;
}

inline load_result parse(const std::string& text, load_options opts = {}) {
  return parse_health_text(text, "test.conf", opts);
}

inline std::string file_name(const std::string& path) {
  return std::filesystem::path{path}.filename().string();
}

} // namespace tributary::health::test
