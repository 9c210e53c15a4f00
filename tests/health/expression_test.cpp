#include "health/expression.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace tributary;
using namespace tributary::health;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

using vars = std::map<std::string, double, std::less<>>;

expression::resolver from(const vars& xs) {
  return [xs](std::string_view name) -> std::optional<double> {
    if (auto i = xs.find(name); i != xs.end())
      return i->second;
    return std::nullopt;
  };
}

expression parsed(std::string_view text) {
  auto x = expression::parse(text);
  INFO("parsing: ", text);
  REQUIRE_MESSAGE(x.has_value(), to_string(x.err()));
  return std::move(*x);
}

std::string parsed_as(std::string_view text) {
  return parsed(text).parsed_as();
}

expression::evaluation run(std::string_view text, const vars& xs = {}) {
  return parsed(text).evaluate_traced(from(xs));
}

// The value of a successful evaluation; NaN (and a failed check) otherwise.
double value(std::string_view text, const vars& xs = {}) {
  auto r = run(text, xs);
  INFO("evaluating: ", text, " trace: ", r.trace);
  CHECK(r.ok());
  return r.value;
}

expression_code failure(std::string_view text, const vars& xs = {}) {
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

std::ostream& operator<<(std::ostream& out, const parse_failure& x) {
  return out << '"' << x.message << "\" at " << x.position;
}

parse_failure bad(std::string_view text) {
  auto x = expression::parse(text);
  INFO("parsing: ", text);
  REQUIRE_FALSE(x.has_value());
  CHECK(x.err().code == ec::malformed);
  return {x.err().message, x.err().position};
}

parse_failure at(expression_code code, size_t position) {
  return {std::string{describe(code)}, position};
}

using strings = std::vector<std::string>;

} // namespace

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

TEST_CASE("expression: stock expressions") {
  // ram.conf
  auto ram = "$used * 100 / ($used + $cached + $free + $buffers)";
  CHECK(parsed(ram).variables()
        == strings{"used", "cached", "free", "buffers"});
  CHECK(
      value(ram, {{"used", 30}, {"cached", 20}, {"free", 40}, {"buffers", 10}})
      == 30);
  // disks.conf
  auto disk = "$used * 100 / ($avail + $used)";
  CHECK(value(disk, {{"used", 1}, {"avail", 3}}) == 25);
  CHECK(failure(disk, {{"used", 0}, {"avail", 0}})
        == expression_code::value_is_nan);
  // cpu.conf
  auto crit = "$this > (($status == $CRITICAL) ? (85) : (95))";
  vars cpu{{"this", 90}, {"status", 1}, {"CRITICAL", 4}};
  CHECK(value(crit, cpu) == 0);
  cpu["status"] = 4;
  CHECK(value(crit, cpu) == 1);
  // load.conf
  auto load = "($active_processors == nan or $active_processors == inf or "
              "$active_processors < 2) ? ( 2 ) : ( $active_processors )";
  CHECK(parsed_as(load)
        == "((((${active_processors} == nan) || (${active_processors} == inf)) "
           "|| "
           "(${active_processors} < 2)) ? 2 : ${active_processors})");
  CHECK(value(load, {{"active_processors", 8}}) == 8);
  CHECK(value(load, {{"active_processors", 1}}) == 2);
  CHECK(value(load, {{"active_processors", nan_value}}) == 2);
  CHECK(value(load, {}) == 2);
  // net.conf
  auto speed = "( $nic_speed_max > 0 ) ? ( $nic_speed_max) : ( nan )";
  CHECK(value(speed, {{"nic_speed_max", 1000}}) == 1000);
  CHECK(failure(speed, {{"nic_speed_max", 0}})
        == expression_code::value_is_nan);
  CHECK(failure(speed, {}) == expression_code::unknown_variable);
  auto drops = "(($inbound_packets_dropped != nan AND $this > 10000) ? "
               "($inbound_packets_dropped * 100 / $this) : (0))";
  CHECK(value(drops, {{"inbound_packets_dropped", 50}, {"this", 20000}})
        == 0.25);
  CHECK(value(drops, {{"this", 20000}}) == 0);
  // tcp_mem.conf
  auto mem
      = "${mem} > (($status >= $WARNING  ) ? ( ${tcp_mem_pressure} * 0.8 ) : "
        "( ${tcp_mem_pressure}   ))";
  CHECK(value(mem, {{"mem", 90},
                    {"status", 3},
                    {"WARNING", 3},
                    {"tcp_mem_pressure", 100}})
        == 1);
  CHECK(value(mem, {{"mem", 90},
                    {"status", 1},
                    {"WARNING", 3},
                    {"tcp_mem_pressure", 100}})
        == 0);
}

namespace {

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
        || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct stock_expression {
  std::string where;
  std::string text;
};

// The calc/warn/crit values of a health.d file, read as spec 1.2 says.
std::vector<stock_expression>
expressions_of(const std::filesystem::path& file) {
  std::vector<stock_expression> result;
  std::ifstream in{file};
  std::string physical;
  std::string logical;
  size_t number = 0;
  size_t first = 0;
  while (std::getline(in, physical)) {
    ++number;
    if (logical.empty())
      first = number;
    auto trimmed = collapse(physical);
    if (!trimmed.empty() && trimmed.back() == '\\') {
      trimmed.back() = ' ';
      logical += trimmed;
      continue;
    }
    logical += trimmed;
    auto line = collapse(logical);
    logical.clear();
    if (line.empty() || line.front() == '#')
      continue;
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    auto key = collapse(line.substr(0, colon));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
      return static_cast<char>(std::tolower(c));
    });
    if (key == "calc" || key == "warn" || key == "crit")
      result.push_back({file.filename().string() + ":" + std::to_string(first),
                        collapse(line.substr(colon + 1))});
  }
  return result;
}

} // namespace

TEST_CASE(
    "expression: every calc, warn and crit of Debian's stock health.d parses") {
  std::filesystem::path dir{"/usr/lib/netdata/conf.d/health.d"};
  REQUIRE_MESSAGE(std::filesystem::is_directory(dir), dir.string(),
                  " is missing: install Debian's netdata-core 1.37.1");
  size_t files = 0;
  size_t count = 0;
  std::vector<std::string> failures;
  for (const auto& entry : std::filesystem::directory_iterator{dir}) {
    if (entry.path().extension() != ".conf")
      continue;
    ++files;
    for (const auto& x : expressions_of(entry.path())) {
      ++count;
      auto parsed = expression::parse(x.text);
      if (!parsed)
        failures.push_back(x.where + ": " + x.text + " -> "
                           + to_string(parsed.err()));
      else if (parsed->source() != x.text)
        failures.push_back(x.where + ": source changed");
    }
  }
  std::ostringstream report;
  for (const auto& f : failures)
    report << f << '\n';
  INFO(report.str());
  CHECK(failures.empty());
  CHECK(files > 50);
  CHECK(count > 400);
}
