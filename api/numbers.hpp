#pragma once

// How /api/v1/data prints numbers (shared by its formats).

#include <cmath>
#include <cstdio>
#include <string_view>

namespace tributary::api {

/// Netdata prints stored values with 7 decimals at most.
inline double seven_decimals(double x) {
  if (std::fabs(x) < 1e11)
    x = std::round(x * 1e7) / 1e7;
  return x;
}

/// 7 decimals, trailing zeros dropped (1.37.1's number printing).
inline std::string_view fixed7(double v, char* buf, size_t size) {
  int n = std::snprintf(buf, size, "%.7f", v);
  if (n <= 0 || n >= static_cast<int>(size))
    return {};
  std::string_view text{buf, static_cast<size_t>(n)};
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0')
      text.remove_suffix(1);
    if (text.back() == '.')
      text.remove_suffix(1);
  }
  if (text == "-0")
    text = "0";
  return text;
}

} // namespace tributary::api
