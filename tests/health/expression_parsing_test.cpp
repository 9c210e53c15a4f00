// Reading expressions: numbers, variable names, operators, precedence, the
// parsed form.

#include "tests/health/expression_helpers.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace tributary;
using namespace tributary::health;
using namespace tributary::health::test;

TEST_CASE("expression: numbers") {
  CHECK(value("1e3") == 1000);
  CHECK(value("1E3") == 1000);
  CHECK(value("1.5e-3") == doctest::Approx(0.0015));
  CHECK(value("2e+2") == 200);
  CHECK(value(".5") == 0.5);
  CHECK(value("5.") == 5);
  CHECK(value("007") == 7);
  CHECK(value("  42  ") == 42);
  CHECK(parsed_as("1e3") == "1000");
  // An exponent without digits is not part of the number.
  CHECK(bad("1e") == at(expression_code::missing_operator, 1));
  // A sign is a unary operator, not part of the number.
  CHECK(parsed_as("-1") == "-1");
  CHECK(parsed_as("- 1") == "-1");
  CHECK(value("- 1") == -1);
  CHECK(value("--1") == 1);
  // Lowercase nan/inf are literals, other spellings are not.
  CHECK(failure("nan") == expression_code::value_is_nan);
  CHECK(failure("inf") == expression_code::value_is_infinite);
  CHECK(bad("NaN") == at(expression_code::unknown_operand, 0));
  CHECK(bad("INF") == at(expression_code::unknown_operand, 0));
  CHECK(bad("1 + Inf") == at(expression_code::unknown_operand, 4));
  CHECK(bad(".") == at(expression_code::unknown_operand, 0));
}

TEST_CASE("expression: the number reader used for green and red") {
  auto n = read_number("12.5 garbage");
  CHECK(n.value == 12.5);
  CHECK(n.length == 4);
  CHECK(read_number("1e3x").length == 3);
  CHECK(read_number("1e3x").value == 1000);
  CHECK(read_number("-5").length == 0);
  CHECK(read_number("abc").length == 0);
  CHECK(std::isnan(read_number("nan").value));
  CHECK(std::isinf(read_number("inf").value));
  CHECK(std::isinf(read_number("1e999").value));
  CHECK(read_number("1e-999").value == 0);
  CHECK(read_number("1e-999").length == 6);
}

TEST_CASE("expression: variable names") {
  CHECK(parsed("$this").variables() == strings{"this"});
  CHECK(parsed("${name with spaces}").variables()
        == strings{"name with spaces"});
  CHECK(parsed("$system.ram.free").variables() == strings{"system.ram.free"});
  CHECK(parsed("$a_1.b_2").variables() == strings{"a_1.b_2"});
  // `-` ends a plain name: this is a subtraction.
  CHECK(bad("$a-b") == at(expression_code::unknown_operand, 3));
  CHECK(parsed_as("$a-$b") == "(${a} - ${b})");
  CHECK(parsed("${a-b}").variables() == strings{"a-b"});
  CHECK(parsed_as("${a-b}") == "${a-b}");
  // Each name once, in order of first appearance.
  CHECK(parsed("$a + ${b c} * $a + $this.x").variables()
        == strings{"a", "b c", "this.x"});
  CHECK(parsed("1 + 2").variables().empty());
  // Names are exact and case-sensitive.
  CHECK(value("$Status", {{"Status", 2}, {"status", 1}}) == 2);
  CHECK(value("${name with spaces} * 2", {{"name with spaces", 4}}) == 8);
  // An empty name is not an operand.
  CHECK(bad("$") == at(expression_code::unknown_operand, 0));
  CHECK(bad("1 + $ 2") == at(expression_code::unknown_operand, 4));
  CHECK(bad("${}") == at(expression_code::unknown_operand, 0));
  // An unterminated ${ runs to the end of the text.
  CHECK(parsed("${abc def").variables() == strings{"abc def"});
}

TEST_CASE("expression: variable names stop at 300 characters") {
  std::string name(300, 'v');
  CHECK(parsed("$" + name).variables() == strings{name});
  CHECK(parsed("${" + name + "}").variables() == strings{name});
  CHECK(bad("$" + name + "v") == at(expression_code::missing_operator, 301));
  CHECK(bad("${" + name + "v}") == at(expression_code::missing_operator, 302));
}

TEST_CASE("expression: word operators") {
  CHECK(parsed_as("$a and $b") == "(${a} && ${b})");
  CHECK(parsed_as("$a AnD $b") == "(${a} && ${b})");
  CHECK(parsed_as("$a OR $b") == "(${a} || ${b})");
  CHECK(parsed_as("$a oR $b") == "(${a} || ${b})");
  CHECK(parsed_as("NOT $a") == "!${a}");
  CHECK(parsed_as("not $a") == "!${a}");
  CHECK(parsed_as("1 and 2") == "(1 && 2)");
  CHECK(parsed_as("1 = 1") == "(1 == 1)");
  CHECK(value("1 AND 1") == 1);
  CHECK(value("0 or 0") == 0);
  CHECK(value("not 0") == 1);
  // The character after the word is taken with it.
  CHECK(bad("$a and$b") == at(expression_code::unknown_operand, 7));
  CHECK(bad("$a ANDx 1") == at(expression_code::missing_operator, 3));
  CHECK(bad("$a AND") == at(expression_code::missing_operand, 6));
  CHECK(bad("NOTE") == at(expression_code::unknown_operand, 0));
}

