// Expected numbers are derived by hand from the rules in docs/storage.md
// (Netdata 1.37.1 rrdset_done semantics); each case says how.

#include "storage/value_math.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace tributary::storage;

namespace {

constexpr uint64_t sec = 1000000; // µs per second

struct fixture {
  chart_row_calculator aut;
  std::vector<row> out;

  explicit fixture(chart_config cfg = {}) : aut(cfg) {
    // nop
  }

  /// Collects one value per dimension at `t_usec`; returns the new rows.
  std::vector<row> at(uint64_t t_usec, std::vector<collected_value> xs) {
    out.clear();
    aut.collect(t_usec, xs, out);
    return out;
  }
};

dimension_config dim(algorithm a, int64_t mul = 1, int64_t div = 1) {
  dimension_config d;
  d.algo = a;
  d.multiplier = mul;
  d.divisor = div;
  return d;
}

} // namespace

TEST_CASE("algorithm names parse like a 1.37.1 parent") {
  CHECK(parse_algorithm("incremental") == algorithm::incremental);
  CHECK(parse_algorithm("percentage-of-absolute-row")
        == algorithm::percentage_of_absolute_row);
  CHECK(parse_algorithm("percentage-of-incremental-row")
        == algorithm::percentage_of_incremental_row);
  CHECK(parse_algorithm("") == algorithm::absolute);
  CHECK(parse_algorithm("bogus") == algorithm::absolute);
  CHECK(to_string(algorithm::incremental) == "incremental");
}

TEST_CASE("absolute: first collection stores nothing, then values as-is") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute));
  // 1000.0: clock anchored at 1000.5, last stored 1000; 1001 > 1000.5.
  CHECK(f.at(1000 * sec, {{0, 7}}).empty());
  CHECK(f.aut.last_collected_usec() == 1000 * sec + 500000);
  CHECK(f.aut.last_updated_usec() == 1000 * sec);
  // 1001.0: first BEGIN after the definition uses the wall clock (0.5 s),
  // the clock reaches 1001.0 = the grid point: value as collected.
  auto r = f.at(1001 * sec, {{0, 10}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].time_s == 1001);
  CHECK(r[0].values[0].value == 10);
  CHECK(r[0].values[0].flags == 0);
  r = f.at(1002 * sec, {{0, 12}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].time_s == 1002);
  CHECK(r[0].values[0].value == 12);
}

TEST_CASE("absolute: multiplier and divisor") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute, -8, 1000));
  f.at(1000 * sec, {{0, 1}});
  // 1500 × −8 ÷ 1000 = −12.
  auto r = f.at(1001 * sec, {{0, 1500}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(-12.0));
}

TEST_CASE("absolute: zero multiplier/divisor read as 1") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute, 0, 0));
  f.at(1000 * sec, {{0, 1}});
  auto r = f.at(1001 * sec, {{0, 42}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == 42);
}

TEST_CASE("absolute: unaligned collections are not interpolated") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute));
  // 1000.3: anchor 1000.5; 1001.3: 0.8 s later, 1 grid point → last
  // iteration → the calculated value itself.
  f.at(1000 * sec + 300000, {{0, 5}});
  auto r = f.at(1001 * sec + 300000, {{0, 10}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].time_s == 1001);
  CHECK(r[0].values[0].value == 10);
}

TEST_CASE("absolute: a missed collection is interpolated") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute));
  f.at(1000 * sec + 300000, {{0, 5}});
  f.at(1001 * sec + 300000, {{0, 10}});
  // 1003.3: points 1002 and 1003. 1002 interpolates between 10 (at 1001.3)
  // and 30 (at 1003.3): 10 + 20 × 0.7 / 2.0 = 17. 1003 is the last: 30.
  auto r = f.at(1003 * sec + 300000, {{0, 30}});
  REQUIRE(r.size() == 2);
  CHECK(r[0].time_s == 1002);
  CHECK(r[0].values[0].value == doctest::Approx(17.0));
  CHECK(r[1].time_s == 1003);
  CHECK(r[1].values[0].value == 30);
}

