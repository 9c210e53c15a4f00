#include "health/host_health.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace tributary::health;

namespace {

constexpr const char* config = R"(
 alarm: fake_level
    on: fake.c1
lookup: average -3s unaligned of d0
 every: 1s
 units: things
  warn: $this > 1005
  crit: $this > 1015
  info: level of $family

 alarm: fake_ratio
    on: fake.c1
  calc: $d1 / $d0 * 100
 every: 2s
  warn: $this > 200
  crit: $fake_level > 2000

template: fake_dim
      on: fake.c2
  lookup: max -2s unaligned foreach d0,d2
   every: 1s
    warn: $this > 2025

template: fake_level
      on: fake.c1
    calc: 1
   every: 1s
)";

chart_snapshot chart(int c, int64_t first, int64_t last) {
  chart_snapshot s;
  s.facts.id = "fake.c" + std::to_string(c);
  s.facts.name = s.facts.id;
  s.facts.context = s.facts.id;
  s.facts.family = "fake";
  s.facts.plugin = "ndfakechild";
  s.facts.module = "fake";
  for (auto d : {"d0", "d1", "d2"})
    s.facts.dimensions.emplace_back(d, d);
  s.units = "units";
  s.update_every = 1;
  s.first_entry = first;
  s.last_entry = last;
  return s;
}

lookup_row row(std::vector<double> values) {
  lookup_row r;
  r.ids = {"d0", "d1", "d2"};
  r.names = r.ids;
  r.values = std::move(values);
  return r;
}

struct fixture {
  load_result defs = parse_health_text(config, "test.conf");
  host_health h{defs, host_facts{"linux", "child"}, 1000, 100};
};

} // namespace

TEST_SUITE("host health") {

TEST_CASE_FIXTURE(fixture, "alarms and templates link to their charts, logging UNINITIALIZED") {
  INFO(defs.diagnostics.size());
  REQUIRE(defs.ok());
  h.link({chart(1, 1000, 1010), chart(2, 1000, 1010), chart(3, 1000, 1010)}, 1010);
  auto& a = h.alerts();
  // fake_level the template yields to fake_level the alarm on fake.c1.
  CHECK(a.size() == 4);
  REQUIRE(a.count("fake.c1/fake_level") == 1);
  CHECK(a.at("fake.c1/fake_level").def->is_template == false);
  CHECK(a.count("fake.c1/fake_ratio") == 1);
  CHECK(a.count("fake.c2/fake_dim_d0") == 1);
  CHECK(a.count("fake.c2/fake_dim_d2") == 1);
  CHECK(a.count("fake.c2/fake_dim_d1") == 0);
  auto& level = a.at("fake.c1/fake_level").state;
  CHECK(level.units == "things");
  CHECK(level.info == "level of fake");
  CHECK(a.at("fake.c2/fake_dim_d0").state.units == "units");
  CHECK(a.at("fake.c2/fake_dim_d0").api_chart == "fake.c2");
  CHECK(h.log().entries().size() == 4);
  CHECK(h.log().entries().front().new_status == status::uninitialized);
  CHECK(h.take_problems().empty());
  // Linking again adds nothing.
  h.link({chart(1, 1000, 1011), chart(2, 1000, 1011)}, 1011);
  CHECK(h.alerts().size() == 4);
  CHECK(h.log().entries().size() == 4);
}

TEST_CASE_FIXTURE(fixture, "due: collected twice, enough history for the lookup window") {
  h.link({chart(1, 1000, 1000), chart(2, 1000, 1001)}, 1001);
  // fake.c1 has one point only: nothing on it is due.
  auto due = h.due(1001);
  CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 0);
  h.link({chart(1, 1000, 1002), chart(2, 1000, 1002)}, 1002);
  // -3s: the window must start no earlier than one update before the
  // first stored point.
  due = h.due(1001);
  CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 0);
  CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_ratio") == 1);
  due = h.due(1002);
  CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 1);
  due = h.due(1004);
  CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 1);
  auto q = h.query_for("fake.c1/fake_level", 1004);
  REQUIRE(q.has_value());
  CHECK(q->chart_id == "fake.c1");
  CHECK(q->group == "average");
  CHECK(q->after == -3);
  CHECK(q->before == 0);
  CHECK_FALSE(h.query_for("fake.c1/fake_ratio", 1004).has_value());
}

TEST_CASE_FIXTURE(fixture, "evaluation: lookup, calc with dimensions and alarm variables, status changes") {
  h.link({chart(1, 1000, 1010), chart(2, 1000, 1010)}, 1010);
  auto last = row({1000, 3000, 1020});
  h.evaluate("fake.c1/fake_level", row({1004, 2500, 7}), last, 1010);
  auto& level = h.alerts().at("fake.c1/fake_level").state;
  CHECK(level.value == 1004); // of d0 only
  CHECK(level.current == status::clear);
  CHECK(level.next_update == 1011);
  CHECK(h.alerts().at("fake.c1/fake_level").db_before == 1010);
  CHECK(h.alerts().at("fake.c1/fake_level").db_after == 1007);
  h.evaluate("fake.c1/fake_level", row({1010, 2500, 7}), last, 1011);
  CHECK(level.current == status::warning);
  h.evaluate("fake.c1/fake_ratio", std::nullopt, last, 1011);
  auto& ratio = h.alerts().at("fake.c1/fake_ratio").state;
  CHECK(ratio.value == doctest::Approx(300.0));
  CHECK(ratio.current == status::warning);
  h.evaluate("fake.c1/fake_level", row({2001, 2500, 7}), last, 1012);
  CHECK(level.current == status::critical);
  // $fake_level reads the other alarm of the chart.
  h.evaluate("fake.c1/fake_ratio", std::nullopt, last, 1013);
  CHECK(ratio.current == status::critical);
  // A failed lookup makes the value NaN: `$this > 1005` is false, CLEAR.
  h.evaluate("fake.c1/fake_level", std::nullopt, last, 1014);
  CHECK(std::isnan(level.value));
  CHECK(level.current == status::clear);
  // foreach: each instance folds its own dimension.
  h.evaluate("fake.c2/fake_dim_d2", row({2000, 2010, 2030}), last, 1014);
  CHECK(h.alerts().at("fake.c2/fake_dim_d2").state.value == 2030);
  CHECK(h.alerts().at("fake.c2/fake_dim_d2").state.current == status::warning);
  h.evaluate("fake.c2/fake_dim_d0", row({2000, 2010, 2030}), last, 1014);
  CHECK(h.alerts().at("fake.c2/fake_dim_d0").state.current == status::clear);
  // The log holds every transition, newest first; due notifications.
  auto& log = h.log().entries();
  CHECK(log.front().name == "fake_dim_d0");
  auto due = h.take_notifications(1014);
  CHECK_FALSE(due.empty());
}

TEST_CASE("an expression that does not parse is reported at its line") {
  auto defs = parse_health_text(" alarm: broken\n    on: fake.c1\n  calc: 1\n every: 1s\n"
                                "  warn: $this >\n",
                                "bad.conf");
  host_health h{defs, host_facts{"linux", "child"}, 1000, 1};
  h.link({chart(1, 1000, 1010)}, 1010);
  auto problems = h.take_problems();
  // Either the loader or the linker names bad.conf:5.
  bool named = false;
  for (auto& p : problems)
    named = named || p.rfind("bad.conf:5:", 0) == 0;
  for (auto& d : defs.diagnostics)
    named = named || (d.file == "bad.conf" && d.line == 5);
  CHECK(named);
}

} // TEST_SUITE
