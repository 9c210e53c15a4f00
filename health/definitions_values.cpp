// Values inside health.d lines: durations, thresholds, names, and the
// `lookup`, `delay` and `repeat` mini-languages (docs/health.md "Keywords",
// "lookup lines", "Delay", "Repeat").

#include "config/text.hpp"
#include "health/definitions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tributary::health {

namespace {

using config::is_space;
using config::trim;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view x, std::string_view y) {
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (lower(x[i]) != lower(y[i]))
      return false;
  return true;
}

/// Splits off the next whitespace-separated word of `rest`.
std::string_view next_word(std::string_view& rest) {
  size_t i = 0;
  while (i < rest.size() && is_space(rest[i]))
    ++i;
  size_t j = i;
  while (j < rest.size() && !is_space(rest[j]))
    ++j;
  auto result = rest.substr(i, j - i);
  rest.remove_prefix(j);
  return result;
}

std::string ticked(std::string_view x) {
  return "`" + std::string{x} + "`";
}

/// Compiles `text`; an uncompilable pattern becomes an empty one (it matches
/// nothing) and an error.
simple_pattern compile_or_report(std::string_view text, std::string_view what,
                                 std::vector<std::string>& errors) {
  auto p = simple_pattern::compile(text);
  if (p)
    return std::move(*p);
  errors.push_back(std::string{what} + ": " + p.err().message
                   + "; it matches nothing");
  return simple_pattern{};
}

/// The `of` list: `,` `|` and control whitespace separate, a space belongs
/// to the name. Rewritten for the whitespace-separated pattern compiler.
std::string of_list_to_pattern(std::string_view text) {
  std::string result;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      result += c;
      result += text[++i];
    } else if (c == ',' || c == '|' || (is_space(c) && c != ' ')) {
      result += ' ';
    } else if (c == ' ') {
      result += "\\ ";
    } else {
      result += c;
    }
  }
  return result;
}

/// The `foreach` list: `,` and `|` become spaces.
std::string foreach_list_to_pattern(std::string_view text) {
  std::string result{text};
  for (auto& c : result)
    if (c == ',' || c == '|')
      c = ' ';
  return result;
}

} // namespace

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

// -- lookup
// --------------------------------------------------------------------

std::string_view to_string(lookup_method x) noexcept {
  switch (x) {
  case lookup_method::average:
    return "average";
  case lookup_method::min:
    return "min";
  case lookup_method::max:
    return "max";
  case lookup_method::sum:
    return "sum";
  case lookup_method::incremental_sum:
    return "incremental_sum";
  case lookup_method::median:
    return "median";
  case lookup_method::trimmed_median:
    return "trimmed-median";
  case lookup_method::trimmed_mean:
    return "trimmed-mean";
  case lookup_method::percentile:
    return "percentile";
  case lookup_method::stddev:
    return "stddev";
  case lookup_method::cv:
    return "cv";
  case lookup_method::variance:
    return "variance";
  case lookup_method::ses:
    return "ses";
  case lookup_method::des:
    return "des";
  case lookup_method::countif:
    return "countif";
  }
  return "unknown";
}

std::optional<std::pair<lookup_method, int>>
parse_lookup_method(std::string_view word) {
  using m = lookup_method;
  struct plain {
    std::string_view name;
    m method;
  };
  static constexpr plain plains[] = {
      {"average", m::average},
      {"mean", m::average},
      {"min", m::min},
      {"max", m::max},
      {"sum", m::sum},
      {"incremental_sum", m::incremental_sum},
      {"incremental-sum", m::incremental_sum},
      {"median", m::median},
      {"stddev", m::stddev},
      {"cv", m::cv},
      {"rsd", m::cv},
      {"variance", m::variance},
      {"ses", m::ses},
      {"ema", m::ses},
      {"ewma", m::ses},
      {"des", m::des},
      {"countif", m::countif},
  };
  for (const auto& p : plains)
    if (word == p.name)
      return std::pair{p.method, 0};
  struct family {
    std::string_view prefix;
    m method;
    int bare;
    std::initializer_list<int> allowed;
  };
  const family families[] = {
      {"trimmed-median", m::trimmed_median, 5, {1, 2, 3, 5, 10, 15, 20, 25}},
      {"trimmed-mean", m::trimmed_mean, 5, {1, 2, 3, 5, 10, 15, 20, 25}},
      {"percentile", m::percentile, 95, {25, 50, 75, 80, 90, 95, 97, 98, 99}},
  };
  for (const auto& f : families) {
    if (word.substr(0, f.prefix.size()) != f.prefix)
      continue;
    auto suffix = word.substr(f.prefix.size());
    if (suffix.empty())
      return std::pair{f.method, f.bare};
    for (int n : f.allowed)
      if (suffix == std::to_string(n))
        return std::pair{f.method, n};
  }
  return std::nullopt;
}