TEST_CASE("absolute: more than gap-when-lost iterations leaves a gap") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute));
  f.at(1000 * sec + 300000, {{0, 5}});
  f.at(1001 * sec + 300000, {{0, 10}});
  // 1004.3: 3 points. With the default of 1, Netdata stores a gap while the
  // remaining iterations are >= 3: 1002 is a gap. 1003 interpolates from
  // the moved start 1002.0: 10 + 23 × 1.0 / 2.3 = 20. 1004 = 33.
  auto r = f.at(1004 * sec + 300000, {{0, 33}});
  REQUIRE(r.size() == 3);
  CHECK(r[0].time_s == 1002);
  CHECK(r[0].values[0].empty());
  CHECK(r[1].values[0].value == doctest::Approx(20.0));
  CHECK(r[2].values[0].value == 33);
  CHECK(std::isnan(r[0].values[0].value));
}

TEST_CASE("a dimension not collected in a row is stored as a gap") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute));
  f.aut.add_dimension(dim(algorithm::absolute));
  f.at(1000 * sec, {{0, 1}, {1, 2}});
  f.at(1001 * sec, {{0, 1}, {1, 2}});
  auto r = f.at(1002 * sec, {{0, 3}, {1, std::nullopt}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == 3);
  CHECK(r[0].values[1].empty());
  CHECK(std::isnan(f.aut.last_stored_value(1)));
}

TEST_CASE("incremental: first two collections, then rates per second") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::incremental));
  // 1000.0: nothing (the first value of a counter gives no rate).
  CHECK(f.at(1000 * sec, {{0, 100}}).empty());
  // 1001.0: increment 100 over the 0.5 s since the anchor 1000.5, all of
  // it before the grid point 1001 → 100/s.
  auto r = f.at(1001 * sec, {{0, 200}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(100.0));
  r = f.at(1002 * sec, {{0, 350}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(150.0));
}

TEST_CASE("incremental: multiplier, divisor and update_every") {
  chart_config cfg;
  cfg.update_every = 2;
  fixture f{cfg};
  f.aut.add_dimension(dim(algorithm::incremental, 8, 1000));
  // 1000.0 (aligned to 2 s): anchor 1000.5, last stored 1000, next 1002.
  f.at(1000 * sec, {{0, 0}});
  // 1002.0: wall clock delta 1.5 s; 1000 × 8 / 1000 = 8 over 2 s = 4/s.
  auto r = f.at(1002 * sec, {{0, 1000}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].time_s == 1002);
  CHECK(r[0].values[0].value == doctest::Approx(4.0));
}

TEST_CASE("incremental: unaligned collections split increments at the grid") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::incremental));
  f.at(1000 * sec + 300000, {{0, 0}});
  // 1001.3: clock 1000.5 → 1001.3 (0.8 s, wall clock). 1000 × 0.5/0.8 = 625
  // goes to 1001, 375 is carried.
  auto r = f.at(1001 * sec + 300000, {{0, 1000}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(625.0));
  // 1002.3: 1000 × 0.7 = 700 + carry 375 = 1075 at 1002; carry 300.
  r = f.at(1002 * sec + 300000, {{0, 2000}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(1075.0));
  // 1003.3: 700 + 300 = 1000.
  r = f.at(1003 * sec + 300000, {{0, 3000}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(1000.0));
}

TEST_CASE("incremental: counter reset stores 0 with the reset flag") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::incremental));
  f.aut.add_dimension(dim(algorithm::absolute));
  f.at(1000 * sec, {{0, 1000}, {1, 1}});
  f.at(1001 * sec, {{0, 2000}, {1, 1}});
  f.at(1002 * sec, {{0, 3000}, {1, 1}});
  // 3000 → 500: wrapped delta on a 32-bit cap is 4294967295 − 3000 + 500,
  // far above 10% of the range → a reset: increment 0, and the whole row's
  // first point carries the reset flag.
  auto r = f.at(1003 * sec, {{0, 500}, {1, 1}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == 0);
  CHECK(r[0].values[0].flags == flag_reset);
  CHECK(r[0].values[1].flags == flag_reset);
  r = f.at(1004 * sec, {{0, 1500}, {1, 1}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(1000.0));
  CHECK(r[0].values[0].flags == 0);
}

TEST_CASE("incremental: 32-bit overflow is computed across the wrap") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::incremental));
  f.at(1000 * sec, {{0, 4294967000}});
  f.at(1001 * sec, {{0, 4294967200}});
  // cap 0xFFFFFFFF: 4294967295 − 4294967200 + 100 = 195 (Netdata's formula,
  // one less than the true 196), below 10% of the range → overflow.
  auto r = f.at(1002 * sec, {{0, 100}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(195.0));
  CHECK(r[0].values[0].flags == flag_reset);
}

