// Evaluating a parsed health expression against a variable resolver, with
// Netdata's NaN/infinity rules and its trace text.

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