TEST_CASE("expression: abs()") {
  CHECK(value("abs(-5)") == 5);
  CHECK(value("ABS(-5)") == 5);
  CHECK(value("Abs(2 - 7) * 2") == 10);
  CHECK(parsed_as("abs(-2)") == "abs(-2)");
  CHECK(parsed_as("abs($a - $b)") == "abs((${a} - ${b}))");
  CHECK(bad("abs (5)") == at(expression_code::unknown_operand, 0));
  CHECK(bad("abs(5") == at(expression_code::missing_close_subexpression, 5));
}

TEST_CASE("expression: precedence quirks of spec 2.2") {
  CHECK(parsed_as("$a + $b * $c") == "(${a} + (${b} * ${c}))");
  CHECK(parsed_as("$a * $b + $c * $d") == "((${a} * ${b}) + (${c} * ${d}))");
  CHECK(parsed_as("$a == $b + $c * $d") == "(${a} == ((${b} + ${c}) * ${d}))");
  CHECK(parsed_as("$this > 80 ? 1 : 0") == "(${this} > (80 ? 1 : 0))");
  CHECK(parsed_as("$a ? $b : $c ? $d : 0")
        == "((${a} ? ${b} : ${c}) ? ${d} : 0)");
  CHECK(parsed_as("$a>1&&$b<1") == "((${a} > 1) && (${b} < 1))");
  // The quirks change results, not only the print.
  vars abcd{{"a", 9}, {"b", 1}, {"c", 2}, {"d", 3}};
  CHECK(value("$a == $b + $c * $d", abcd) == 1);
  CHECK(value("$this > 80 ? 1 : 0", {{"this", 50}}) == 1);
  CHECK(value("$this > 80 ? 1 : 0", {{"this", 1}}) == 0);
  CHECK(value("$a ? $b : $c ? $d : 0", {{"a", 0}, {"b", 1}, {"c", 0}, {"d", 5}})
        == 0);
}

TEST_CASE("expression: precedence and associativity") {
  CHECK(value("2 + 3 * 4") == 14);
  CHECK(value("2 * 3 + 4") == 10);
  CHECK(value("(2 + 3) * 4") == 20);
  CHECK(value("10 - 4 - 3") == 3);
  CHECK(value("100 / 10 / 5") == 2);
  CHECK(value("1 + 2 < 4") == 1);
  CHECK(value("5 > 3 == 1") == 1);
  // && and || share one level, left to right.
  CHECK(parsed_as("1 || 0 && 0") == "((1 || 0) && 0)");
  CHECK(value("1 || 0 && 0") == 0);
  CHECK(parsed_as("$a and 0 OR 1") == "((${a} && 0) || 1)");
  // Unary operators take one operand.
  CHECK(parsed_as("!$a > 1") == "(!${a} > 1)");
  CHECK(value("!$a > 1", {{"a", 0}}) == 0);
  CHECK(parsed_as("-$a * 2") == "(-${a} * 2)");
  CHECK(value("- 2 + 3") == 1);
  CHECK(parsed_as("!$a ? 1 : 2") == "(!${a} ? 1 : 2)");
  CHECK(parsed_as("!!$a") == "!!${a}");
  // Parentheses add nothing to the print; binary operators bring their own.
  CHECK(parsed_as("((1))") == "1");
  CHECK(parsed_as("(1 + 2)") == "(1 + 2)");
  CHECK(parsed_as("+5") == "+5");
  // Branches of ?: are single operands.
  CHECK(bad("1 ? 2 + 3 : 4")
        == at(expression_code::if_then_else_missing_else, 6));
  CHECK(value("1 ? (2 + 3) : 4") == 5);
  CHECK(value("0 ? 1 : -4") == -4);
  // Stock hysteresis idiom.
  auto hysteresis = "$this > (($status >= $WARNING) ? (75) : (85))";
  CHECK(parsed_as(hysteresis)
        == "(${this} > ((${status} >= ${WARNING}) ? 75 : 85))");
  CHECK(value(hysteresis, {{"this", 80}, {"status", 1}, {"WARNING", 3}}) == 0);
  CHECK(value(hysteresis, {{"this", 80}, {"status", 3}, {"WARNING", 3}}) == 1);
  CHECK(value(hysteresis, {{"this", 86}, {"status", 1}, {"WARNING", 3}}) == 1);
}

TEST_CASE("expression: operators that do not exist") {
  CHECK(bad("$a <> $b") == at(expression_code::missing_operator, 3));
  CHECK(bad("$a % 2") == at(expression_code::missing_operator, 3));
  CHECK(bad("$a & $b") == at(expression_code::missing_operator, 3));
  CHECK(bad("$a | $b") == at(expression_code::missing_operator, 3));
  CHECK(bad("$a ^ $b") == at(expression_code::missing_operator, 3));
  CHECK(value("1 != 2") == 1);
  CHECK(value("2 <= 2") == 1);
  CHECK(value("2 >= 3") == 0);
}

TEST_CASE("expression: parsed form of constants") {
  CHECK(parsed_as("1.50") == "1.5");
  CHECK(parsed_as("0.0000001") == "0.0000001");
  CHECK(parsed_as("0.00000001") == "0");
  CHECK(parsed_as("100") == "100");
  CHECK(parsed_as("0") == "0");
  CHECK(parsed_as("nan") == "nan");
  CHECK(parsed_as("inf") == "inf");
  CHECK(parsed_as("$x == nan") == "(${x} == nan)");
}