bool lookup_spec::selects(std::string_view id, std::string_view name) const {
  if (!dimension_filter)
    return true;
  if (match_ids && !match_names)
    return dimension_filter->matches(id);
  if (match_names && !match_ids)
    return dimension_filter->matches(name);
  return dimension_filter->matches(id) || dimension_filter->matches(name);
}

lookup_parse parse_lookup(std::string_view value) {
  lookup_parse result;
  auto& errors = result.errors;
  auto rest = value;
  auto method_word = next_word(rest);
  if (method_word.empty()) {
    errors.push_back("lookup without a method; line ignored");
    return result;
  }
  if (trim(rest).empty()) {
    errors.push_back("lookup " + ticked(method_word)
                     + " without a time window; line ignored");
    return result;
  }
  auto method = parse_lookup_method(method_word);
  if (!method) {
    errors.push_back("unknown lookup method " + ticked(method_word)
                     + "; line ignored");
    return result;
  }
  lookup_spec spec;
  spec.method_name = std::string{method_word};
  spec.method = method->first;
  spec.method_parameter = method->second;
  auto after_word = next_word(rest);
  if (auto d = parse_duration(after_word)) {
    spec.after = *d;
  } else {
    errors.push_back("invalid lookup duration " + ticked(after_word)
                     + "; using 0");
  }
  result.every = spec.after < 0 ? -spec.after : spec.after;
  auto duration_arg = [&](std::string_view option, int64_t& target) {
    auto word = next_word(rest);
    if (word.empty()) {
      errors.push_back("lookup option " + ticked(option)
                       + " without a duration");
      return;
    }
    if (auto d = parse_duration(word)) {
      target = *d;
    } else {
      target = 0;
      errors.push_back("invalid duration " + ticked(word) + " after lookup "
                       + ticked(option) + "; using 0");
    }
  };
  auto parse_foreach = [&](std::string_view text) {
    text = trim(text);
    if (text.empty()) {
      errors.push_back("lookup `foreach` without dimensions");
      return;
    }
    spec.foreach_dimensions = std::string{text};
    spec.foreach_filter = compile_or_report(foreach_list_to_pattern(text),
                                            "lookup foreach", errors);
  };
  for (;;) {
    auto word = next_word(rest);
    if (word.empty())
      break;
    if (iequals(word, "at")) {
      duration_arg(word, spec.before);
    } else if (iequals(word, "every")) {
      duration_arg(word, result.every);
    } else if (iequals(word, "absolute") || iequals(word, "abs")
               || iequals(word, "absolute_sum")) {
      spec.absolute = true;
    } else if (iequals(word, "min2max")) {
      spec.min2max = true;
    } else if (iequals(word, "percentage")) {
      spec.percentage = true;
    } else if (iequals(word, "null2zero")) {
      spec.null2zero = true;
    } else if (iequals(word, "unaligned")) {
      spec.unaligned = true;
    } else if (iequals(word, "anomaly-bit")) {
      spec.anomaly_bit = true;
    } else if (iequals(word, "match-ids") || iequals(word, "match_ids")) {
      spec.match_ids = true;
    } else if (iequals(word, "match-names") || iequals(word, "match_names")) {
      spec.match_names = true;
    } else if (iequals(word, "of")) {
      // Everything up to a literal " foreach" (any case) is the list.
      auto list = trim(rest);
      std::string folded;
      for (char c : list)
        folded += lower(c);
      auto cut = folded.find(" foreach");
      auto dims = list.substr(0, cut);
      if (cut != std::string::npos)
        parse_foreach(list.substr(cut + 8));
      if (dims.empty()) {
        errors.push_back("lookup `of` without dimensions");
      } else {
        spec.dimensions = std::string{dims};
        if (dims != "all")
          spec.dimension_filter = compile_or_report(of_list_to_pattern(dims),
                                                    "lookup of", errors);
      }
      break;
    } else if (iequals(word, "foreach")) {
      parse_foreach(rest);
      break;
    } else {
      errors.push_back("unknown lookup option " + ticked(word) + " ignored");
    }
  }
  result.lookup = std::move(spec);
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
