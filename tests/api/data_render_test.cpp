#include "api/v1.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace tributary;

namespace {

/// Three rows (t = 10, 11, 12) of a, b, z: z is zero throughout, b has a gap.
data_result three_rows() {
  data_result r;
  r.chart_id = r.chart_name = "system.test";
  r.update_every = 1;
  r.first_entry = 1;
  r.last_entry = 13;
  r.after = 10;
  r.before = 12;
  r.dimension_ids = {"a", "b", "z"};
  r.dimension_names = {"A", "b", "z"};
  r.times = {10, 11, 12};
  r.values = {1, 3, 0, -2, NAN, 0, 4, 4, 0};
  return r;
}

api::data_view view_of(const std::string& options,
                       const std::string& dimensions = "") {
  std::map<std::string, std::string> q{{"options", options}};
  if (!dimensions.empty())
    q["dimensions"] = dimensions;
  return api::parse_data_view(q);
}

/// The answer as the request handler builds it.
std::string render(data_result res, const api::data_view& view,
                   const std::string& format, api::data_wrap* wrap = nullptr) {
  if (wrap != nullptr)
    api::prepare_data_wrap(res, view, *wrap);
  REQUIRE(api::apply_data_view(res, view));
  if (wrap != nullptr)
    return api::render_data_wrapped(res, format, view, *wrap);
  return api::render_data(res, format, view.seconds || view.milliseconds,
                          view.min2max);
}

} // namespace

TEST_CASE("data options: Netdata's names, order and aliases") {
  auto opt = view_of("ms|flip|jsonwrap|nonzero|unknown");
  CHECK(opt.milliseconds);
  CHECK(opt.oldest_first);
  CHECK(opt.jsonwrap);
  CHECK(opt.nonzero);
  CHECK(api::data_view_text(opt) == "nonzero,flip,jsonwrap,ms");
  opt = view_of("absolute,percentage reversed null2zero seconds");
  CHECK(api::data_view_text(opt) == "flip,abs,seconds,null2zero,percentage");
}

TEST_CASE("jsonwrap wraps the rows with the query's facts") {
  auto res = three_rows();
  auto opt = view_of("jsonwrap|nonzero|flip|ms");
  api::data_wrap wrap;
  wrap.hostname = "h";
  wrap.query.chart = "system.test";
  wrap.query.after = -3;
  wrap.query.points = 3;
  wrap.latest_values = {{"a", 5}, {"b", NAN}, {"z", 0}};
  auto doc = nlohmann::json::parse(render(res, opt, "json", &wrap));
  std::vector<std::string> keys;
  auto ordered = nlohmann::ordered_json::parse(render(res, opt, "json", &wrap));
  for (auto& [k, v] : ordered.items())
    keys.push_back(k);
  CHECK(keys
        == std::vector<std::string>{"api",
                                    "id",
                                    "name",
                                    "view_update_every",
                                    "update_every",
                                    "first_entry",
                                    "last_entry",
                                    "before",
                                    "after",
                                    "group",
                                    "options",
                                    "dimension_names",
                                    "dimension_ids",
                                    "functions",
                                    "latest_values",
                                    "view_latest_values",
                                    "dimensions",
                                    "points",
                                    "format",
                                    "db_points_per_tier",
                                    "result",
                                    "min",
                                    "max"});
  CHECK(doc["id"]
        == "chart://host:h/instance:system.test/dimensions:*/after:-3/"
           "before:0/points:3/group:average/options:nonzero,flip,jsonwrap,ms");
  CHECK(doc["options"] == "nonzero,flip,jsonwrap,ms,natural-points");
  CHECK(doc["dimension_ids"] == nlohmann::json{"a", "b"}); // z is all zero
  CHECK(doc["latest_values"] == nlohmann::json{5, nullptr});
  CHECK(doc["view_latest_values"] == nlohmann::json{4, 4});
  CHECK(doc["dimensions"] == 2);
  CHECK(doc["points"] == 3);
  CHECK(doc["result"]["labels"] == nlohmann::json{"time", "A", "b"});
  CHECK(doc["result"]["data"][0]
        == nlohmann::json{10000, 1, 3}); // flip: oldest first
  CHECK(doc["result"]["data"][1] == nlohmann::json{11000, -2, nullptr});
  CHECK(doc["min"] == -2); // z (zero) is left out but still counts
  CHECK(doc["max"] == 4);
  opt.nonzero = false;
  doc = nlohmann::json::parse(render(res, opt, "json", &wrap));
  CHECK(doc["min"] == -2);
  CHECK(doc["max"] == 4);
}

TEST_CASE("format=array sums each row; dimensions, abs and percentage") {
  auto res = three_rows();
  CHECK(nlohmann::json::parse(render(res, view_of("absolute"), "array"))
        == nlohmann::json{8, 2, 4}); // newest first
  CHECK(nlohmann::json::parse(render(res, view_of("absolute", "A|z"), "array"))
        == nlohmann::json{4, 2, 1});
  auto doc = nlohmann::json::parse(
      render(res, view_of("percentage|null2zero", "b"), "json"));
  CHECK(doc["result"] == nullptr); // no wrap: the bare result
  CHECK(doc["labels"] == nlohmann::json{"time", "b"});
  CHECK(doc["data"][0] == nlohmann::json{12, 50});
  CHECK(doc["data"][1] == nlohmann::json{11, 0});
  CHECK(doc["data"][2] == nlohmann::json{10, 75});
}

TEST_CASE(
    "routes: an unknown /api/v1/ command is named, other paths are files") {
  auto r = api::parse_route("/api/v1/nosuch");
  CHECK(r.endpoint == "unsupported");
  CHECK(r.file_path == "nosuch");
  r = api::parse_route("/host/h/api/v1/data");
  CHECK(r.endpoint == "data");
  CHECK(r.host == "h");
  r = api::parse_route("/index.html");
  CHECK(r.endpoint == "static");
  CHECK(r.file_path == "/index.html");
}