TEST_CASE("incremental: noreset computes but raises no flag") {
  fixture f;
  auto d = dim(algorithm::incremental);
  d.detect_resets = false;
  f.aut.add_dimension(d);
  f.at(1000 * sec, {{0, 1000}});
  f.at(1001 * sec, {{0, 2000}});
  auto r = f.at(1002 * sec, {{0, 10}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == 0);
  CHECK(r[0].values[0].flags == 0);
}

TEST_CASE("percentage-of-absolute-row") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::percentage_of_absolute_row));
  f.aut.add_dimension(dim(algorithm::percentage_of_absolute_row));
  f.at(1000 * sec, {{0, 1}, {1, 1}});
  // 30 / (30 + 90) = 25%, 90 / 120 = 75%.
  auto r = f.at(1001 * sec, {{0, 30}, {1, 90}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(25.0));
  CHECK(r[0].values[1].value == doctest::Approx(75.0));
  // A zero total gives 0, not NaN.
  r = f.at(1002 * sec, {{0, 0}, {1, 0}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == 0);
  CHECK_FALSE(r[0].values[0].empty());
}

TEST_CASE("percentage-of-incremental-row") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::percentage_of_incremental_row));
  f.aut.add_dimension(dim(algorithm::percentage_of_incremental_row));
  f.at(1000 * sec, {{0, 100}, {1, 100}});
  // increments 30 and 90 of a total 120: 25% and 75%.
  auto r = f.at(1001 * sec, {{0, 130}, {1, 190}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].values[0].value == doctest::Approx(25.0));
  CHECK(r[0].values[1].value == doctest::Approx(75.0));
  // No increment at all: 0.
  r = f.at(1002 * sec, {{0, 130}, {1, 190}});
  CHECK(r[0].values[0].value == 0);
  // A decrease of one dimension is a reset: its increment counts as 0.
  // 0 / (0 + 60) = 0%, 60 / 60 = 100%.
  r = f.at(1003 * sec, {{0, 10}, {1, 250}});
  CHECK(r[0].values[0].value == doctest::Approx(0.0));
  CHECK(r[0].values[1].value == doctest::Approx(100.0));
  CHECK(r[0].values[1].flags == flag_reset);
}

TEST_CASE("store_first stores the very first collection") {
  chart_config cfg;
  cfg.store_first = true;
  fixture f{cfg};
  f.aut.add_dimension(dim(algorithm::absolute));
  // Anchor 1000.0 (no +0.5 s), last stored 999, next 1000 <= 1000.
  auto r = f.at(1000 * sec + 300000, {{0, 9}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].time_s == 1000);
  CHECK(r[0].values[0].value == 9);
}

TEST_CASE("trusted BEGIN microseconds drive the clock, not the wall clock") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::absolute));
  std::vector<row> out;
  f.aut.begin(0, 1000 * sec);
  f.aut.set(0, 1);
  f.aut.end(1000 * sec, out);
  f.aut.begin(1000000, 1001 * sec); // wall clock: 1001.0 − 1000.5
  f.aut.set(0, 2);
  f.aut.end(1001 * sec, out);
  CHECK(f.aut.last_collected_usec() == 1001 * sec);
  // Now trusted: the wall clock says 1090 but the chart advances 1 s.
  f.aut.begin(1000000, 1090 * sec);
  f.aut.set(0, 3);
  out.clear();
  f.aut.end(1090 * sec, out);
  CHECK(f.aut.last_collected_usec() == 1002 * sec);
  REQUIRE(out.size() == 1);
  CHECK(out[0].time_s == 1002);
  // sync_clock() (chart re-defined): the next BEGIN uses the wall clock.
  f.aut.sync_clock();
  f.aut.begin(1000000, 1004 * sec);
  f.aut.set(0, 4);
  out.clear();
  f.aut.end(1004 * sec, out);
  CHECK(f.aut.last_collected_usec() == 1004 * sec);
  CHECK(out.size() == 2);
}

