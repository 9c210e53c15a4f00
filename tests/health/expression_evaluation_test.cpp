// Evaluating expressions: NaN and infinity, comparisons, truth, short
// circuits, errors and the trace; parse errors, absurd nesting, copies.

#include "tests/health/expression_helpers.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace tributary;
using namespace tributary::health;
using namespace tributary::health::test;

TEST_CASE("expression: arithmetic with NaN and infinity") {
  // NaN operands win.
  CHECK(value("(nan + 1) == nan") == 1);
  CHECK(value("(nan * inf) == nan") == 1);
  CHECK(value("abs(nan) == nan") == 1);
  CHECK(value("-nan == nan") == 1);
  // Otherwise any infinite operand gives +inf, even where IEEE differs.
  CHECK(value("(inf - inf) > 0") == 1);
  CHECK(value("(0 * inf) > 0") == 1);
  CHECK(value("(5 / inf) > 0") == 1);
  CHECK(value("-inf > 0") == 1);
  CHECK(value("-(-1 / 0) > 0") == 1);
  CHECK(value("abs(-1 / 0) > 0") == 1);
  // Finite operands follow IEEE.
  CHECK(value("(-1 / 0) < 0") == 1);
  CHECK(value("(0 / 0) == nan") == 1);
  CHECK(value("7 / 2") == 3.5);
  CHECK(failure("1 / 0") == expression_code::value_is_infinite);
  CHECK(failure("0 / 0") == expression_code::value_is_nan);
  CHECK(failure("-1 / 0") == expression_code::value_is_infinite);
}

TEST_CASE("expression: comparisons") {
  CHECK(value("nan < 1") == 0);
  CHECK(value("nan > 1") == 0);
  CHECK(value("nan <= nan") == 0);
  CHECK(value("nan >= 1") == 0);
  CHECK(value("inf > 1e308") == 1);
  CHECK(value("(-1 / 0) < inf") == 1);
  CHECK(value("nan == nan") == 1);
  CHECK(value("inf == inf") == 1);
  CHECK(value("(-1 / 0) == inf") == 1);
  CHECK(value("nan == 1") == 0);
  CHECK(value("inf == 1") == 0);
  CHECK(value("nan == inf") == 0);
  CHECK(value("nan != nan") == 0);
  CHECK(value("nan != 1") == 1);
  CHECK(value("inf != inf") == 0);
  // Finite numbers are equal within a small epsilon.
  CHECK(value("0.1 + 0.2 == 0.3") == 1);
  CHECK(value("0.1 + 0.2 != 0.3") == 0);
  CHECK(value("1 == 1.000001") == 0);
  CHECK(value("1 < 1.000001") == 1);
}

TEST_CASE("expression: truth") {
  CHECK(value("!nan") == 1);
  CHECK(value("!inf") == 0);
  CHECK(value("!0") == 1);
  CHECK(value("!0.5") == 0);
  CHECK(value("!-1") == 0);
  CHECK(value("nan && 1") == 0);
  CHECK(value("inf && 1") == 1);
  CHECK(value("nan || 0") == 0);
  CHECK(value("nan ? 1 : 2") == 2);
  CHECK(value("inf ? 1 : 2") == 1);
  CHECK(value("0 ? 1 : 2") == 2);
  CHECK(value("5 && 7") == 1);
  CHECK(value("0 || 3") == 1);
  CHECK(value("-2 ? 1 : 2") == 1);
}

TEST_CASE("expression: && || and ?: skip what they do not need") {
  auto r = run("0 && $missing");
  CHECK(r.ok());
  CHECK(r.value == 0);
  CHECK(r.trace.empty());
  r = run("1 || $missing");
  CHECK(r.ok());
  CHECK(r.value == 1);
  CHECK(r.trace.empty());
  r = run("1 ? 2 : $missing");
  CHECK(r.ok());
  CHECK(r.trace.empty());
  r = run("0 ? $missing : 3");
  CHECK(r.value == 3);
  CHECK(r.trace.empty());
}

TEST_CASE("expression: evaluation errors and the trace") {
  auto r = run("$this + ${mem}", {{"this", 5}, {"mem", 2.5}});
  CHECK(r.ok());
  CHECK(r.value == 7.5);
  CHECK(r.trace == "[ $this = 5 ] [ ${mem} = 2.5 ] ");
  // Unknown variables are NaN; a finite result still succeeds.
  r = run("$x == nan");
  CHECK(r.ok());
  CHECK(r.value == 1);
  CHECK(r.trace == "[ undefined variable 'x' ] ");
  r = run("$x + 1");
  CHECK(r.code == expression_code::unknown_variable);
  CHECK(std::isnan(r.value));
  CHECK(r.trace
        == "[ undefined variable 'x' ] ; failed to evaluate expression with "
           "error 105 "
           "(undefined variable)");
  // 105 wins over an infinite result too.
  CHECK(failure("($x == nan) ? (1 / 0) : 0")
        == expression_code::unknown_variable);
  r = run("nan");
  CHECK(r.code == expression_code::value_is_nan);
  CHECK(r.trace
        == "failed to evaluate expression with error 103 (value is unset)");
  r = run("1 / 0");
  CHECK(r.code == expression_code::value_is_infinite);
  CHECK(r.trace
        == "failed to evaluate expression with error 104 (computed value is "
           "infinite)");
  r = run("$after", {{"after", nan_value}});
  CHECK(r.code == expression_code::value_is_nan);
  CHECK(r.trace
        == "[ $after = nan ] ; failed to evaluate expression with error 103 "
           "(value is unset)");
  r = run("$WARNING + ${x y} + ${big}",
          {{"WARNING", 3}, {"x y", -0.25}, {"big", inf_value}});
  CHECK(r.code == expression_code::value_is_infinite);
  CHECK(r.trace.rfind("[ $WARNING = 3 ] [ ${x y} = -0.25 ] [ ${big} = inf ] ; ",
                      0)
        == 0);
}

