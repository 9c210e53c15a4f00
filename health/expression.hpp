#pragma once

#include "base/error.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::health {

/// Netdata's numeric expression error codes. They appear in its logs and in
/// the evaluation trace ("failed to evaluate expression with error 103 ...").
enum class expression_code : int {
  ok = 0,
  missing_close_subexpression = 1,
  unknown_operand = 2,
  missing_operand = 3,
  missing_operator = 4,
  remaining_garbage = 5,
  if_then_else_missing_else = 6,
  value_is_nan = 103,
  value_is_infinite = 104,
  unknown_variable = 105,
};

/// Netdata's text for `x`, e.g. "value is unset".
std::string_view describe(expression_code x) noexcept;

/// True for the names the engine resolves itself before any chart, family
/// or host variable (`this`, `status`, `WARNING`, ...). The trace prints
/// them as `$name` and every other variable as `${name}`.
bool is_builtin_variable(std::string_view name) noexcept;

/// The number at the start of `text` as the expression tokenizer reads it
/// (`12`, `.5`, `1e3`, `nan`, `inf`; no sign). `length` is 0 if there is
/// none. `green` and `red` lines use the same reader.
struct number_prefix {
  double value = 0;
  size_t length = 0;
};
number_prefix read_number(std::string_view text) noexcept;

/// A `calc`, `warn` or `crit` expression of a health.d file.
class expression {
public:
  /// Looks a variable up; nullopt = unknown variable.
  using resolver = std::function<std::optional<double>(std::string_view name)>;

  /// One evaluation the way Netdata records it.
  struct evaluation {
    /// The result; NaN whenever `code` is not `ok`.
    double value = 0;
    /// `ok`, `value_is_nan`, `value_is_infinite` or `unknown_variable`.
    expression_code code = expression_code::ok;
    /// Variable reads and the failure note (notification argument 22).
    std::string trace;

    bool ok() const noexcept {
      return code == expression_code::ok;
    }
  };

  /// Parses `text`. Errors are `ec::malformed` with Netdata's message
  /// ("unknown operand", ...) and the byte offset where parsing stopped.
  static expected<expression> parse(std::string_view text);

  expression(const expression&);
  expression(expression&&) noexcept;
  expression& operator=(const expression&);
  expression& operator=(expression&&) noexcept;
  ~expression();

  /// The text as given to `parse`.
  const std::string& source() const noexcept {
    return source_;
  }

  /// Netdata's canonical re-print (`calc_parsed` etc. in /api/v1/alarms).
  const std::string& parsed_as() const noexcept {
    return parsed_as_;
  }

  /// Every variable name referenced, without `$`/`${}`, each once, in
  /// order of first appearance.
  const std::vector<std::string>& variables() const noexcept {
    return variables_;
  }

  /// The value, or an error: `ec::unknown_reference` naming the first
  /// unknown variable, `ec::bad_parameters` for a NaN or infinite result.
  expected<double> evaluate(const resolver& r) const;

  /// The value with Netdata's error code and trace.
  evaluation evaluate_traced(const resolver& r) const;

  struct node;

private:
  expression();

  std::string source_;
  std::string parsed_as_;
  std::vector<std::string> variables_;
  std::vector<node> nodes_;
  uint32_t root_ = 0;
};

} // namespace tributary::health
