// /api/v1/data options and dimensions= applied after the query, and the
// lenient parameter parsing of 1.37.1 (tests/integration/
// test_query_matrix_vs_netdata.sh compares them with a real parent).
#include "api/v1.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>

namespace tributary::test {

namespace {

constexpr double gap = std::numeric_limits<double>::quiet_NaN();

data_result three_dims() {
  data_result r;
  r.dimension_ids = {"user", "system", "idle_id"};
  r.dimension_names = {"user", "system", "idle"};
  r.times = {10, 11, 12}; // oldest first
  r.values = {1,  0, gap, //
              -2, 0, gap, //
              3,  0, gap};
  return r;
}

api::data_view view_of(std::map<std::string, std::string> q) {
  return api::parse_data_view(q);
}

} // namespace

TEST_CASE("dimensions= selects by id or name, '|' or ',' separated, simple "
          "patterns") {
  auto r = three_dims();
  REQUIRE(api::apply_data_view(r, view_of({{"dimensions", "user,idle"}})));
  CHECK_EQ(r.dimension_names, std::vector<std::string>{"user", "idle"});
  CHECK_EQ(r.values.size(), 6u);
  CHECK_EQ(r.values[2], -2);

  r = three_dims();
  REQUIRE(api::apply_data_view(r, view_of({{"dimensions", "!user|*"}})));
  CHECK_EQ(r.dimension_names, std::vector<std::string>{"system", "idle"});

  r = three_dims();
  REQUIRE(api::apply_data_view(r, view_of({{"dimensions", "sys*"}})));
  CHECK_EQ(r.dimension_ids, std::vector<std::string>{"system"});
}

TEST_CASE(
    "match-ids and match-names restrict what dimensions= is matched against") {
  auto r = three_dims();
  CHECK_FALSE(api::apply_data_view(
      r, view_of({{"dimensions", "idle"}, {"options", "match-ids"}})));
  r = three_dims();
  REQUIRE(api::apply_data_view(
      r, view_of({{"dimensions", "idle"}, {"options", "match-names"}})));
  CHECK_EQ(r.dimension_ids, std::vector<std::string>{"idle_id"});
}

TEST_CASE("dimensions= matching nothing is a 404 for the caller") {
  auto r = three_dims();
  CHECK_FALSE(api::apply_data_view(r, view_of({{"dimensions", "nosuch"}})));
}

TEST_CASE("nonzero drops dimensions that are 0 or null in every row") {
  auto r = three_dims();
  REQUIRE(api::apply_data_view(r, view_of({{"options", "nonzero"}})));
  CHECK_EQ(r.dimension_ids, std::vector<std::string>{"user"});
  CHECK_EQ(r.values, std::vector<double>{1, -2, 3});
  // all zero: all stay
  data_result z;
  z.dimension_ids = z.dimension_names = {"a", "b"};
  z.times = {1};
  z.values = {0, 0};
  REQUIRE(api::apply_data_view(z, view_of({{"options", "nonzero"}})));
  CHECK_EQ(z.dimension_ids.size(), 2u);
  // dimensions= selected explicitly stay
  r = three_dims();
  REQUIRE(api::apply_data_view(
      r, view_of({{"options", "nonzero"}, {"dimensions", "user|system"}})));
  CHECK_EQ(r.dimension_ids, std::vector<std::string>{"user", "system"});
}

TEST_CASE("array, ssv and ssvcomma: one value per row, newest first") {
  auto r = three_dims();
  CHECK_EQ(api::render_data(r, "array"), "[3,-2,1]");
  CHECK_EQ(api::render_data(r, "ssv"), "3 -2 1");
  r.values[1] = 0.5;
  CHECK_EQ(api::render_data(r, "ssvcomma", false, true), "3,2,0.5");
}

TEST_CASE("null2zero, absolute, flip and ms") {
  auto r = three_dims();
  REQUIRE(
      api::apply_data_view(r, view_of({{"options", "null2zero|abs|flip|ms"}})));
  CHECK_EQ(r.times, std::vector<int64_t>{12000, 11000, 10000});
  CHECK_EQ(r.values, std::vector<double>{3, 0, 0, 2, 0, 0, 1, 0, 0});

  r = three_dims();
  REQUIRE(api::apply_data_view(r, view_of({{"options", "reversed,absolute"}})));
  CHECK_EQ(r.times, std::vector<int64_t>{12, 11, 10});
  CHECK(std::isnan(r.values[2]));
  CHECK_EQ(r.values[3], 2);
}

TEST_CASE("data parameters are read as 1.37.1 reads them") {
  data_query q;
  REQUIRE(api::parse_data_query({{"chart", "a.b"},
                                 {"after", "abc"},
                                 {"points", "-3"},
                                 {"before", "-10x"},
                                 {"group", "nosuch"},
                                 {"options", "unaligned|ms"}},
                                q));
  CHECK_EQ(q.after, 0);
  CHECK_EQ(q.before, -10);
  CHECK_EQ(q.points, 0);
  CHECK_EQ(q.group, "nosuch");
  CHECK_FALSE(q.aligned);
  CHECK_FALSE(q.all_dimensions);
  CHECK_EQ(q.gtime, 0);
  CHECK_FALSE(api::parse_data_query({{"after", "1"}}, q));
  REQUIRE(api::parse_data_query(
      {{"chart", "a.b"}, {"gtime", "60"}, {"options", "percentage"}}, q));
  CHECK_EQ(q.gtime, 60);
  // Percentages need the hidden dimensions' values for the total.
  CHECK(q.all_dimensions);
}

TEST_CASE("tier= is read as 1.37.1 reads it: its leading digits") {
  for (auto [text, tier] :
       {std::pair{"1", 1}, std::pair{"2x", 2}, std::pair{"-1", 0},
        std::pair{"x", 0}, std::pair{"99999999999999999999", 1000}}) {
    CAPTURE(text);
    data_query q;
    REQUIRE(api::parse_data_query({{"chart", "a.b"}, {"tier", text}}, q));
    CHECK_EQ(q.tier, tier);
  }
  data_query q;
  REQUIRE(api::parse_data_query({{"chart", "a.b"}, {"tier", ""}}, q));
  CHECK_EQ(q.tier, -1); // absent or empty: picked per window
}

TEST_CASE("hidden dimensions count in percentages, then are dropped") {
  data_result r;
  r.dimension_ids = r.dimension_names = {"user", "idle"};
  r.times = {1};
  r.values = {25, 75};
  r.hidden = {false, true};
  REQUIRE(api::apply_data_view(r, view_of({{"options", "percentage"}})));
  CHECK_EQ(r.dimension_ids, std::vector<std::string>{"user"});
  CHECK_EQ(r.values, std::vector<double>{25});
  CHECK(r.hidden.empty());
}

TEST_CASE("dimensions= selects hidden dimensions too, as 1.37.1 does") {
  data_query q;
  REQUIRE(
      api::parse_data_query({{"chart", "a.b"}, {"dimensions", "!user|*"}}, q));
  CHECK(q.all_dimensions);
  data_result r;
  r.dimension_ids = r.dimension_names = {"user", "system", "idle"};
  r.times = {1};
  r.values = {25, 5, 70};
  r.hidden = {false, false, true};
  REQUIRE(api::apply_data_view(r, view_of({{"dimensions", "!user|*"}})));
  CHECK_EQ(r.dimension_ids, std::vector<std::string>{"system", "idle"});
  CHECK_EQ(r.values, std::vector<double>{5, 70});
}

TEST_CASE(
    "percentage: of the row's total over every dimension, before dimensions=") {
  data_result r;
  r.dimension_ids = r.dimension_names = {"a", "b", "c"};
  r.times = {1, 2};
  r.values = {1, 3, gap, //
              0, 0, 0};
  REQUIRE(api::apply_data_view(
      r, view_of({{"options", "percentage"}, {"dimensions", "a"}})));
  CHECK_EQ(r.values, std::vector<double>{25, 0});
}

TEST_CASE("csv: 7 decimals without trailing zeros, null for a gap, Unix time "
          "on request") {
  auto r = three_dims();
  r.values[0] = 18870.72333333;
  auto csv = api::render_data(r, "csv", true);
  CHECK_EQ(csv, "time,user,system,idle\r\n12,3,0,null\r\n11,-2,0,null\r\n"
                "10,18870.7233333,0,null\r\n");
  CHECK_EQ(api::render_data(r, "tsv", true).substr(0, 34),
           "time\tuser\tsystem\tidle\r\n12\t3\t0\tnull");
  // local date and time by default
  csv = api::render_data(r, "csv");
  CHECK_NE(csv.find("\r\n19"), std::string::npos);
}

} // namespace tributary::test
