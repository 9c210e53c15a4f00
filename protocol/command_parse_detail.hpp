#pragma once

// Number words and the per-keyword parsers that parse_command dispatches to;
// not part of the protocol interface.

#include "base/decimal.hpp"
#include "protocol/commands.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace tributary::protocol::command_parse_detail {

inline error bad(size_t index, std::string msg) {
  return error{ec::bad_parameters, std::move(msg), index};
}

// strtol(..., 0) semantics (0x hex, leading-0 octal) as Netdata reads the
// multiplier and divisor.
inline bool to_i64_any_base(std::string_view s, int64_t& out) {
  bool neg = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '-' || s.front() == '+')
    return false;
  uint64_t mag = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), mag, base);
  if (ec != std::errc{} || ptr != s.data() + s.size())
    return false;
  if (mag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return false;
  out = neg ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
  return true;
}

inline decimal to_decimal(std::string_view s) {
  decimal d;
  d.text = std::string{s};
  std::string_view t = s;
  if (!t.empty() && t.front() == '+')
    t.remove_prefix(1);
  double x = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), x);
  if (t.empty() || ec != std::errc{} || ptr != t.data() + t.size()) {
    // Netdata stores a non-number as an empty slot.
    x = std::numeric_limits<double>::quiet_NaN();
  }
  d.value = x;
  return d;
}

// Optional integer word: missing or empty -> `dflt`.
template <class T, class F>
inline error opt_num(const words& ws, size_t i, T& out, T dflt, F convert,
                     const char* what) {
  auto w = ws[i];
  if (i >= ws.size() || w.empty()) {
    out = dflt;
    return {};
  }
  if (!convert(w, out))
    return bad(i, std::string{what} + " is not a number: '" + std::string{w}
                      + "'");
  return {};
}

inline error opt_i64(const words& ws, size_t i, int64_t& out, int64_t dflt,
                     const char* what) {
  return opt_num(ws, i, out, dflt, parse_decimal<int64_t>, what);
}

inline error opt_u64(const words& ws, size_t i, uint64_t& out, uint64_t dflt,
                     const char* what) {
  return opt_num(ws, i, out, dflt, parse_decimal<uint64_t>, what);
}

inline error require(const words& ws, size_t n, const char* usage) {
  if (ws.size() < n)
    return bad(ws.size(), std::string{"missing parameters, expected "} + usage);
  return {};
}

// The replication and function-result keywords (command_parse_replication.cpp).
expected<command> parse_rbegin(const words& ws);
expected<command> parse_rset(const words& ws);
expected<command> parse_rdstate(const words& ws);
expected<command> parse_rend(const words& ws);
expected<command> parse_replay_chart(const words& ws);
expected<command> parse_function_result_begin(const words& ws);

} // namespace tributary::protocol::command_parse_detail
