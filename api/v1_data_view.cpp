// /api/v1/data's query parameters and the options that reshape its rows.

#include "api/v1.hpp"
#include "config/simple_pattern.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>

namespace tributary::api {

namespace {

/// 1.37.1 reads numbers as C's strtol does: the leading digits, 0 when
/// there are none, clamped when out of range.
int64_t lenient_int(const std::string& text) {
  return std::strtoll(text.c_str(), nullptr, 10);
}

bool has_option(std::string_view options, std::string_view name) {
  while (!options.empty()) {
    auto end = options.find_first_of("|, ");
    if (options.substr(0, end) == name)
      return true;
    if (end == std::string_view::npos)
      break;
    options.remove_prefix(end + 1);
  }
  return false;
}

} // namespace

bool parse_data_query(const std::map<std::string, std::string>& q,
                      data_query& out) {
  auto chart = q.find("chart");
  if (chart == q.end() || chart->second.empty())
    return false;
  out.chart = chart->second;
  for (auto [name, field] :
       {std::pair{"after", &out.after}, std::pair{"before", &out.before},
        std::pair{"points", &out.points}, std::pair{"gtime", &out.gtime}}) {
    auto i = q.find(name);
    if (i != q.end() && !i->second.empty())
      *field = lenient_int(i->second);
  }
  out.gtime = std::max<int64_t>(out.gtime, 0);
  // 1.37.1 reads `tier` as its leading digits ("-1" is tier 0); any tier
  // past the agent's is ignored, so a huge one need not be exact.
  if (auto i = q.find("tier"); i != q.end() && !i->second.empty()) {
    int64_t t = 0;
    for (char c : i->second) {
      if (c < '0' || c > '9')
        break;
      t = std::min<int64_t>(t * 10 + (c - '0'), 1000);
    }
    out.tier = t;
  }
  // A negative count is "every natural point", as 0.
  out.points = std::max<int64_t>(out.points, 0);
  // Unknown groups fall back to average in the storage layer (1.37.1).
  if (auto i = q.find("group"); i != q.end() && !i->second.empty())
    out.group = i->second;
  if (auto i = q.find("options"); i != q.end()) {
    out.aligned = !has_option(i->second, "unaligned");
    // A percentage is of the row's total over every dimension, the hidden
    // ones included (1.37.1).
    out.all_dimensions = has_option(i->second, "percentage");
  }
  // dimensions= selects among the hidden dimensions too (1.37.1 shows a
  // hidden dimension its pattern matches).
  if (auto i = q.find("dimensions"); i != q.end() && !i->second.empty())
    out.all_dimensions = true;
  return true;
}

data_view parse_data_view(const std::map<std::string, std::string>& q) {
  data_view v;
  if (auto i = q.find("options"); i != q.end()) {
    std::string_view o = i->second;
    v.nonzero = has_option(o, "nonzero");
    v.null2zero = has_option(o, "null2zero");
    v.absolute = has_option(o, "absolute") || has_option(o, "abs")
                 || has_option(o, "absolute_sum")
                 || has_option(o, "absolute-sum");
    v.oldest_first = has_option(o, "flip") || has_option(o, "reversed")
                     || has_option(o, "reverse");
    v.jsonwrap = has_option(o, "jsonwrap");
    v.objectrows = has_option(o, "objectrows");
    v.unaligned = has_option(o, "unaligned");
    v.milliseconds = has_option(o, "ms") || has_option(o, "milliseconds");
    v.seconds = has_option(o, "seconds");
    v.percentage = has_option(o, "percentage");
    v.min2max = has_option(o, "min2max");
    bool ids = has_option(o, "match-ids") || has_option(o, "match_ids");
    bool names = has_option(o, "match-names") || has_option(o, "match_names");
    if (ids || names) {
      v.match_ids = ids;
      v.match_names = names;
    }
  }
  if (auto i = q.find("dimensions"); i != q.end())
    v.dimensions = i->second;
  return v;
}

std::string data_view_text(const data_view& view) {
  // Netdata's order and names.
  std::pair<bool, const char*> printed[] = {
      {view.nonzero, "nonzero"},       {view.oldest_first, "flip"},
      {view.jsonwrap, "jsonwrap"},     {view.min2max, "min2max"},
      {view.milliseconds, "ms"},       {view.absolute, "abs"},
      {view.seconds, "seconds"},       {view.null2zero, "null2zero"},
      {view.objectrows, "objectrows"}, {view.percentage, "percentage"},
      {view.unaligned, "unaligned"},
  };
  std::string out;
  for (auto [set, name] : printed) {
    if (!set)
      continue;
    if (!out.empty())
      out += ',';
    out += name;
  }
  return out;
}

void prepare_data_wrap(const data_result& res, const data_view& view,
                       data_wrap& wrap) {
  auto ndims = res.dimension_ids.size();
  auto rows = res.times.size();
  wrap.stored_dimensions = static_cast<int64_t>(ndims);
  for (bool h : res.hidden)
    wrap.stored_dimensions -= h;
  wrap.view_update_every = res.update_every;
  if (rows >= 2)
    wrap.view_update_every = res.times[1] - res.times[0];
  else if (rows == 1 && res.before > res.after)
    wrap.view_update_every = res.before - res.after + 1;
  // min and max count the dimensions nonzero leaves out (zero throughout)
  // as Netdata does; when every dimension is zero none is left out.
  if (view.nonzero && view.dimensions.empty() && rows > 0) {
    bool some_nonzero = false, some_zero_only = false;
    for (size_t d = 0; d < ndims; ++d) {
      if (d < res.hidden.size() && res.hidden[d])
        continue;
      bool nonzero = false, zero = view.null2zero;
      for (size_t r = 0; r < rows; ++r) {
        auto v = res.values[r * ndims + d];
        nonzero = nonzero || (!std::isnan(v) && v != 0);
        zero = zero || v == 0;
      }
      some_nonzero = some_nonzero || nonzero;
      some_zero_only = some_zero_only || (!nonzero && zero);
    }
    wrap.dropped_zeros = some_nonzero && some_zero_only;
  }
}

bool apply_data_view(data_result& res, const data_view& view) {
  auto ndims = res.dimension_ids.size();
  auto rows = res.times.size();
  // Each value as a share of its row's total over every dimension of the
  // chart, the ones dimensions= leaves out included (1.37.1).
  if (view.percentage) {
    for (size_t r = 0; r < rows; ++r) {
      double total = 0;
      for (size_t d = 0; d < ndims; ++d) {
        auto v = res.values[r * ndims + d];
        if (!std::isnan(v))
          total += view.absolute ? std::fabs(v) : v;
      }
      if (total == 0)
        total = 1;
      for (size_t d = 0; d < ndims; ++d)
        res.values[r * ndims + d] = res.values[r * ndims + d] * 100 / total;
    }
  }
  // Hidden dimensions were read for the percentages' totals only.
  std::vector<bool> keep(ndims, true);
  for (size_t d = 0; d < res.hidden.size() && d < ndims; ++d)
    keep[d] = !res.hidden[d];
  res.hidden.clear();
  if (!view.dimensions.empty()) {
    std::string words = view.dimensions;
    for (auto& c : words)
      if (c == '|' || c == ',')
        c = ' ';
    auto pattern = config::simple_pattern::compile(words);
    bool any = false;
    for (size_t d = 0; d < ndims; ++d) {
      // The pattern alone decides, hidden or not.
      keep[d] = pattern
                && ((view.match_ids && pattern->matches(res.dimension_ids[d]))
                    || (view.match_names
                        && pattern->matches(res.dimension_names[d])));
      any = any || keep[d];
    }
    if (!any)
      return false;
  }
  // Dimensions dimensions= selects stay even when zero (1.37.1 marks them
  // non-zero).
  if (view.nonzero && view.dimensions.empty()) {
    std::vector<bool> nonzero(ndims, false);
    bool any = false;
    for (size_t d = 0; d < ndims; ++d) {
      for (size_t r = 0; r < rows && !nonzero[d]; ++r) {
        auto v = res.values[r * ndims + d];
        nonzero[d] = !std::isnan(v) && v != 0;
      }
      any = any || (keep[d] && nonzero[d]);
    }
    if (any)
      for (size_t d = 0; d < ndims; ++d)
        keep[d] = keep[d] && nonzero[d];
  }
  size_t kept = 0;
  for (bool k : keep)
    kept += k;
  if (kept != ndims) {
    std::vector<double> values;
    values.reserve(rows * kept);
    for (size_t r = 0; r < rows; ++r)
      for (size_t d = 0; d < ndims; ++d)
        if (keep[d])
          values.push_back(res.values[r * ndims + d]);
    res.values = std::move(values);
    size_t out = 0;
    for (size_t d = 0; d < ndims; ++d)
      if (keep[d]) {
        if (out != d) {
          res.dimension_ids[out] = std::move(res.dimension_ids[d]);
          res.dimension_names[out] = std::move(res.dimension_names[d]);
        }
        ++out;
      }
    res.dimension_ids.resize(kept);
    res.dimension_names.resize(kept);
    ndims = kept;
  }
  for (auto& v : res.values) {
    if (view.null2zero && std::isnan(v))
      v = 0;
    if (view.absolute)
      v = std::fabs(v);
  }
  // The formatters write newest first; reversing the rows makes them
  // write oldest first.
  if (view.oldest_first) {
    std::reverse(res.times.begin(), res.times.end());
    auto row_at = [&](size_t row) {
      return res.values.begin() + static_cast<std::ptrdiff_t>(row * ndims);
    };
    for (size_t a = 0, b = rows; a + 1 < b; ++a, --b)
      std::swap_ranges(row_at(a), row_at(a + 1), row_at(b - 1));
  }
  if (view.milliseconds)
    for (auto& t : res.times)
      t *= 1000;
  return true;
}

} // namespace tributary::api
