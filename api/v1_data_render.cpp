// /api/v1/data rendered as json, array, ssv and ssvcomma (the tables in
// api_data_tables.cpp), and wrapped by options=jsonwrap.

#include "api/json_writer.hpp"
#include "api/numbers.hpp"
#include "api/text_fix.hpp"
#include "api/v1.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tributary::api {

std::string render_data(const data_result& res, std::string_view format,
                        bool epoch_times, bool min2max) {
  auto ndims = res.dimension_names.size();
  auto rows = res.times.size();
  if (format == "json") {
    std::string out;
    out.reserve(64 + rows * (16 + ndims * 24));
    json_writer w{out};
    w.begin_object();
    w.key("labels").begin_array();
    w.value("time");
    for (auto& n : res.dimension_names)
      w.value(n);
    w.end_array();
    w.key("data").begin_array();
    for (size_t r = rows; r-- > 0;) { // newest first, as Netdata
      w.begin_array();
      w.value(res.times[r]);
      for (size_t d = 0; d < ndims; ++d)
        w.value(seven_decimals(res.values[r * ndims + d]));
      w.end_array();
    }
    w.end_array();
    w.end_object();
    return out;
  }
  if (format == "array" || format == "ssv" || format == "ssvcomma") {
    // One value per row, newest first: the sum of its dimensions, or their
    // spread with min2max.
    auto separator = format == "ssv" ? " " : ",";
    std::string out = format == "array" ? "[" : "";
    char buf[64];
    for (size_t r = rows; r-- > 0;) {
      double sum = 0, lo = 0, hi = 0;
      bool any = false;
      for (size_t d = 0; d < ndims; ++d) {
        auto v = res.values[r * ndims + d];
        if (std::isnan(v))
          continue;
        sum += v;
        lo = any ? std::min(lo, v) : v;
        hi = any ? std::max(hi, v) : v;
        any = true;
      }
      if (r + 1 != rows)
        out += separator;
      out += any ? fixed7(min2max ? hi - lo : sum, buf, sizeof(buf)) : "null";
    }
    if (format == "array")
      out += "]";
    return out;
  }
  return render_data_table(res, format, epoch_times);
}

namespace {

void write_values_or_null(json_writer& w, const std::vector<double>& values) {
  if (values.empty()) {
    w.null();
    return;
  }
  w.begin_array();
  for (auto x : values)
    w.value(x);
  w.end_array();
}

} // namespace

std::string render_data_wrapped(const data_result& res, std::string_view format,
                                const data_view& view, const data_wrap& wrap) {
  auto ndims = res.dimension_ids.size();
  auto rows = res.times.size();
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("api", int64_t{1});
  auto& q = wrap.query;
  auto options = data_view_text(view);
  auto id = "chart://host:" + wrap.hostname + "/instance:" + res.chart_id
            + "/dimensions:"
            + (view.dimensions.empty() ? std::string{"*"} : view.dimensions)
            + "/after:" + std::to_string(q.after) + "/before:"
            + std::to_string(q.before) + "/points:" + std::to_string(q.points)
            + "/group:" + q.group + "/options:" + options;
  w.member("id", id);
  w.member("name", id);
  w.member("view_update_every", wrap.view_update_every);
  w.member("update_every", res.update_every);
  w.member("first_entry", res.first_entry);
  w.member("last_entry", res.last_entry);
  w.member("before", res.before);
  w.member("after", res.after);
  w.member("group", q.group);
  // A window given in absolute times gets exactly the points asked for
  // ("virtual"); a relative one the stored points ("natural"), as 1.37.1
  // decides (an absolute time is further than 3 years from 0).
  constexpr int64_t relative_max = int64_t{3} * 365 * 86400;
  bool relative = std::llabs(q.after) <= relative_max
                  || std::llabs(q.before) <= relative_max;
  options += options.empty() ? "" : ",";
  options += relative ? "natural-points" : "virtual-points";
  w.member("options", options);
  w.key("dimension_names").begin_array();
  for (auto& n : res.dimension_names)
    w.value(n);
  w.end_array();
  w.key("dimension_ids").begin_array();
  for (auto& i : res.dimension_ids)
    w.value(i);
  w.end_array();
  w.key("functions").begin_array().end_array();
  // The newest row: last unless flip reversed them.
  size_t newest
      = rows > 0 && res.times.front() > res.times.back() ? 0 : rows - 1;
  std::vector<double> latest, view_latest;
  for (size_t d = 0; d < ndims; ++d) {
    auto it = wrap.latest_values.find(res.dimension_ids[d]);
    double x = it == wrap.latest_values.end() ? NAN : it->second;
    latest.push_back(std::isnan(x) ? x : seven_decimals(x));
    if (rows > 0)
      view_latest.push_back(seven_decimals(res.values[newest * ndims + d]));
  }
  w.key("latest_values");
  write_values_or_null(w, latest);
  w.key("view_latest_values");
  write_values_or_null(w, view_latest);
  w.member("dimensions", static_cast<int64_t>(ndims));
  w.member("points", static_cast<int64_t>(rows));
  w.member("format", format);
  // Points read from storage: every stored dimension over the window.
  int64_t span = res.before >= res.after && res.update_every > 0
                     ? (res.before - res.after) / res.update_every + 1
                     : 0;
  w.key("db_points_per_tier").begin_array();
  w.value(rows > 0 ? span * wrap.stored_dimensions : int64_t{0});
  w.value(int64_t{0});
  w.value(int64_t{0});
  w.end_array();
  bool epoch = view.seconds || view.milliseconds;
  auto body = render_data(res, format, epoch, view.min2max);
  w.key("result");
  if (format == "json" || format == "array")
    w.raw(body);
  else
    w.value(body);
  // min and max of what "result" shows: each row's sum for array, every
  // value otherwise.
  double min = 0, max = 0;
  bool any = false;
  auto count = [&](double x) {
    if (std::isnan(x))
      return;
    x = seven_decimals(x);
    min = any ? std::min(min, x) : x;
    max = any ? std::max(max, x) : x;
    any = true;
  };
  for (size_t r = 0; r < rows; ++r) {
    if (format == "array") {
      double sum = 0;
      bool some = false;
      for (size_t d = 0; d < ndims; ++d)
        if (auto x = res.values[r * ndims + d]; !std::isnan(x)) {
          sum += x;
          some = true;
        }
      if (some)
        count(sum);
      continue;
    }
    for (size_t d = 0; d < ndims; ++d)
      count(res.values[r * ndims + d]);
  }
  if (wrap.dropped_zeros && format != "array")
    count(0);
  w.member("min", min);
  w.member("max", max);
  w.end_object();
  return out;
}

} // namespace tributary::api
