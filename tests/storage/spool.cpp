#include "storage/spool.hpp"

#include "storage/filesystem.hpp"
#include "storage/spool_engine.hpp"
#include "storage/storage_number.hpp"

#include <doctest/doctest.h>

using namespace tributary::storage;

namespace {

constexpr int64_t T = 1700000000;

spool_options options(memory_filesystem& fs, uint64_t limit = 1 << 20,
                      uint64_t segment = 0) {
  spool_options o;
  o.directory = "/cache/guid/spool";
  o.size_limit_bytes = limit;
  o.segment_bytes = segment;
  o.fs = &fs;
  return o;
}

/// Appends a full row of `chart` (two dimensions) at `t`: t and -t.
void row(spool& s, uint32_t chart, int64_t t) {
  uint16_t cols[] = {0, 1};
  sample xs[] = {sample::of(t, static_cast<double>(t - T)),
                 sample::of(t, -static_cast<double>(t - T))};
  s.append(chart, t, cols, xs, 2);
}

std::vector<int64_t> times(const std::vector<sample>& xs) {
  std::vector<int64_t> out;
  for (auto& x : xs)
    out.push_back(x.time_s);
  return out;
}

} // namespace

TEST_CASE("spool: rows written once a second come back after a restart") {
  memory_filesystem fs;
  {
    spool s{options(fs)};
    auto c = s.define("system.cpu", {"user", "system"}, 1);
    for (int64_t t = T + 1; t <= T + 10; ++t) {
      row(s, c, t);
      if (t % 3 == 0)
        REQUIRE_FALSE(s.flush());
    }
    // Rows not flushed yet are answered from memory.
    CHECK(s.query("system.cpu", "system", T, T + 100).size() == 10);
    REQUIRE_FALSE(s.flush());
    CHECK(s.memory_rows() == 0);
    CHECK(s.disk_points() == 20);
  }
  spool s{options(fs)};
  CHECK(s.diagnostics().empty());
  auto xs = s.query("system.cpu", "system", T + 3, T + 5);
  REQUIRE(xs.size() == 3);
  CHECK(xs[0].time_s == T + 3);
  CHECK(xs[0].value == -3.0);
  CHECK(s.first_time_s("system.cpu") == T + 1);
  CHECK(s.last_time_s("system.cpu") == T + 10);
  CHECK(s.query("system.cpu", "nice", T, T + 100).empty());
  CHECK(s.query("system.ram", "used", T, T + 100).empty());
}

TEST_CASE("spool: a torn or corrupt tail loses only the records after it") {
  memory_filesystem fs;
  {
    spool s{options(fs)};
    auto c = s.define("a.b", {"x", "y"}, 1);
    for (int64_t t = T + 1; t <= T + 5; ++t) {
      row(s, c, t);
      REQUIRE_FALSE(s.flush());
    }
  }
  REQUIRE(fs.files.size() == 1);
  auto& bytes = fs.files.begin()->second;
  SUBCASE("cut in the middle of the last record (kill -9 during a write)") {
    bytes.resize(bytes.size() - 3);
  }
  SUBCASE("a flipped byte in the last record") {
    bytes[bytes.size() - 2] ^= 0x40;
  }
  spool s{options(fs)};
  REQUIRE(s.diagnostics().size() == 1);
  CHECK(s.diagnostics()[0].message.find("torn or corrupt record at byte")
        != std::string::npos);
  CHECK(times(s.query("a.b", "x", T, T + 10))
        == std::vector<int64_t>{T + 1, T + 2, T + 3, T + 4});
  // New rows go to a new segment, never after the damaged tail.
  auto c = s.define("a.b", {"x", "y"}, 1);
  row(s, c, T + 6);
  REQUIRE_FALSE(s.flush());
  CHECK(fs.files.size() == 2);
  spool again{options(fs)};
  CHECK(times(again.query("a.b", "y", T, T + 10))
        == std::vector<int64_t>{T + 1, T + 2, T + 3, T + 4, T + 6});
}

