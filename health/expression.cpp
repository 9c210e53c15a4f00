#include "health/expression.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tributary::health {

namespace {

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

constexpr uint32_t none = std::numeric_limits<uint32_t>::max();

// Deeper input would only exhaust the stack; no stock expression comes near.
constexpr size_t max_depth = 1000;

constexpr size_t max_variable_name = 300;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

int precedence(op x) noexcept {
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

bool is_binary(op x) noexcept {
  return precedence(x) <= 5;
}

const char* binary_symbol(op x) noexcept {
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

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
         || c == '\r';
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_name_char(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || c == '.' || c == '_';
}

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Netdata prints constants with "%0.7f" and trims trailing zeros.
void print_number(std::string& out, double x) {
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

bool truth(double x) noexcept {
  return !std::isnan(x) && x != 0;
}

// Arithmetic: NaN wins, then any infinity becomes +inf.
template <class F>
double arithmetic(double a, double b, F f) noexcept {
  if (std::isnan(a) || std::isnan(b))
    return nan_value;
  if (std::isinf(a) || std::isinf(b))
    return inf_value;
  return f(a, b);
}

bool equal(double a, double b) noexcept {
  if (std::isnan(a) && std::isnan(b))
    return true;
  if (std::isinf(a) && std::isinf(b))
    return true;
  if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b))
    return false;
  return std::fabs(a - b) < std::numeric_limits<double>::epsilon();
}

} // namespace

struct expression::node {
  op kind = op::constant;
  double number = 0;
  // Index into variables_ for op::variable.
  uint32_t variable = 0;
  // Operands: [0] for unary, [0..1] for binary, condition/then/else.
  std::array<uint32_t, 3> args{{none, none, none}};
  // Height of the subtree, to bound recursion.
  size_t depth = 1;
};

namespace {

using node = expression::node;

class parser {
public:
  parser(std::string_view text, std::vector<node>& nodes,
         std::vector<std::string>& variables)
      : text_(text), nodes_(nodes), variables_(variables) {
    // nop
  }

  // Returns the root, or `none` with err() set.
  uint32_t parse() {
    auto root = full_expression();
    if (root == none)
      return none;
    if (pos_ < text_.size())
      return fail(expression_code::remaining_garbage, pos_);
    return root;
  }

  error err() const {
    return error{ec::malformed, message_, at_};
  }

private:
  // An operand, then any number of binary operators with their operands.
  // Each new operator is compared with the top node only (docs/health.md
  // "Operator precedence").
  uint32_t full_expression() {
    auto top = operand();
    if (top == none)
      return none;
    for (;;) {
      skip_spaces();
      if (pos_ >= text_.size() || peek() == ')')
        return top;
      auto kind = binary_operator();
      if (!kind)
        return fail(expression_code::missing_operator, pos_);
      auto second = operand();
      if (second == none)
        return none;
      auto third = none;
      if (*kind == op::if_then_else) {
        skip_spaces();
        if (peek() != ':')
          return fail(expression_code::if_then_else_missing_else, pos_);
        ++pos_;
        third = operand();
        if (third == none)
          return none;
      }
      node n;
      n.kind = *kind;
      n.args = {{none, second, third}};
      auto& t = nodes_[top];
      if (is_binary(t.kind) && precedence(t.kind) < precedence(*kind)) {
        n.args[0] = t.args[1];
        auto id = add(n);
        if (id == none)
          return none;
        nodes_[top].args[1] = id;
        nodes_[top].depth = std::max(nodes_[top].depth, nodes_[id].depth + 1);
        if (nodes_[top].depth > max_depth)
          return too_deep();
      } else {
        n.args[0] = top;
        top = add(n);
        if (top == none)
          return none;
      }
    }
  }

  uint32_t operand() {
    if (++nesting_ > max_depth)
      return too_deep();
    auto result = operand_body();
    --nesting_;
    return result;
  }

  uint32_t operand_body() {
    skip_spaces();
    if (pos_ >= text_.size())
      return fail(expression_code::missing_operand, pos_);
    auto start = pos_;
    char c = peek();
    if (c == '(') {
      ++pos_;
      return enclosed(op::group);
    }
    if (c == '!') {
      ++pos_;
      return unary(op::logical_not);
    }
    if (auto n = word_operator("not")) {
      pos_ += n;
      return unary(op::logical_not);
    }
    if (c == '-') {
      ++pos_;
      return unary(op::negate);
    }
    if (c == '+') {
      ++pos_;
      return unary(op::plus_sign);
    }
    if (text_.size() - pos_ >= 4 && lower(text_[pos_]) == 'a'
        && lower(text_[pos_ + 1]) == 'b' && lower(text_[pos_ + 2]) == 's'
        && text_[pos_ + 3] == '(') {
      pos_ += 4;
      return enclosed(op::absolute);
    }
    if (c == '$')
      return variable();
    auto num = read_number(text_.substr(pos_));
    if (num.length > 0) {
      pos_ += num.length;
      node n;
      n.kind = op::constant;
      n.number = num.value;
      return add(n);
    }
    return fail(expression_code::unknown_operand, start);
  }

