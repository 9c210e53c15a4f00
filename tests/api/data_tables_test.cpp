#include "api/v1.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace tributary;

namespace {

/// Two rows (t = 10, 11) of A and b; b has a gap at 11.
data_result two_rows() {
  data_result r;
  r.chart_id = r.chart_name = "system.test";
  r.update_every = 1;
  r.first_entry = 1;
  r.last_entry = 11;
  r.dimension_ids = {"a", "b"};
  r.dimension_names = {"A", "b"};
  r.times = {10, 11};
  r.values = {1.5, 2, -3, NAN};
  return r;
}

} // namespace

TEST_CASE("format=markdown, html and csvjsonarray: csv's cells in other "
          "marks") {
  auto res = two_rows();
  CHECK(api::render_data(res, "markdown", true)
        == "time|A|b\r\n:---:|:---:|:---:\r\n11|-3|null\r\n10|1.5|2\r\n");
  CHECK(api::render_data(res, "html", true)
        == "<html>\n<center>\n<table border=\"0\" cellpadding=\"5\" "
           "cellspacing=\"5\">\n<tr><td>time</td><td>A</td><td>b</td></tr>\n"
           "<tr><td>11</td><td>-3</td><td>null</td></tr>\n"
           "<tr><td>10</td><td>1.5</td><td>2</td></tr>\n"
           "</table>\n</center>\n</html>\n");
  auto array = api::render_data(res, "csvjsonarray", true);
  CHECK(array == "[\n[\"time\",\"A\",\"b\"],\n[11,-3,null],\n[10,1.5,2]\n]");
  CHECK(nlohmann::json::parse(array)[1] == nlohmann::json{11, -3, nullptr});
}

TEST_CASE("format=datatable and datasource: a Google Visualization table") {
  auto res = two_rows();
  auto doc = nlohmann::json::parse(api::render_data(res, "datatable"));
  REQUIRE(doc["cols"].size() == 5);
  CHECK(doc["cols"][0]["type"] == "datetime");
  CHECK(doc["cols"][1]["p"]["role"] == "annotation");
  CHECK(doc["cols"][3]["label"] == "A");
  REQUIRE(doc["rows"].size() == 2);
  auto newest = doc["rows"][0]["c"];
  CHECK(newest[0]["v"].get<std::string>().rfind("Date(", 0) == 0);
  CHECK(newest[1]["v"] == nullptr);
  CHECK(newest[3]["v"] == -3);
  CHECK(newest[4]["v"] == nullptr);

  auto js = api::render_datasource(res, "reqId:7;version:0.5");
  CHECK(js.rfind("google.visualization.Query.setResponse({version:'0.5',"
                 "reqId:'7',status:'ok',sig:'11',table:{",
                 0)
        == 0);
  // The table itself is the same JSON as datatable's.
  auto table = js.substr(js.find("table:") + 6);
  table.resize(table.size() - 3);
  CHECK(nlohmann::json::parse(table) == doc);
  CHECK(js.substr(js.size() - 3) == "});");
  // A client that holds the newest data gets "not modified".
  CHECK(api::render_datasource(res, "sig:11").find("not_modified")
        != std::string::npos);
}

TEST_CASE("data formats: content types and unknown formats") {
  CHECK(api::known_data_format("markdown") == "markdown");
  CHECK(api::known_data_format("nosuch") == "json");
  CHECK(api::data_content_type("html") == "text/html; charset=utf-8");
  CHECK(api::data_content_type("datasource")
        == "application/x-javascript; charset=utf-8");
  CHECK(api::data_content_type("csvjsonarray")
        == "application/json; charset=utf-8");
  CHECK(api::data_content_type("markdown") == "text/plain; charset=utf-8");
}
