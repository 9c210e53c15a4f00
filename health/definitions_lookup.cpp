// The `lookup` line of health.d (docs/health.md "lookup lines").

#include "config/text.hpp"
#include "health/definition_words.hpp"
#include "health/definitions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tributary::health {

using namespace definition_words;
using config::trim;

namespace {

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
    errors.emplace_back("lookup without a method; line ignored");
    return result;
  }
  if (trim(rest).empty()) {
    errors.emplace_back("lookup " + ticked(method_word)
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
      errors.emplace_back("lookup option " + ticked(option)
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
      errors.emplace_back("lookup `foreach` without dimensions");
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
        errors.emplace_back("lookup `of` without dimensions");
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

} // namespace tributary::health