  // After `(` or `abs(`: a full expression and its `)`.
  uint32_t enclosed(op kind) {
    auto inner = full_expression();
    if (inner == none)
      return none;
    if (peek() != ')')
      return fail(expression_code::missing_close_subexpression, pos_);
    ++pos_;
    node n;
    n.kind = kind;
    n.args[0] = inner;
    return add(n);
  }

  // Unary operators take a single operand, never a binary expression.
  uint32_t unary(op kind) {
    auto x = operand();
    if (x == none)
      return none;
    node n;
    n.kind = kind;
    n.args[0] = x;
    return add(n);
  }

  uint32_t variable() {
    auto start = pos_;
    ++pos_;
    std::string name;
    if (peek() == '{') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '}'
             && name.size() < max_variable_name)
        name += text_[pos_++];
      if (peek() == '}')
        ++pos_;
    } else {
      while (pos_ < text_.size() && is_name_char(text_[pos_])
             && name.size() < max_variable_name)
        name += text_[pos_++];
    }
    if (name.empty()) {
      pos_ = start;
      return fail(expression_code::unknown_operand, start);
    }
    auto i = std::find(variables_.begin(), variables_.end(), name);
    node n;
    n.kind = op::variable;
    n.variable = static_cast<uint32_t>(i - variables_.begin());
    if (i == variables_.end())
      variables_.push_back(std::move(name));
    return add(n);
  }

  std::optional<op> binary_operator() {
    char c = peek();
    char d = peek(1);
    auto take = [this](size_t n, op kind) {
      pos_ += n;
      return std::optional<op>{kind};
    };
    if (c == '&' && d == '&')
      return take(2, op::logical_and);
    if (c == '|' && d == '|')
      return take(2, op::logical_or);
    if (auto n = word_operator("and"))
      return take(n, op::logical_and);
    if (auto n = word_operator("or"))
      return take(n, op::logical_or);
    switch (c) {
    case '=':
      return take(d == '=' ? 2 : 1, op::equal);
    case '!':
      if (d == '=')
        return take(2, op::not_equal);
      return std::nullopt;
    case '<':
      if (d == '=')
        return take(2, op::less_equal);
      // Netdata lists `<>` as "not equal" but never accepts it.
      if (d == '>')
        return std::nullopt;
      return take(1, op::less);
    case '>':
      if (d == '=')
        return take(2, op::greater_equal);
      return take(1, op::greater);
    case '+':
      return take(1, op::add);
    case '-':
      return take(1, op::subtract);
    case '*':
      return take(1, op::multiply);
    case '/':
      return take(1, op::divide);
    case '?':
      return take(1, op::if_then_else);
    default:
      return std::nullopt;
    }
  }

  // AND, OR, NOT: case-insensitive, followed by a terminator that is
  // consumed with the word (which is why `$a and$b` fails to parse).
  // Returns the number of bytes to consume, 0 for no match.
  size_t word_operator(std::string_view word) const {
    if (text_.size() - pos_ < word.size())
      return 0;
    for (size_t k = 0; k < word.size(); ++k)
      if (lower(text_[pos_ + k]) != word[k])
        return 0;
    auto after = pos_ + word.size();
    if (after == text_.size())
      return word.size();
    char f = text_[after];
    if (is_space(f) || f == '(' || f == '$' || f == '!' || f == '-' || f == '+'
        || is_digit(f))
      return word.size() + 1;
    return 0;
  }

  uint32_t add(const node& n) {
    auto copy = n;
    for (auto a : n.args)
      if (a != none)
        copy.depth = std::max(copy.depth, nodes_[a].depth + 1);
    if (copy.depth > max_depth)
      return too_deep();
    nodes_.push_back(copy);
    return static_cast<uint32_t>(nodes_.size() - 1);
  }

  char peek(size_t k = 0) const noexcept {
    return pos_ + k < text_.size() ? text_[pos_ + k] : '\0';
  }

  void skip_spaces() noexcept {
    while (pos_ < text_.size() && is_space(text_[pos_]))
      ++pos_;
  }

  uint32_t fail(expression_code code, size_t at) {
    message_ = std::string{describe(code)};
    at_ = at;
    return none;
  }

  uint32_t too_deep() {
    message_ = "expression nested too deeply";
    at_ = pos_;
    return none;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t nesting_ = 0;
  std::vector<node>& nodes_;
  std::vector<std::string>& variables_;
  std::string message_;
  size_t at_ = 0;
};

void print(std::string& out, const std::vector<node>& nodes,
           const std::vector<std::string>& variables, uint32_t id) {
  const auto& n = nodes[id];
  auto sub = [&](size_t i) { print(out, nodes, variables, n.args[i]); };
  switch (n.kind) {
  case op::constant:
    print_number(out, n.number);
    return;
  case op::variable:
    out += "${";
    out += variables[n.variable];
    out += '}';
    return;
  case op::group:
    sub(0);
    return;
  case op::negate:
    out += '-';
    sub(0);
    return;
  case op::plus_sign:
    out += '+';
    sub(0);
    return;
  case op::logical_not:
    out += '!';
    sub(0);
    return;
  case op::absolute:
    out += "abs(";
    sub(0);
    out += ')';
    return;
  case op::if_then_else:
    out += '(';
    sub(0);
    out += " ? ";
    sub(1);
    out += " : ";
    sub(2);
    out += ')';
    return;
  default:
    out += '(';
    sub(0);
    out += ' ';
    out += binary_symbol(n.kind);
    out += ' ';
    sub(1);
    out += ')';
    return;
  }
}

class evaluator {
public:
  evaluator(const std::vector<node>& nodes,
            const std::vector<std::string>& variables,
            const expression::resolver& r)
      : nodes_(nodes), variables_(variables), resolve_(r) {
    // nop
  }

