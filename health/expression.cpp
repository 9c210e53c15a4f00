// Netdata health expressions: error texts, built-in names, number reading
// and the expression value type. Parsing and evaluation have their own files.

#include "health/expression.hpp"

#include "health/expression_tree.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tributary::health {

using namespace expression_detail;

std::string_view describe(expression_code x) noexcept {
  switch (x) {
  case expression_code::ok:
    return "success";
  case expression_code::missing_close_subexpression:
    return "missing closing parenthesis";
  case expression_code::unknown_operand:
    return "unknown operand";
  case expression_code::missing_operand:
    return "expected operand";
  case expression_code::missing_operator:
    return "expected operator";
  case expression_code::remaining_garbage:
    return "remaining characters after expression";
  case expression_code::if_then_else_missing_else:
    return "missing second sub-expression of inline conditional";
  case expression_code::value_is_nan:
    return "value is unset";
  case expression_code::value_is_infinite:
    return "computed value is infinite";
  case expression_code::unknown_variable:
    return "undefined variable";
  }
  return "unknown error";
}

bool is_builtin_variable(std::string_view name) noexcept {
  static constexpr std::string_view names[] = {
      "this",      "after",         "before", "now",     "status",   "REMOVED",
      "UNDEFINED", "UNINITIALIZED", "CLEAR",  "WARNING", "CRITICAL",
  };
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

number_prefix read_number(std::string_view text) noexcept {
  if (text.substr(0, 3) == "nan")
    return {nan_value, 3};
  if (text.substr(0, 3) == "inf")
    return {inf_value, 3};
  size_t i = 0;
  size_t digits = 0;
  auto skip_digits = [&] {
    while (i < text.size() && is_digit(text[i])) {
      ++i;
      ++digits;
    }
  };
  skip_digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    skip_digits();
  }
  if (digits == 0)
    return {};
  bool negative_exponent = false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    auto j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) {
      negative_exponent = text[j] == '-';
      ++j;
    }
    if (j < text.size() && is_digit(text[j])) {
      while (j < text.size() && is_digit(text[j]))
        ++j;
      i = j;
    } else {
      negative_exponent = false;
    }
  }
  double value = 0;
  auto [ptr, err] = std::from_chars(text.data(), text.data() + i, value);
  if (err == std::errc::result_out_of_range)
    value = negative_exponent ? 0.0 : inf_value;
  else if (err != std::errc{} || ptr != text.data() + i)
    return {};
  return {value, i};
}

expression::expression() = default;
expression::expression(const expression&) = default;
expression::expression(expression&&) noexcept = default;
expression& expression::operator=(const expression&) = default;
expression& expression::operator=(expression&&) noexcept = default;
expression::~expression() = default;

} // namespace tributary::health
