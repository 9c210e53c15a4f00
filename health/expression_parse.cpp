// Parsing a health expression into a tree, with Netdata's precedence quirk,
// and printing it back the way Netdata shows it (`*_parsed`).

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

} // namespace

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

} // namespace tributary::health
