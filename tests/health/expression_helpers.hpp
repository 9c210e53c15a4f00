#pragma once

// What the expression tests share: parse or evaluate a text and check it
// worked, and the shape of a parse failure.

#include "health/expression.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::health::test {

inline constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_value = std::numeric_limits<double>::infinity();

using vars = std::map<std::string, double, std::less<>>;

inline expression::resolver from(const vars& xs) {
  return [xs](std::string_view name) -> std::optional<double> {
    if (auto i = xs.find(name); i != xs.end())
      return i->second;
    return std::nullopt;
  };
}

inline expression parsed(std::string_view text) {
  auto x = expression::parse(text);
  INFO("parsing: ", text);
  REQUIRE_MESSAGE(x.has_value(), to_string(x.err()));
  return std::move(*x);
}

inline std::string parsed_as(std::string_view text) {
  return parsed(text).parsed_as();
}

inline expression::evaluation run(std::string_view text, const vars& xs = {}) {
  return parsed(text).evaluate_traced(from(xs));
}

// The value of a successful evaluation; NaN (and a failed check) otherwise.
inline double value(std::string_view text, const vars& xs = {}) {
  auto r = run(text, xs);
  INFO("evaluating: ", text, " trace: ", r.trace);
  CHECK(r.ok());
  return r.value;
}

inline expression_code failure(std::string_view text, const vars& xs = {}) {
  auto r = run(text, xs);
  CHECK(std::isnan(r.value));
  return r.code;
}

struct parse_failure {
  std::string message;
  size_t position;
  bool operator==(const parse_failure& y) const {
    return message == y.message && position == y.position;
  }
};

inline std::ostream& operator<<(std::ostream& out, const parse_failure& x) {
  return out << '"' << x.message << "\" at " << x.position;
}

inline parse_failure bad(std::string_view text) {
  auto x = expression::parse(text);
  INFO("parsing: ", text);
  REQUIRE_FALSE(x.has_value());
  CHECK(x.err().code == ec::malformed);
  return {x.err().message, x.err().position};
}

inline parse_failure at(expression_code code, size_t position) {
  return {std::string{describe(code)}, position};
}

using strings = std::vector<std::string>;

} // namespace tributary::health::test
