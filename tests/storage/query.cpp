// Windows and values are derived by hand from Netdata 1.37.1's query rules
// (docs/storage.md, "Queries"); each case says how.

#include "storage/query.hpp"

#include "storage/engine.hpp"
#include "storage/filesystem.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tributary::storage;

// Times are real epochs: |t| <= 3 years would be read as relative.
constexpr int64_t T = 1700000000; // divisible by 10

namespace {

/// A ram engine with one dimension holding value t − T at t = 1001..1010.
struct fixture {
  std::unique_ptr<engine> db = make_engine(memory_mode::ram, {});
  dimension_handle h = db->add_dimension({{"c.x", "a"}, "", "", 1});

  fixture() {
    for (int64_t t = (T + 1); t <= (T + 10); ++t)
      db->append(h, sample::of(t, static_cast<double>(t - T)));
  }

  query_result run(int64_t after, int64_t before, size_t points,
                   grouping g = grouping::average, int64_t now = (T + 11)) {
    query_request req;
    req.after = after;
    req.before = before;
    req.points = points;
    req.group = g;
    return run_query(*db, {h}, req, now);
  }
};

std::vector<double> column(const query_result& r, size_t d = 0) {
  std::vector<double> out;
  for (size_t i = 0; i < r.rows(); ++i)
    out.push_back(r.at(i, d) ? *r.at(i, d) : -1.0); // -1 marks null
  return out;
}

} // namespace

namespace {

/// Interpolated values are equal up to rounding.
std::vector<double> rounded(std::vector<double> xs) {
  for (auto& x : xs)
    x = std::round(x * 1e6) / 1e6;
  return xs;
}

} // namespace

namespace doctest {
template <>
struct StringMaker<std::vector<double>> {
  static String convert(const std::vector<double>& xs) {
    std::string out = "{";
    for (auto x : xs)
      out += std::to_string(x) + " ";
    return String{(out + "}").c_str()};
  }
};
} // namespace doctest

