#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace tributary::test {

/// Absolute path of a file below tests/data.
inline std::string data_path(const std::string& name) {
  return std::string{TRIBUTARY_TEST_DATA} + "/" + name;
}

/// Reads a whole file below tests/data; throws if it is missing, which fails
/// the test case that asked for it.
inline std::string read_data(const std::string& name) {
  std::ifstream in{data_path(name), std::ios::binary};
  if (!in)
    throw std::runtime_error("missing test data file: " + data_path(name));
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

} // namespace tributary::test