  double eval(uint32_t id) {
    const auto& n = nodes_[id];
    auto arg = [&](size_t i) { return eval(n.args[i]); };
    switch (n.kind) {
    case op::constant:
      return n.number;
    case op::variable:
      return lookup(variables_[n.variable]);
    case op::group:
    case op::plus_sign:
      return arg(0);
    case op::negate: {
      auto x = arg(0);
      return std::isnan(x) ? x : std::isinf(x) ? inf_value : -x;
    }
    case op::absolute: {
      auto x = arg(0);
      return std::isnan(x) ? x : std::isinf(x) ? inf_value : std::fabs(x);
    }
    case op::logical_not:
      return truth(arg(0)) ? 0 : 1;
    case op::logical_and:
      return truth(arg(0)) && truth(arg(1)) ? 1 : 0;
    case op::logical_or:
      return truth(arg(0)) || truth(arg(1)) ? 1 : 0;
    case op::if_then_else:
      return truth(arg(0)) ? arg(1) : arg(2);
    default:
      break;
    }
    auto a = arg(0);
    auto b = arg(1);
    switch (n.kind) {
    case op::equal:
      return equal(a, b) ? 1 : 0;
    case op::not_equal:
      return equal(a, b) ? 0 : 1;
    case op::less:
      return a < b ? 1 : 0;
    case op::less_equal:
      return a <= b ? 1 : 0;
    case op::greater:
      return a > b ? 1 : 0;
    case op::greater_equal:
      return a >= b ? 1 : 0;
    case op::add:
      return arithmetic(a, b, [](double x, double y) { return x + y; });
    case op::subtract:
      return arithmetic(a, b, [](double x, double y) { return x - y; });
    case op::multiply:
      return arithmetic(a, b, [](double x, double y) { return x * y; });
    case op::divide:
      return arithmetic(a, b, [](double x, double y) { return x / y; });
    default:
      return nan_value;
    }
  }

  std::string trace;
  std::optional<std::string> first_unknown;

private:
  double lookup(const std::string& name) {
    std::optional<double> v;
    if (resolve_)
      v = resolve_(name);
    if (!v) {
      if (!first_unknown)
        first_unknown = name;
      trace += "[ undefined variable '";
      trace += name;
      trace += "' ] ";
      return nan_value;
    }
    trace += is_builtin_variable(name) ? "[ $" : "[ ${";
    trace += name;
    trace += is_builtin_variable(name) ? " = " : "} = ";
    print_number(trace, *v);
    trace += " ] ";
    return *v;
  }

  const std::vector<node>& nodes_;
  const std::vector<std::string>& variables_;
  const expression::resolver& resolve_;
};

} // namespace

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

expected<expression> expression::parse(std::string_view text) {
  expression result;
  result.source_ = std::string{text};
  parser p{text, result.nodes_, result.variables_};
  auto root = p.parse();
  if (root == none)
    return p.err();
  result.root_ = root;
  print(result.parsed_as_, result.nodes_, result.variables_, root);
  return result;
}

expression::evaluation expression::evaluate_traced(const resolver& r) const {
  evaluator e{nodes_, variables_, r};
  evaluation result;
  result.value = e.eval(root_);
  result.trace = std::move(e.trace);
  if (std::isnan(result.value))
    result.code = e.first_unknown ? expression_code::unknown_variable
                                  : expression_code::value_is_nan;
  else if (std::isinf(result.value))
    result.code = e.first_unknown ? expression_code::unknown_variable
                                  : expression_code::value_is_infinite;
  if (!result.ok()) {
    result.value = nan_value;
    if (!result.trace.empty())
      result.trace += "; ";
    result.trace += "failed to evaluate expression with error ";
    result.trace += std::to_string(static_cast<int>(result.code));
    result.trace += " (";
    result.trace += describe(result.code);
    result.trace += ')';
  }
  return result;
}

expected<double> expression::evaluate(const resolver& r) const {
  evaluator e{nodes_, variables_, r};
  auto value = e.eval(root_);
  if (std::isfinite(value))
    return value;
  if (e.first_unknown)
    return error{ec::unknown_reference,
                 "undefined variable '" + *e.first_unknown + "'"};
  return error{ec::bad_parameters,
               std::string{describe(std::isnan(value)
                                        ? expression_code::value_is_nan
                                        : expression_code::value_is_infinite)}};
}

} // namespace tributary::health
