// What the console reads from a host: the handling time of its rows (every
// 16th timed, reset at each status read) and, on demand, its chart actors'
// status (the charts drill-down), bounded by the limit asked.

#include "api/console_model.hpp"
#include "tests/actors/host_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {
namespace {

struct status_fixture : host_fixture {
  status_fixture() {
    self->send(aut, atom::stream::value, true, false);
    run();
  }

  void rows(const std::string& id, int n) {
    for (int i = 0; i < n; ++i) {
      now_usec += 1000000;
      chart_row r;
      r.chart_id = id;
      r.now_usec = now_usec;
      r.values = {i};
      r.is_set = {1};
      self->send(aut, r);
    }
    run();
  }

  template <class... Ts>
  actor_status status_of(const Ts&... xs) {
    actor_status out;
    self->send(xs...);
    run();
    self->receive([&](actor_status& s) { out = std::move(s); },
                  caf::after(std::chrono::seconds(0)) >>
                      [] { FAIL("no status"); });
    return out;
  }
};

} // namespace

TEST_CASE_FIXTURE(status_fixture,
                  "a host reports the handling time of its rows, then starts "
                  "over") {
  self->send(aut, atom::define::value, make_chart("system.cpu"));
  run();
  auto s = status_of(aut, atom::status::value);
  CHECK(s.handling_p50_us < 0); // no row yet
  rows("system.cpu", 15);
  CHECK(status_of(aut, atom::status::value).handling_p50_us < 0); // 15 < 16
  rows("system.cpu", 32);
  s = status_of(aut, atom::status::value);
  CHECK(s.handling_p50_us > 0);
  CHECK(s.handling_p99_us >= s.handling_p50_us);
  CHECK(status_of(aut, atom::status::value).handling_p50_us < 0);
}

TEST_CASE_FIXTURE(status_fixture,
                  "the charts drill-down: its chart actors' status, at most "
                  "the limit") {
  for (auto id : {"a.one", "b.two", "c.three"})
    self->send(aut, atom::define::value, make_chart(id));
  run();
  rows("a.one", 16);
  self->send(aut, atom::status::value, atom::charts::value, int64_t{2});
  run();
  std::vector<actor_status> charts;
  self->receive([&](std::vector<actor_status>& all) { charts = all; },
                caf::after(std::chrono::seconds(0)) >>
                    [] { FAIL("no charts"); });
  REQUIRE(charts.size() == 2);
  for (auto& c : charts) {
    CHECK(c.kind == "chart");
    CHECK(c.parent == aut->id());
    CHECK(c.id != 0);
  }
  auto one = charts[0].name == "a.one" ? charts[0] : charts[1];
  CHECK(one.name == "a.one");
  CHECK(counter(one, "rows") == 16);
  CHECK(one.handling_p50_us > 0);
}

} // namespace tributary::test
