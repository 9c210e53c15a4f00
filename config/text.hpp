#pragma once

#include <string_view>

namespace tributary::config {

/// Whitespace as Netdata's config readers see it (C's isspace in the "C"
/// locale).
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
         || c == '\v';
}

/// `x` without leading and trailing whitespace.
inline std::string_view trim(std::string_view x) {
  while (!x.empty() && is_space(x.front()))
    x.remove_prefix(1);
  while (!x.empty() && is_space(x.back()))
    x.remove_suffix(1);
  return x;
}

} // namespace tributary::config