TEST_CASE("a chart silent for longer than the ring starts over") {
  chart_config cfg;
  cfg.mode = memory_mode::ram;
  cfg.history = 5; // aligned to 1024 slots
  fixture f{cfg};
  f.aut.add_dimension(dim(algorithm::absolute));
  f.at(1000 * sec, {{0, 1}});
  f.at(1001 * sec, {{0, 2}});
  // 2000 s later (> 1024 slots): reset; nothing stored; re-anchored.
  CHECK(f.at(3001 * sec, {{0, 3}}).empty());
  CHECK(f.aut.last_collected_usec() == 3001 * sec + 500000);
  // The next one needs a second collection again (collections reset).
  auto r = f.at(3002 * sec, {{0, 4}});
  REQUIRE(r.size() == 1);
  CHECK(r[0].time_s == 3002);
  CHECK(r[0].values[0].empty());
  r = f.at(3003 * sec, {{0, 5}});
  CHECK(r[0].values[0].value == 5);
}

TEST_CASE("memory mode none computes nothing to store") {
  chart_config cfg;
  cfg.mode = memory_mode::none;
  fixture f{cfg};
  f.aut.add_dimension(dim(algorithm::absolute));
  f.at(1000 * sec, {{0, 1}});
  CHECK(f.at(1001 * sec, {{0, 2}}).empty());
  CHECK(f.at(1002 * sec, {{0, 3}}).empty());
}

TEST_CASE("replication state carries into streaming") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::incremental));
  // RBEGIN 990..991 with the child's clock at 1000: accepted.
  CHECK(f.aut.replay_begin(990, 991, 1000, 1000));
  f.aut.replay_set(0);
  // Timestamps in the future of the child's clock are refused.
  CHECK_FALSE(f.aut.replay_begin(1010, 1011, 1000, 1000));
  f.aut.replay_dimension_state(0, 1000 * sec + 200000, 500, 20, 7);
  f.aut.replay_chart_state(1000 * sec + 200000, 1000 * sec);
  f.aut.replay_end(true, 1);
  // First BEGIN after REND true is trusted: clock 1000.2 → 1001.2.
  // Increment 100; 0.8 of it falls before 1001: 80 + carried 20 = 100.
  std::vector<row> out;
  f.aut.begin(1000000, 5000 * sec);
  f.aut.set(0, 600);
  f.aut.end(5000 * sec, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].time_s == 1001);
  CHECK(out[0].values[0].value == doctest::Approx(100.0));
}

TEST_CASE("replication state without points: the child's clock sets the "
          "phase, not the parent's") {
  // What a 1.37.1 child answers to `REPLAY_CHART id true 0 0` (a parent with
  // nothing to ask for): RBEGIN without times, then RDSTATE per dimension,
  // RSSTATE last_collected last_updated, REND ... true. Two parents behind a
  // relay get the same lines at slightly different wall clocks; both must
  // store the same values, so the wall clock may not enter the math.
  auto run = [](uint64_t wall_offset_usec) {
    chart_config cfg;
    cfg.mode = memory_mode::ram;
    fixture f{cfg};
    f.aut.add_dimension(dim(algorithm::incremental));
    f.aut.replay_dimension_state(0, 1000 * sec + 385513, 38044666, 0, 0);
    f.aut.replay_chart_state(1000 * sec + 500000, 1000 * sec);
    f.aut.replay_end(true, 1);
    // RSSTATE and REND each count a finished collection (counter_done 2),
    // so BEGIN is not "the first"; REND cleared the sync flag, so the
    // microseconds are trusted and the clock is 1000.5 + 1 s = 1001.5.
    std::vector<row> out;
    std::vector<double> stored;
    int64_t value = 100;
    for (int i = 0; i < 3; ++i) {
      auto now = (1001 + static_cast<uint64_t>(i)) * sec + wall_offset_usec;
      f.aut.begin(1000000, now);
      f.aut.set(0, value);
      out.clear();
      f.aut.end(now, out);
      REQUIRE(out.size() == 1);
      CHECK(out[0].time_s == 1001 + i);
      stored.push_back(out[0].values[0].value);
      value += 200 * (i + 1);
    }
    CHECK(f.aut.last_collected_usec() == 1003 * sec + 500000);
    return stored;
  };
  for (uint64_t offset :
       {uint64_t{10000}, uint64_t{480000}, uint64_t{990000}}) {
    CAPTURE(offset);
    auto v = run(offset);
    // 1001: the dimension's first collection (RDSTATE does not count one):
    // a gap, even though the chart is past its first entry.
    CHECK(std::isnan(v[0]));
    // 1002: collected 100 → 300, increment 200 over 1001.5..1002.5; half of
    // it (0.5 s) falls before 1002: 100 per second. The other 100 carries.
    CHECK(v[1] == doctest::Approx(100.0));
    // 1003: 300 → 700, increment 400; half before 1003 (200) + carry 100.
    CHECK(v[2] == doctest::Approx(300.0));
  }
}

