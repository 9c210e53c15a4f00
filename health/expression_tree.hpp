#pragma once

// The expression tree and the small helpers the parser, the printer and the
// evaluator share; not part of the health interface.

#include "health/expression.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace tributary::health::expression_detail {

enum class op : uint8_t {
  constant,
  variable,
  group,
  negate,
  plus_sign,
  logical_not,
  absolute,
  logical_and,
  logical_or,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  add,
  subtract,
  multiply,
  divide,
  if_then_else,
};

inline constexpr uint32_t none = std::numeric_limits<uint32_t>::max();

// Deeper input would only exhaust the stack; no stock expression comes near.
inline constexpr size_t max_depth = 1000;

inline constexpr size_t max_variable_name = 300;

inline constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_value = std::numeric_limits<double>::infinity();

inline int precedence(op x) noexcept {
  switch (x) {
  case op::logical_and:
  case op::logical_or:
    return 2;
  case op::equal:
  case op::not_equal:
  case op::less:
  case op::less_equal:
  case op::greater:
  case op::greater_equal:
    return 3;
  case op::add:
  case op::subtract:
    return 4;
  case op::multiply:
  case op::divide:
    return 5;
  case op::negate:
  case op::plus_sign:
  case op::logical_not:
  case op::absolute:
    return 6;
  case op::if_then_else:
    return 7;
  case op::constant:
  case op::variable:
  case op::group:
    return 8;
  }
  return 8;
}

inline bool is_binary(op x) noexcept {
  return precedence(x) <= 5;
}

inline const char* binary_symbol(op x) noexcept {
  switch (x) {
  case op::logical_and:
    return "&&";
  case op::logical_or:
    return "||";
  case op::equal:
    return "==";
  case op::not_equal:
    return "!=";
  case op::less:
    return "<";
  case op::less_equal:
    return "<=";
  case op::greater:
    return ">";
  case op::greater_equal:
    return ">=";
  case op::add:
    return "+";
  case op::subtract:
    return "-";
  case op::multiply:
    return "*";
  case op::divide:
    return "/";
  default:
    return "";
  }
}

inline bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
         || c == '\r';
}

inline bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

inline bool is_name_char(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || c == '.' || c == '_';
}

inline char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Netdata prints constants with "%0.7f" and trims trailing zeros.
inline void print_number(std::string& out, double x) {
  if (std::isnan(x)) {
    out += "nan";
    return;
  }
  if (std::isinf(x)) {
    out += "inf";
    return;
  }
  int n = std::snprintf(nullptr, 0, "%0.7f", x);
  std::string buf(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(buf.data(), buf.size(), "%0.7f", x);
  buf.resize(static_cast<size_t>(n));
  while (buf.size() > 1 && buf.back() == '0')
    buf.pop_back();
  if (buf.size() > 1 && buf.back() == '.')
    buf.pop_back();
  out += buf;
}

inline bool truth(double x) noexcept {
  return !std::isnan(x) && x != 0;
}

// Arithmetic: NaN wins, then any infinity becomes +inf.
template <class F>
inline double arithmetic(double a, double b, F f) noexcept {
  if (std::isnan(a) || std::isnan(b))
    return nan_value;
  if (std::isinf(a) || std::isinf(b))
    return inf_value;
  return f(a, b);
}

inline bool equal(double a, double b) noexcept {
  if (std::isnan(a) && std::isnan(b))
    return true;
  if (std::isinf(a) && std::isinf(b))
    return true;
  if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b))
    return false;
  return std::fabs(a - b) < std::numeric_limits<double>::epsilon();
}

} // namespace tributary::health::expression_detail

namespace tributary::health {

struct expression::node {
  expression_detail::op kind = expression_detail::op::constant;
  double number = 0;
  // Index into variables_ for op::variable.
  uint32_t variable = 0;
  // Operands: [0] for unary, [0..1] for binary, condition/then/else.
  std::array<uint32_t, 3> args{{expression_detail::none,
                                expression_detail::none,
                                expression_detail::none}};
  // Height of the subtree, to bound recursion.
  size_t depth = 1;
};

} // namespace tributary::health
