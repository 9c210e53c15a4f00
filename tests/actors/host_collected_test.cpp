// What allmetrics source=as-collected reads from a host: each dimension's
// last raw value with the wall clock of the row that set it, and whether a
// redefinition changed a dimension (only then does 1.37.1 check a chart's
// homogeneity).

#include "tests/actors/host_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {
namespace {

struct collected_fixture : host_fixture {
  collected_fixture() {
    self->send(aut, atom::stream::value, true, false);
    auto def = make_chart("disk.io");
    dimension_def b;
    b.id = "b";
    def.dimensions.push_back(b);
    self->send(aut, atom::define::value, def);
    run();
  }

  void row(std::vector<int64_t> values, std::vector<uint8_t> set) {
    now_usec += 1000000;
    chart_row r;
    r.chart_id = "disk.io";
    r.now_usec = now_usec;
    r.values = std::move(values);
    r.is_set = std::move(set);
    self->send(aut, r);
    run();
  }

  chart_collected collected(const std::string& id) {
    chart_collected out;
    self->send(aut, atom::query::value, atom::collected::value, id);
    run();
    self->receive([&](chart_collected& c) { out = std::move(c); },
                  [&](caf::error&) { out.values = {-1}; },
                  caf::after(std::chrono::seconds(0)) >>
                      [] { FAIL("no answer"); });
    return out;
  }

  bool homogeneity_check() {
    bool out = false;
    self->send(aut, atom::get::value, atom::charts::value);
    run();
    self->receive(
        [&](chart_listing& l) {
          REQUIRE(l.charts.size() == 1);
          out = l.charts[0].def->homogeneity_check;
        },
        caf::after(std::chrono::seconds(0)) >> [] { FAIL("no listing"); });
    return out;
  }
};

} // namespace

TEST_CASE_FIXTURE(collected_fixture,
                  "as-collected: each dimension's last raw value and when a "
                  "row set it") {
  row({10, 20}, {1, 1});
  auto first = now_usec;
  row({11, 0}, {1, 0}); // b not collected in this row
  auto c = collected("disk.io");
  REQUIRE(c.values.size() == 2);
  CHECK(c.values == std::vector<int64_t>{11, 20});
  CHECK(c.collections == std::vector<uint64_t>{2, 1});
  CHECK(c.time_usec == std::vector<uint64_t>{now_usec, first});
  CHECK(collected("no.such").values == std::vector<int64_t>{-1});
}

TEST_CASE_FIXTURE(collected_fixture,
                  "a redefinition that changes a dimension's multiplier "
                  "starts 1.37.1's homogeneity check") {
  CHECK_FALSE(homogeneity_check());
  auto def = make_chart("disk.io"); // the same again
  self->send(aut, atom::define::value, def);
  run();
  CHECK_FALSE(homogeneity_check());
  def.dimensions[0].multiplier = -1;
  self->send(aut, atom::define::value, def);
  run();
  CHECK(homogeneity_check());
  self->send(aut, atom::define::value, make_chart("disk.io"));
  run();
  CHECK(homogeneity_check()); // it stays checked
}

} // namespace tributary::test