TEST_CASE("without replication the phase is the parent's wall clock at the "
          "second BEGIN") {
  // No RSSTATE/REND: the first END anchors the clock at floor(now) + 0.5 s
  // and the pending sync flag makes the second BEGIN use |now − 1000.5|, so
  // the clock lands on the parent's wall clock. Two parents 30 ms apart
  // split every collection's increment 30 ms differently between grid
  // points.
  auto run = [](uint64_t second_begin_usec) {
    chart_config cfg;
    cfg.mode = memory_mode::ram;
    fixture f{cfg};
    f.aut.add_dimension(dim(algorithm::incremental));
    std::vector<row> out;
    f.aut.begin(0, 1000 * sec + 100000);
    f.aut.set(0, 0);
    f.aut.end(1000 * sec + 100000, out); // clock 1000.5, last stored 1000
    f.aut.begin(1000000, second_begin_usec);
    f.aut.set(0, 1000);
    f.aut.end(second_begin_usec, out);
    f.aut.begin(1000000, second_begin_usec + sec);
    f.aut.set(0, 3000);
    out.clear();
    f.aut.end(second_begin_usec + sec, out);
    REQUIRE(out.size() == 1);
    return out[0].values[0].value;
  };
  // Second BEGIN at 1001.2: clock 1000.5 + 0.7 = 1001.2. Point 1001 takes
  // 1000 × 0.5 / 0.7 of the increment; the other 1000 × 0.2 / 0.7 carries.
  // Third (trusted, +1 s): clock 1002.2; point 1002 takes 2000 × 0.8 = 1600
  // of the new increment, plus the carry 285.714…
  CHECK(run(1001 * sec + 200000) == doctest::Approx(1600.0 + 2000.0 / 7));
  // Second BEGIN at 1001.23: carry 1000 × 0.23 / 0.73, plus 2000 × 0.77:
  // 1855.07, 1.6% below, from the same collected numbers.
  CHECK(run(1001 * sec + 230000)
        == doctest::Approx(1540.0 + 1000.0 * 0.23 / 0.73));
}

TEST_CASE("collected(): the last raw value, when it was set and collections") {
  fixture f;
  f.aut.add_dimension(dim(algorithm::incremental));
  f.aut.add_dimension(dim(algorithm::absolute));
  CHECK(f.aut.collected(0).collections == 0);
  f.at(1000 * sec, {{0, 100}, {1, 5}});
  f.at(1001 * sec, {{0, 130}});
  auto c0 = f.aut.collected(0);
  CHECK(c0.value == 130);
  CHECK(c0.collections == 2);
  CHECK(c0.time_usec == 1001 * sec); // the clock its BEGIN was given
  // Dimension 1 was not set in the second collection: it keeps its first.
  auto c1 = f.aut.collected(1);
  CHECK(c1.value == 5);
  CHECK(c1.collections == 1);
  CHECK(c1.time_usec == 1000 * sec);
  CHECK(f.aut.collected(7).collections == 0);
}
