// Values inside health.d lines: durations, thresholds, names, and the
// `delay` and `repeat` mini-languages (docs/health.md "Keywords", "Delay",
// "Repeat").

#include "config/text.hpp"
#include "health/definition_words.hpp"
#include "health/definitions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tributary::health {

using namespace definition_words;
using config::trim;

// -- values
// --------------------------------------------------------------------

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text == "never")
    return 0;
  if (text.empty() || !(is_digit(text[0]) || text[0] == '+' || text[0] == '-'))
    return std::nullopt;
  std::string buf{text};
  char* end = nullptr;
  double value = std::strtod(buf.c_str(), &end);
  if (end == buf.c_str() || !std::isfinite(value))
    return std::nullopt;
  double unit = 1;
  switch (*end) {
  case 'm':
    unit = 60;
    break;
  case 'h':
    unit = 3600;
    break;
  case 'd':
    unit = 86400;
    break;
  case 'w':
    unit = 7 * 86400;
    break;
  case 'M':
    unit = 30 * 86400;
    break;
  case 'Y':
    unit = 365 * 86400;
    break;
  default: // `s`, nothing, or any other char: seconds
    break;
  }
  double seconds = std::trunc(value * unit);
  constexpr double limit = 2147483647.0;
  if (seconds > limit || seconds < -limit)
    return std::nullopt;
  return static_cast<int64_t>(seconds);
}

std::pair<double, size_t> parse_threshold(std::string_view text) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-'))
    negative = text[i++] == '-';
  auto rest = text.substr(i);
  if (rest.substr(0, 3) == "nan")
    return {nan, i + 3};
  if (rest.substr(0, 3) == "inf") {
    double inf = std::numeric_limits<double>::infinity();
    return {negative ? -inf : inf, i + 3};
  }
  // digits [. digits] [e [sign] digits], or . digits ...
  size_t j = i;
  size_t digits = 0;
  while (j < text.size() && is_digit(text[j]))
    ++j, ++digits;
  if (j < text.size() && text[j] == '.') {
    ++j;
    while (j < text.size() && is_digit(text[j]))
      ++j, ++digits;
  }
  if (digits == 0)
    return {nan, 0};
  if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
    size_t k = j + 1;
    if (k < text.size() && (text[k] == '+' || text[k] == '-'))
      ++k;
    if (k < text.size() && is_digit(text[k])) {
      while (k < text.size() && is_digit(text[k]))
        ++k;
      j = k;
    }
  }
  std::string buf{text.substr(0, j)};
  return {std::strtod(buf.c_str(), nullptr), j};
}

std::string sanitize_name(std::string_view name) {
  std::string result{name};
  for (auto& c : result) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)
                || c == '.' || c == '_';
    if (!keep)
      c = '_';
  }
  return result;
}

// -- delay and repeat
// ----------------------------------------------------------

delay_settings parse_delay(std::string_view value,
                           std::vector<std::string>& errors) {
  delay_settings result;
  bool max_given = false;
  auto rest = value;
  for (;;) {
    auto key = next_word(rest);
    if (key.empty())
      break;
    auto arg = next_word(rest);
    bool known = iequals(key, "up") || iequals(key, "down")
                 || iequals(key, "max") || iequals(key, "multiplier");
    if (!known) {
      errors.push_back("unknown delay option " + ticked(key) + " ignored");
      continue;
    }
    if (arg.empty()) {
      errors.push_back("delay option " + ticked(key) + " without a value");
      break;
    }
    if (iequals(key, "multiplier")) {
      auto [f, used] = parse_threshold(arg);
      if (used != arg.size() || !(f > 0) || !std::isfinite(f))
        errors.push_back("invalid delay multiplier " + ticked(arg)
                         + "; using 1.0");
      else
        result.multiplier = f;
      continue;
    }
    auto d = parse_duration(arg);
    if (!d)
      errors.push_back("invalid duration " + ticked(arg) + " for delay "
                       + ticked(key) + "; using 0");
    int64_t seconds = d ? *d : 0;
    if (iequals(key, "up")) {
      result.up = seconds;
    } else if (iequals(key, "down")) {
      result.down = seconds;
    } else {
      result.max = seconds;
      max_given = true;
    }
  }
  if (!max_given) {
    auto up = static_cast<int64_t>(static_cast<double>(result.up)
                                   * result.multiplier);
    auto down = static_cast<int64_t>(static_cast<double>(result.down)
                                     * result.multiplier);
    result.max = std::max(up, down);
  }
  return result;
}

repeat_settings parse_repeat(std::string_view value, repeat_settings current,
                             std::vector<std::string>& errors) {
  auto rest = value;
  for (;;) {
    auto key = next_word(rest);
    if (key.empty())
      break;
    if (iequals(key, "off")) {
      current.warning = 0;
      current.critical = 0;
      break;
    }
    bool is_warning = iequals(key, "warning");
    auto arg = next_word(rest);
    if (!is_warning && !iequals(key, "critical")) {
      errors.push_back("unknown repeat option " + ticked(key) + " ignored");
      continue;
    }
    auto& target = is_warning ? current.warning : current.critical;
    if (auto d = parse_duration(arg)) {
      target = *d;
    } else {
      target = 0;
      errors.push_back("invalid duration " + ticked(arg) + " for repeat "
                       + ticked(key) + "; using 0");
    }
  }
  return current;
}

} // namespace tributary::health