TEST_CASE(
    "spool: the size limit deletes the oldest segments and says how much") {
  memory_filesystem fs;
  // Segments of 1 KiB, 4 KiB in all.
  spool s{options(fs, 4096, 1024)};
  auto c = s.define("a.b", {"x", "y"}, 1);
  for (int64_t t = T + 1; t <= T + 400; ++t) {
    row(s, c, t);
    REQUIRE_FALSE(s.flush());
  }
  CHECK(s.disk_bytes() <= 4096);
  auto drops = s.take_drops();
  REQUIRE_FALSE(drops.empty());
  CHECK(drops.front().first_s == T + 1);
  uint64_t dropped = 0;
  for (auto& d : drops)
    dropped += d.points;
  CHECK(dropped + s.disk_points() == 800);
  CHECK(s.take_drops().empty());
  // What is left is the newest, without holes.
  auto xs = s.query("a.b", "x", T, T + 400);
  REQUIRE_FALSE(xs.empty());
  CHECK(xs.back().time_s == T + 400);
  CHECK(xs.size()
        == static_cast<size_t>(xs.back().time_s - xs.front().time_s + 1));
  CHECK(s.first_time_s("a.b") == xs.front().time_s);
}

TEST_CASE("spool: not spooling keeps a memory tail; clear deletes the files") {
  memory_filesystem fs;
  auto o = options(fs);
  o.memory_tail_s = 10;
  spool s{o};
  s.set_spooling(false);
  auto c = s.define("a.b", {"x", "y"}, 1);
  for (int64_t t = T + 1; t <= T + 50; ++t) {
    row(s, c, t);
    REQUIRE_FALSE(s.flush());
  }
  CHECK(fs.files.empty());
  CHECK(s.first_time_s("a.b") == T + 40);
  // The link broke: the tail goes to disk with what follows.
  s.set_spooling(true);
  row(s, c, T + 51);
  REQUIRE_FALSE(s.flush());
  CHECK(fs.files.size() == 1);
  CHECK(s.query("a.b", "x", T, T + 100).size() == 12);
  s.clear();
  s.set_spooling(false);
  CHECK(fs.files.empty());
  CHECK(s.disk_bytes() == 0);
}

TEST_CASE("spool: a redefined chart keeps the columns its rows had") {
  memory_filesystem fs;
  spool s{options(fs)};
  auto c1 = s.define("a.b", {"x", "y"}, 1);
  row(s, c1, T + 1);
  auto c2 = s.define("a.b", {"y", "x"}, 1);
  CHECK(c1 != c2);
  row(s, c2, T + 2);
  uint16_t col = 1;
  auto one = sample::of(T + 3, 7.0);
  s.append(c2, T + 3, &col, &one, 1);
  REQUIRE_FALSE(s.flush());
  spool again{options(fs)};
  auto xs = again.query("a.b", "x", T, T + 10);
  REQUIRE(xs.size() == 3);
  CHECK(xs[0].value == 1.0);
  CHECK(xs[1].value == -2.0);
  CHECK(xs[2].value == 7.0);
}

TEST_CASE("spool engine: memory mode none answers queries from the spool") {
  memory_filesystem fs;
  engine_options eo;
  eo.fs = &fs;
  spool_engine db{make_engine(memory_mode::none, eo), options(fs)};
  auto x = db.add_dimension({{"a.b", "x"}, "", "", 1});
  auto y = db.add_dimension({{"a.b", "y"}, "", "", 1});
  dimension_handle hs[] = {x, y};
  for (int64_t t = T + 1; t <= T + 10; ++t) {
    if (t == T + 5)
      continue; // a gap
    sample xs[] = {sample::of(t, 1.5), sample::of(t, 2.5)};
    db.append_row(hs, xs, 2);
  }
  db.maintain();
  CHECK(db.first_time_s(y) == T + 1);
  CHECK(db.last_time_s(y) == T + 10);
  auto got = db.query(y, T + 1, T + 10);
  REQUIRE(got.size() == 10);
  CHECK(got[3].value == 2.5);
  CHECK(got[4].empty());
  CHECK(got[4].time_s == T + 5);
  CHECK(round_trip(got[9]) == got[9]);
}
