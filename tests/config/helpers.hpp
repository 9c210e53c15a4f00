#pragma once

#include "config/load.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <string>

namespace tributary::config::test {

/// All diagnostics, one per line, for failure messages.
inline std::string all_diagnostics(const load_result& x) {
  std::string result;
  for (const auto& d : x.diagnostics)
    result += to_string(d) + "\n";
  return result;
}

/// The first diagnostic of level `lvl` at `line` of a file ending in `file`.
inline const diagnostic*
find_diagnostic(const load_result& x, const std::string& file, size_t line,
                diagnostic::severity lvl = diagnostic::error) {
  for (const auto& d : x.diagnostics)
    if (d.line == line && d.level == lvl && d.file.size() >= file.size()
        && d.file.compare(d.file.size() - file.size(), file.size(), file) == 0)
      return &d;
  return nullptr;
}

/// Loads the fixture pair `role`-netdata.conf / `role`-stream.conf.
inline load_result load_fixture(const std::string& role) {
  auto dir = std::string{"netdata-1.37.1/configs/"};
  return load_ini_text(tributary::test::read_data(dir + role + "-netdata.conf"),
                       tributary::test::read_data(dir + role + "-stream.conf"),
                       role + "-netdata.conf", role + "-stream.conf");
}

} // namespace tributary::config::test
