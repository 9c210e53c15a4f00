#pragma once

#include <charconv>
#include <string_view>
#include <system_error>

namespace tributary {

/// Reads all of `s` as a decimal integer, with an optional sign ('+' too,
/// which `std::from_chars` alone refuses; Netdata's strtoll takes it).
/// False for empty text, trailing characters or an out-of-range value;
/// `out` is then unspecified.
template <class Int>
bool parse_decimal(std::string_view s, Int& out) {
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  if (s.empty())
    return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

} // namespace tributary