TEST_CASE("query: relative after with before=0 gives every natural point") {
  fixture f;
  // before 0 → last entry (T + 10); after −10 → (T + 10) − 10 + 1 = (T + 1)
  // (after is relative to before and inclusive); 10 natural points.
  auto r = f.run(-10, 0, 0);
  REQUIRE(r.rows() == 10);
  CHECK(r.times.front() == (T + 1));
  CHECK(r.times.back() == (T + 10));
  CHECK(column(r) == std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(r.after == (T + 1));
  CHECK(r.before == (T + 10));
  CHECK(r.view_update_every == 1);
  CHECK(r.first_entry == (T + 1));
  CHECK(r.last_entry == (T + 10));
  CHECK(r.min == 1);
  CHECK(r.max == 10);
}

TEST_CASE("query: points=5 groups pairs, rows end on even seconds") {
  fixture f;
  // 10 available / 5 wanted → group 2; before (T + 10) is a multiple of 2; rows
  // end at (T + 2), (T + 4), ... and average (1,2), (3,4), ...
  auto r = f.run(-10, 0, 5);
  REQUIRE(r.rows() == 5);
  CHECK(r.view_update_every == 2);
  CHECK(r.times.front() == (T + 2));
  CHECK(column(r) == std::vector<double>{1.5, 3.5, 5.5, 7.5, 9.5});
  CHECK(column(f.run(-10, 0, 5, grouping::sum))
        == std::vector<double>{3, 7, 11, 15, 19});
  CHECK(column(f.run(-10, 0, 5, grouping::max))
        == std::vector<double>{2, 4, 6, 8, 10});
  CHECK(column(f.run(-10, 0, 5, grouping::min))
        == std::vector<double>{1, 3, 5, 7, 9});
  CHECK(column(f.run(-10, 0, 5, grouping::incremental_sum))
        == std::vector<double>{1, 1, 1, 1, 1});
}

TEST_CASE("query: median, stddev, cv, ses and des over groups of 5") {
  fixture f;
  // 10 points / 2 rows → groups 1..5 and 6..10.
  CHECK(column(f.run(-10, 0, 2, grouping::median))
        == std::vector<double>{3, 8});
  // Sample standard deviation of 5 consecutive integers: sqrt(2.5).
  CHECK(rounded(column(f.run(-10, 0, 2, grouping::stddev)))
        == rounded({std::sqrt(2.5), std::sqrt(2.5)}));
  CHECK(rounded(column(f.run(-10, 0, 2, grouping::cv)))
        == rounded({100 * std::sqrt(2.5) / 3, 100 * std::sqrt(2.5) / 8}));
  // alpha = 2 / (5 + 1); the level runs on from one group to the next.
  double alpha = 2.0 / 6, level = 1;
  std::vector<double> ses;
  for (int v = 2; v <= 10; ++v) {
    level = alpha * v + (1 - alpha) * level;
    if (v % 5 == 0)
      ses.push_back(level);
  }
  CHECK(rounded(column(f.run(-10, 0, 2, grouping::ses))) == rounded(ses));
  // Holt's: level and trend start from the first two points.
  double lvl = 2, trend = 1;
  std::vector<double> des;
  for (int v = 2; v <= 10; ++v) {
    auto last = lvl;
    lvl = alpha * v + (1 - alpha) * (lvl + trend);
    trend = alpha * (lvl - last) + (1 - alpha) * trend;
    if (v % 5 == 0)
      des.push_back(lvl);
  }
  CHECK(rounded(column(f.run(-10, 0, 2, grouping::des))) == rounded(des));
}

TEST_CASE("query: the median of two points is their average") {
  fixture f;
  // Groups of 2 average both; the window's 10 points as 5 rows.
  CHECK(column(f.run(-10, 0, 5, grouping::median))
        == std::vector<double>{1.5, 3.5, 5.5, 7.5, 9.5});
}

TEST_CASE("query: min and max compare magnitudes, as Netdata does") {
  auto db = make_engine(memory_mode::ram, {});
  auto h = db->add_dimension({{"c.x", "a"}, "", "", 1});
  db->append(h, sample::of((T + 1), -5));
  db->append(h, sample::of((T + 2), 3));
  query_request req;
  req.after = (T + 1);
  req.before = (T + 2);
  req.points = 1;
  req.group = grouping::min;
  // group of 2 ending at (T + 2): min by |v| is 3, max by |v| is −5.
  auto r = run_query(*db, {h}, req, (T + 3));
  REQUIRE(r.rows() == 1);
  CHECK(*r.at(0, 0) == 3);
  req.group = grouping::max;
  r = run_query(*db, {h}, req, (T + 3));
  CHECK(*r.at(0, 0) == -5);
}

TEST_CASE("query: relative before is relative to now - 1") {
  fixture f;
  // now (T + 11) → (T + 10); before −5 → (T + 5); after −5 → (T + 5) − 5 + 1 =
  // (T + 1).
  auto r = f.run(-5, -5, 0);
  REQUIRE(r.rows() == 5);
  CHECK(r.times.front() == (T + 1));
  CHECK(r.times.back() == (T + 5));
  CHECK(column(r) == std::vector<double>{1, 2, 3, 4, 5});
}

TEST_CASE("query: a window past the data has rows of nulls") {
  fixture f;
  // now (T + 21) → (T + 20); before −1 → (T + 19); after −3 → (T + 17).
  auto r = f.run(-3, -1, 0, grouping::average, (T + 21));
  REQUIRE(r.rows() == 3);
  CHECK(r.times.front() == (T + 17));
  CHECK(column(r) == std::vector<double>{-1, -1, -1});
}

TEST_CASE("query: gaps are null, and skipped inside a group") {
  auto db = make_engine(memory_mode::ram, {});
  auto h = db->add_dimension({{"c.x", "a"}, "", "", 1});
  for (int64_t t = (T + 1); t <= (T + 6); ++t)
    db->append(h, t == (T + 3) || t == (T + 4)
                      ? sample::gap(t)
                      : sample::of(t, static_cast<double>(t - T)));
  query_request req;
  req.after = (T + 1);
  req.before = (T + 6);
  auto r = run_query(*db, {h}, req, T + 1000);
  CHECK(column(r) == std::vector<double>{1, 2, -1, -1, 5, 6});
  // points 3 → group 2: (1,2), (null,null) → null, (5,6).
  req.points = 3;
  r = run_query(*db, {h}, req, T + 1000);
  CHECK(column(r) == std::vector<double>{1.5, -1, 5.5});
}

TEST_CASE("query: absolute flipped window is swapped") {
  fixture f;
  auto r = f.run((T + 10), (T + 6), 0);
  REQUIRE(r.rows() == 5);
  CHECK(r.times.front() == (T + 6));
  CHECK(r.times.back() == (T + 10));
}

TEST_CASE("query: no data gives no rows") {
  auto db = make_engine(memory_mode::ram, {});
  auto h = db->add_dimension({{"c.x", "a"}, "", "", 1});
  query_request req; // after −600, before 0 (= last entry, which is 0)
  auto r = run_query(*db, {h}, req, T + 1000);
  CHECK(r.rows() == 0);
  auto none = make_engine(memory_mode::none, {});
  auto n = none->add_dimension({{"c.x", "a"}, "", "", 1});
  CHECK(run_query(*none, {n}, req, T + 1000).rows() == 0);
}

namespace {

/// One dimension collected every 5 s: value t − T at t = T+5, T+10, …, T+50,
/// in `mode` (the ring of ram or the pages of dbengine).
struct every5 {
  memory_filesystem fs;
  std::unique_ptr<engine> db;
  dimension_handle h;

  explicit every5(memory_mode mode) {
    engine_options opts;
    opts.directory = "/db/host";
    opts.host_guid = "11111111-2222-3333-4444-555555555555";
    opts.fs = &fs;
    db = make_engine(mode, opts);
    h = db->add_dimension({{"system.load", "load1"}, "", "", 5});
    for (int64_t t = T + 5; t <= T + 50; t += 5)
      db->append(h, sample::of(t, static_cast<double>(t - T)));
  }

  query_result run(int64_t after, int64_t before, size_t points,
                   size_t agent_tiers = 1) {
    query_request req;
    req.after = after;
    req.before = before;
    req.points = points;
    req.agent_tiers = agent_tiers;
    return run_query(*db, {h}, req, T + 1000);
  }
};

} // namespace

TEST_CASE("query: an absolute window with points steps by the second (virtual "
          "points)") {
  every5 f{memory_mode::ram};
  // Absolute after/before and points > 0: granularity 1, not the chart's 5.
  // (T+30) − (T+11) + 1 = 20 seconds, points 20 → group 1, 20 rows ending
  // at T+11 … T+30, one per second.
  auto r = f.run(T + 11, T + 30, 20);
  REQUIRE(r.rows() == 20);
  CHECK(r.view_update_every == 1);
  CHECK(r.update_every == 5);
  CHECK(r.times.front() == T + 11);
  CHECK(r.times.back() == T + 30);
  CHECK(r.after == T + 11);
  CHECK(r.before == T + 30);
  // points 10 → group 2; before T+30 is even; rows end at T+12 … T+30.
  auto g = f.run(T + 11, T + 30, 10);
  REQUIRE(g.rows() == 10);
  CHECK(g.view_update_every == 2);
  CHECK(g.times.front() == T + 12);
  CHECK(g.after == T + 11);
  // points 40 (above the 20 seconds) is cut to 20.
  CHECK(f.run(T + 11, T + 30, 40).rows() == 20);
  // A relative window (or points 0) keeps the natural step of 5 s.
  auto n = f.run(T + 11, T + 30, 0);
  CHECK(n.view_update_every == 5);
  CHECK(n.rows() == 4);
}

TEST_CASE("query: the ring labels its slots with the walk's times") {
  // Netdata's ram walk starts at after = T+11: the first slot at or after it
  // is T+15; step T+11 is empty, step T+16 carries T+15's 15, T+21 → 20,
  // T+26 → 25, and the walk ends at T+26 ≤ before. Each second between two
  // adjacent points is interpolated; nothing follows T+26, so T+27 … T+30
  // are null; nothing precedes 15, so T+12 … T+16 are 15.
  every5 f{memory_mode::ram};
  CHECK(ring_slot_at(T + 5, T + 50, 5, T + 11) == T + 15);
  CHECK(ring_slot_at(T + 5, T + 50, 5, T + 15) == T + 15);
  CHECK(ring_slot_at(T + 5, T + 50, 5, T + 1) == T + 5);
  CHECK(ring_slot_at(T + 5, T + 50, 5, T + 99) == T + 50);
  auto r = f.run(T + 11, T + 30, 20);
  CHECK(rounded(column(r)) == std::vector<double>{-1, 15, 15, 15, 15, 15, 16,
                                                  17, 18, 19, 20, 21, 22, 23,
                                                  24, 25, -1, -1, -1, -1});
  // Starting on a slot time (T+15) nothing is shifted: 15 at T+15, then
  // interpolated up to 30 at T+30.
  auto a = f.run(T + 15, T + 30, 16);
  CHECK(rounded(column(a))
        == std::vector<double>{15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                               27, 28, 29, 30});
}

TEST_CASE("query: the ring's first value counts in the row it ends in") {
  // 1.37.1's ring says its oldest time is one step before its oldest slot
  // (T+1), so a walk from before the data starts at T with an empty step
  // and reads 1 inside row T+5 = (T, T+5]: rows T (null), T+5 = avg(1..5),
  // T+10 = avg(6..10). Starting the walk at T+1, the row before read 1 and
  // dropped it (T+5 averaged 2..5).
  fixture f;
  auto r = f.run(T - 4, T + 10, 3);
  REQUIRE(r.rows() == 3);
  CHECK(r.times.front() == T);
  CHECK(column(r) == std::vector<double>{-1, 3, 8});
}

TEST_CASE("query: dbengine reads the point before after and the one at or "
          "after before") {
  // The walk starts at the stored point at or before T+11 (T+10) and ends at
  // the first at or after T+30. Row T+11 averages T+10's 10 (it ends inside
  // the row's second [T+10, T+11)) with 11 interpolated at T+11.
  every5 f{memory_mode::dbengine};
  auto r = f.run(T + 11, T + 30, 20);
  REQUIRE(r.rows() == 20);
  std::vector<double> want{10.5};
  for (int v = 12; v <= 30; ++v)
    want.push_back(v);
  CHECK(rounded(column(r)) == want);
  // before T+28 is not a slot time: T+30 is read to interpolate up to it.
  auto b = f.run(T + 21, T + 28, 8);
  CHECK(rounded(column(b))
        == std::vector<double>{20.5, 22, 23, 24, 25, 26, 27, 28});
}

TEST_CASE("query: on an agent with tiers, each dimension plans its tier as "
          "1.37.1 does") {
  // Tier 0 over T+46 … T+55 (points 2: rows T+50 and T+55) covers 4 s, less
  // than one point of 5 s: no tier weighs anything. The plan starts on the
  // agent's highest tier, which has no data, and tier 0 (reaching later),
  // both from 0: tier 0, added later, goes first and is read as usual. Row
  // T+50 averages T+45 (before the window) with 46 … 50.
  every5 db{memory_mode::dbengine};
  CHECK(rounded(column(db.run(T + 46, T + 55, 2, 3)))
        == std::vector<double>{47.5, -1});
  CHECK(rounded(column(db.run(T + 46, T + 55, 2, 1)))
        == std::vector<double>{47.5, -1});
  // A ram host has no tier but 0: the same plan, the same answer.
  every5 ram{memory_mode::ram};
  CHECK(rounded(column(ram.run(T + 50, T + 59, 10, 3))).front() == 50);
}

TEST_CASE("query: a window past tier 0's newest point reads nothing once "
          "tier 1 has aggregates") {
  // Every 2 s from T+2 to T+402 (T+400's value 400): tier 1 (120 s per
  // point, ending on multiples of 120, T+40 being one) holds aggregates up
  // to T+280 or T+400. Window T+401 … T+420, one row: tier 0 covers 1 s of
  // it, less than a point, and no tier weighs anything. The plan: tier 1
  // from 0, tier 2 (no data) from 0, tier 0 from tier 1's newest. Tier 1
  // goes first, holds nothing in the window, and the first row ends at
  // T+420, after every step: nothing is read (a real parent answers null
  // until T+404 is stored). An agent with one tier reads 400 and 402.
  memory_filesystem fs;
  engine_options opts;
  opts.directory = "/db/host";
  opts.host_guid = "11111111-2222-3333-4444-555555555555";
  opts.fs = &fs;
  auto db = make_engine(memory_mode::dbengine, opts);
  auto h = db->add_dimension({{"system.load", "load1"}, "", "", 2});
  for (int64_t t = T + 2; t <= T + 402; t += 2)
    db->append(h, sample::of(t, static_cast<double>(t - T)));
  REQUIRE(db->tier_stored_first_time_s(h, 1) != 0);
  auto run = [&](size_t agent_tiers) {
    query_request req;
    req.after = T + 401;
    req.before = T + 420;
    req.points = 1;
    req.agent_tiers = agent_tiers;
    return run_query(*db, {h}, req, T + 1000);
  };
  CHECK(column(run(3)) == std::vector<double>{-1});
  CHECK(rounded(column(run(1))) == std::vector<double>{401});
}

TEST_CASE("relative_window_to_absolute") {
  int64_t a = -60;
  int64_t b = 0;
  // before 0 → now − 1; after → before − 60 + 1.
  relative_window_to_absolute(a, b, T);
  CHECK(b == T - 1);
  CHECK(a == T - 60);
  // A positive relative after is flipped: (T + 100) − 10 + 1 = T + 91. The
  // absolute before lies 101 s in the future (now − 1 = T − 1): both move
  // back by 101 → before T − 1, after T − 10.
  a = 10;
  b = T + 100;
  relative_window_to_absolute(a, b, T);
  CHECK(b == T - 1);
  CHECK(a == T - 10);
}

TEST_CASE("grouping names") {
  CHECK(parse_grouping("max") == grouping::max);
  CHECK(parse_grouping("incremental_sum") == grouping::incremental_sum);
  CHECK(parse_grouping("nope", grouping::sum) == grouping::sum);
  CHECK(parse_grouping("median") == grouping::median);
  CHECK(parse_grouping("cv") == grouping::cv);
  CHECK(parse_grouping("des") == grouping::des);
  CHECK(to_string(grouping::average) == "average");
}
