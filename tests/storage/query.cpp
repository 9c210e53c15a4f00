// Windows and values are derived by hand from Netdata 1.37.1's query rules
// (docs/storage.md, "Queries"); each case says how.

#include "storage/engine.hpp"
#include "storage/query.hpp"

#include <doctest/doctest.h>

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

TEST_CASE("query: relative after with before=0 gives every natural point") {
  fixture f;
  // before 0 → last entry (T + 10); after −10 → (T + 10) − 10 + 1 = (T + 1) (after is
  // relative to before and inclusive); 10 natural points.
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
  // now (T + 11) → (T + 10); before −5 → (T + 5); after −5 → (T + 5) − 5 + 1 = (T + 1).
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
  CHECK(to_string(grouping::average) == "average");
}