TEST_CASE("expression: evaluate() as expected<double>") {
  auto x = parsed("$a * 2");
  auto ok = x.evaluate(from({{"a", 21}}));
  REQUIRE(ok.has_value());
  CHECK(*ok == 42);
  auto unknown = x.evaluate(from({}));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.err().code == ec::unknown_reference);
  CHECK(unknown.err().message.find("'a'") != std::string::npos);
  auto unset = x.evaluate(from({{"a", nan_value}}));
  REQUIRE_FALSE(unset.has_value());
  CHECK(unset.err().code == ec::bad_parameters);
  CHECK(unset.err().message == "value is unset");
  auto infinite = x.evaluate(from({{"a", inf_value}}));
  REQUIRE_FALSE(infinite.has_value());
  CHECK(infinite.err().message == "computed value is infinite");
  // An empty resolver knows no variable.
  CHECK(x.evaluate({}).err().code == ec::unknown_reference);
  CHECK(parsed("1 + 1").evaluate({}).value() == 2);
}

TEST_CASE("expression: parse errors and their positions") {
  CHECK(bad("($a + 1") == at(expression_code::missing_close_subexpression, 7));
  CHECK(bad("(1 + (2)") == at(expression_code::missing_close_subexpression, 8));
  CHECK(bad("$a + #") == at(expression_code::unknown_operand, 5));
  CHECK(bad("()") == at(expression_code::unknown_operand, 1));
  CHECK(bad("$a +") == at(expression_code::missing_operand, 4));
  CHECK(bad("$a + ") == at(expression_code::missing_operand, 5));
  CHECK(bad("") == at(expression_code::missing_operand, 0));
  CHECK(bad("   ") == at(expression_code::missing_operand, 3));
  CHECK(bad("$a $b") == at(expression_code::missing_operator, 3));
  CHECK(bad("$a)") == at(expression_code::remaining_garbage, 2));
  CHECK(bad("(1) )") == at(expression_code::remaining_garbage, 4));
  CHECK(bad("$a ? 1") == at(expression_code::if_then_else_missing_else, 6));
  CHECK(bad("$a ? 1 2") == at(expression_code::if_then_else_missing_else, 7));
  CHECK(bad("$a ? 1 :") == at(expression_code::missing_operand, 8));
  CHECK(bad("$a : 1") == at(expression_code::missing_operator, 3));
  CHECK(describe(expression_code::missing_close_subexpression)
        == "missing closing parenthesis");
  CHECK(describe(expression_code::unknown_operand) == "unknown operand");
  CHECK(describe(expression_code::missing_operand) == "expected operand");
  CHECK(describe(expression_code::missing_operator) == "expected operator");
  CHECK(describe(expression_code::remaining_garbage)
        == "remaining characters after expression");
  CHECK(describe(expression_code::if_then_else_missing_else)
        == "missing second sub-expression of inline conditional");
}

TEST_CASE("expression: absurd nesting fails instead of exhausting the stack") {
  std::string deep(100000, '(');
  deep += "1";
  deep += std::string(100000, ')');
  auto x = expression::parse(deep);
  REQUIRE_FALSE(x.has_value());
  CHECK(x.err().code == ec::malformed);
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i)
    chain += "+1";
  CHECK_FALSE(expression::parse(chain).has_value());
  std::string nots(100000, '!');
  CHECK_FALSE(expression::parse(nots + "1").has_value());
  // Ordinary sizes are fine.
  std::string sum = "1";
  for (int i = 0; i < 500; ++i)
    sum += " + 1";
  CHECK(value(sum) == 501);
}

TEST_CASE("expression: copies keep the parsed tree") {
  auto a = parsed("$x * 2 + 1");
  auto b = a;
  auto c = std::move(a);
  CHECK(b.source() == "$x * 2 + 1");
  CHECK(c.evaluate(from({{"x", 3}})).value() == 7);
  CHECK(b.evaluate(from({{"x", 4}})).value() == 9);
  CHECK(is_builtin_variable("this"));
  CHECK(is_builtin_variable("CRITICAL"));
  CHECK_FALSE(is_builtin_variable("critical"));
  CHECK_FALSE(is_builtin_variable("mem"));
}
