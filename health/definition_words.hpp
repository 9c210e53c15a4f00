#pragma once

// Word helpers the health.d value parsers share; not part of the health
// interface.

#include "config/text.hpp"

#include <string>
#include <string_view>

namespace tributary::health::definition_words {

using config::is_space;

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

inline char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool iequals(std::string_view x, std::string_view y) {
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (lower(x[i]) != lower(y[i]))
      return false;
  return true;
}

/// Splits off the next whitespace-separated word of `rest`.
inline std::string_view next_word(std::string_view& rest) {
  size_t i = 0;
  while (i < rest.size() && is_space(rest[i]))
    ++i;
  size_t j = i;
  while (j < rest.size() && !is_space(rest[j]))
    ++j;
  auto result = rest.substr(i, j - i);
  rest.remove_prefix(j);
  return result;
}

inline std::string ticked(std::string_view x) {
  return "`" + std::string{x} + "`";
}

} // namespace tributary::health::definition_words
