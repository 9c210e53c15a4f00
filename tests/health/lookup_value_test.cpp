#include "config/simple_pattern.hpp"
#include "health/lookup_value.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <functional>

using namespace tributary::health;
using tributary::config::simple_pattern;

namespace {

lookup_row cpu_row() {
  lookup_row r;
  r.ids = {"guest_nice", "guest",  "steal", "softirq", "irq",
           "user",       "system", "nice",  "iowait"};
  r.names = r.ids;
  r.values = {0, 0, 0.5, 1, 0, 30, 10, 2, NAN};
  return r;
}

/// `of DIMS` the way a lookup selects: by id or name, or only one of them.
std::function<bool(std::string_view, std::string_view)>
pattern(const char* text, bool ids = true, bool names = true) {
  auto p = simple_pattern::compile(text);
  REQUIRE(p.has_value());
  return [p = *p, ids, names](std::string_view id, std::string_view name) {
    return (ids && p.matches(id)) || (names && p.matches(name));
  };
}

} // namespace

TEST_SUITE("lookup") {

  TEST_CASE("every dimension with data is summed; all empty is NaN") {
    CHECK(fold_lookup(cpu_row(), {}) == doctest::Approx(43.5));
    lookup_row empty;
    empty.ids = {"a", "b"};
    empty.names = empty.ids;
    empty.values = {NAN, NAN};
    CHECK(std::isnan(fold_lookup(empty, {})));
  }

  TEST_CASE(
      "of DIMS selects by id or name; match-ids and match-names narrow it") {
    lookup_row r;
    r.ids = {"in", "out"};
    r.names = {"received", "sent"};
    r.values = {100, -40};
    lookup_fold f;
    f.selects = pattern("received");
    CHECK(fold_lookup(r, f) == 100);
    f.selects = pattern("received", true, false);
    CHECK(std::isnan(fold_lookup(r, f)));
    f.selects = pattern("in", false, true);
    CHECK(std::isnan(fold_lookup(r, f)));
    f.selects = pattern("in out");
    CHECK(fold_lookup(r, f) == 60);
    f.absolute = true;
    CHECK(fold_lookup(r, f) == 140);
    f.min2max = true;
    CHECK(fold_lookup(r, f) == 60);
  }

  TEST_CASE("percentage: the selected share of the total of all dimensions") {
    lookup_row r;
    r.ids = {"used", "free", "cached"};
    r.names = r.ids;
    r.values = {300, 600, 100};
    lookup_fold f;
    f.percentage = true;
    f.selects = pattern("used");
    CHECK(fold_lookup(r, f) == doctest::Approx(30.0));
    f.selects = pattern("used cached");
    CHECK(fold_lookup(r, f) == doctest::Approx(40.0));
  }

} // TEST_SUITE
