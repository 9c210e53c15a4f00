// Crash journal tests (issue 16, finding 1): a process killed at any moment
// is modelled by copying the in-memory filesystem without closing the
// engine; opening the copy must give back every point journaled by the last
// maintain(), and, when nothing was lost, exactly what an engine that never
// crashed holds (tiers included).

#include "storage/dbengine.hpp"
#include "storage/filesystem.hpp"
#include "storage/journal.hpp"
#include "storage/save_engine.hpp"
#include "storage/storage_number.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace tributary;
using namespace tributary::storage;

namespace {

constexpr int64_t T = 1699999200;

sample value_at(int64_t i, int dim = 0) {
  if ((i + dim) % 89 == 0)
    return sample::gap(T + i);
  return sample::of(T + i,
                    dim * 1000 + 50 * std::sin(static_cast<double>(i) / 17),
                    i % 40 == 0 ? flag_reset : 0);
}

engine_options options(memory_filesystem& fs, size_t page_points) {
  engine_options o;
  o.directory = "/db/h";
  o.host_guid = "guid-1";
  o.fs = &fs;
  o.page_points = page_points;
  return o;
}

dimension_info dim(int k) {
  return {{"chart" + std::to_string(k % 3), "d" + std::to_string(k)},
          "c",
          "D" + std::to_string(k),
          1};
}

} // namespace

TEST_CASE("journal: records round trip, a torn tail at any byte is dropped") {
  journal_batch b;
  b.dimension(7, dim(7), 42);
  b.point(7, sample::of(T + 1, 1.5));
  b.point(3, sample::gap(T + 2));
  b.state(3, std::string("\0\1\2", 3));
  auto one = b.finish(false);
  for (int i = 0; i < 500; ++i)
    b.point(static_cast<uint32_t>(i % 5), sample::of(T + i, i * 0.25));
  auto two = b.finish(true);
  auto all = one + two;
  auto j = read_journal(all, "/j");
  REQUIRE_FALSE(j.problem);
  CHECK(j.records == 2);
  REQUIRE(j.events.size() == 4 + 500);
  CHECK(j.events[0].kind == journal_event::dimension);
  CHECK(j.events[0].info.key.dim_id == "d7");
  CHECK(j.events[0].valid_after_s == 42);
  CHECK(j.events[1].x == sample::of(T + 1, 1.5));
  CHECK(j.events[2].dim == 3);
  CHECK(j.events[2].x.empty());
  CHECK(j.events[3].blob == std::string("\0\1\2", 3));
  CHECK(j.events[503].x == sample::of(T + 499, 499 * 0.25));
  for (size_t cut = 0; cut < all.size(); ++cut) {
    auto t = read_journal(std::string_view{all}.substr(0, cut), "/j");
    auto want = cut < one.size() ? 0u : 1u;
    REQUIRE(t.records == want);
    CHECK(t.good_bytes + t.dropped_bytes == cut);
    CHECK((cut == 0 || cut == one.size()) == !t.problem);
  }
  // A flipped byte anywhere in the second record drops it, names it.
  for (size_t at = one.size(); at < all.size(); at += 7) {
    auto bad = all;
    bad[at] ^= 0x10;
    auto t = read_journal(bad, "/j");
    CHECK(t.records == 1);
    CHECK(t.problem.message.find("/j: ") == 0);
    CHECK(t.problem.position == one.size());
  }
}

TEST_CASE("journal: a batch does not keep the room of a burst") {
  journal_batch b;
  // A backfill: a million points in one second's batch.
  for (int i = 0; i < 1000000; ++i)
    b.point(static_cast<uint32_t>(i % 1000), sample::of(T + i / 1000, i));
  auto burst = b.heap_bytes();
  CHECK(burst > (size_t{4} << 20));
  CHECK(b.finish(true).size() > 0);
  // The next second's batch is small: the burst's room goes with it.
  b.point(1, sample::of(T + 2000, 1));
  CHECK(b.finish(true).size() > 0);
  CHECK(b.heap_bytes() < (size_t{64} << 10));
  // Steady batches of the same size keep their room.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10000; ++i)
      b.point(static_cast<uint32_t>(i % 1000), sample::of(T + i / 1000, i));
    auto used = b.heap_bytes();
    CHECK(used >= b.size());
    b.clear();
    CHECK(b.heap_bytes() == used);
  }
}

TEST_CASE("dbengine: crashes right after maintain() lose nothing, tiers "
          "included") {
  // The reference never crashes; the other is killed every few hundred
  // points at random, always right after a maintain().
  memory_filesystem ref_fs;
  memory_filesystem fs;
  auto ref = std::make_unique<dbengine>(options(ref_fs, 64));
  std::vector<dimension_handle> ref_h;
  for (int k = 0; k < 4; ++k)
    ref_h.push_back(ref->add_dimension(dim(k)));
  std::mt19937 rng{7};
  int64_t i = 1;
  int crashes = 0;
  while (i <= 12000) {
    auto db = std::make_unique<dbengine>(options(fs, 64));
    if (i > 1)
      CHECK(db->recovery().find("journal replayed") == 0);
    std::vector<dimension_handle> hs;
    for (int k = 0; k < 4; ++k)
      hs.push_back(db->add_dimension(dim(k)));
    auto stop = i + static_cast<int64_t>(rng() % 700) + 1;
    for (; i < stop && i <= 12000; ++i)
      for (int k = 0; k < 4; ++k) {
        if (k == 3 && i % 3 != 0)
          continue; // one dimension with irregular times
        REQUIRE(db->append(hs[static_cast<size_t>(k)], value_at(i, k)));
        ref->append(ref_h[static_cast<size_t>(k)], value_at(i, k));
      }
    db->maintain();
    // The crash: the files as they are now, the engine never closed.
    auto at_crash = fs.files;
    db.reset();
    fs.files = std::move(at_crash);
    ++crashes;
  }
  auto db = std::make_unique<dbengine>(options(fs, 64));
  CHECK(db->diagnostics().empty());
  CHECK(crashes > 10);
  for (int k = 0; k < 4; ++k) {
    auto h = db->find(dim(k).key);
    auto rh = ref_h[static_cast<size_t>(k)];
    REQUIRE(h.valid());
    auto got = db->query(h, 0, T + 20000);
    auto want = ref->query(rh, 0, T + 20000);
    REQUIRE(got.size() == want.size());
    for (size_t n = 0; n < got.size(); ++n)
      REQUIRE(got[n] == want[n]);
    for (size_t tier = 1; tier < 3; ++tier) {
      auto a = db->query_tier(h, tier, 0, T + 20000);
      auto b = ref->query_tier(rh, tier, 0, T + 20000);
      REQUIRE(a.size() == b.size());
      for (size_t n = 0; n < a.size(); ++n) {
        CHECK(a[n].end_s == b[n].end_s);
        CHECK(a[n].count == b[n].count);
        CHECK(a[n].sum == doctest::Approx(b[n].sum));
        CHECK(a[n].min == doctest::Approx(b[n].min));
        CHECK(a[n].max == doctest::Approx(b[n].max));
      }
    }
  }
  // Pages were not written twice by the replays.
  // Pages were not written twice: a datafile header and four dimension
  // records per restart are all the replays add.
  INFO("crashes " << crashes << ", ref " << ref->disk_bytes(0));
  CHECK(db->disk_bytes(0)
        <= ref->disk_bytes(0) + static_cast<uint64_t>(crashes) * 300);
}

TEST_CASE("dbengine: a crash loses only what was appended after the last "
          "maintain(); a torn journal tail is dropped and logged") {
  memory_filesystem fs;
  {
    auto db = std::make_unique<dbengine>(options(fs, 64));
    auto h = db->add_dimension(dim(0));
    for (int64_t i = 1; i <= 1000; ++i) {
      db->append(h, value_at(i));
      if (i == 950)
        db->maintain();
    }
    auto at_crash = fs.files;
    db.reset();
    fs.files = std::move(at_crash);
  }
  // A torn record at the end, as a kill in the middle of a write leaves.
  fs.files["/db/h/dbengine-journal.tdj"] += std::string("TJR1\x10\0\0", 7);
  auto db = std::make_unique<dbengine>(options(fs, 64));
  CHECK(db->recovery().find("dropped 7 bytes") != std::string::npos);
  // 951..960 filled a page, which went to its datafile at once.
  auto h = db->find(dim(0).key);
  CHECK(db->last_time_s(h) == T + 960);
  auto xs = db->query(h, 0, T + 2000);
  REQUIRE(xs.size() == 960);
  for (int64_t i = 1; i <= 960; ++i)
    CHECK(xs[static_cast<size_t>(i - 1)] == round_trip(value_at(i)));
  // The torn tail is gone from the new generation.
  CHECK(read_journal(fs.files["/db/h/dbengine-journal.tdj"], "j").dropped_bytes
        == 0);
}

namespace {

/// A process killed now: the files as they are, the engine gone unclosed.
template <class Engine>
void crash(memory_filesystem& fs, std::unique_ptr<Engine>& db) {
  auto at_crash = fs.files;
  db.reset();
  fs.files = std::move(at_crash);
}

/// Appends 1,000 points to each of 100 dimensions (~1.2 MB of journal
/// batch: a backfill) without calling maintain(), "kills" the engine and
/// checks that an engine opened on what it left holds the points of the
/// first 1 MiB (~12 bytes a point: ~87,000), and not the last ones.
template <class Engine>
void check_backfill_journaled_by_mib(memory_filesystem& fs,
                                     const engine_options& opts) {
  {
    auto db = std::make_unique<Engine>(opts);
    std::vector<dimension_handle> hs;
    for (int k = 0; k < 100; ++k)
      hs.push_back(db->add_dimension(dim(k)));
    for (int64_t i = 1; i <= 1000; ++i)
      for (int k = 0; k < 100; ++k)
        db->append(hs[static_cast<size_t>(k)], value_at(i, k));
    crash(fs, db);
  }
  auto db = std::make_unique<Engine>(opts);
  CHECK(db->diagnostics().empty());
  size_t points = 0;
  for (int k = 0; k < 100; ++k) {
    auto xs = db->query(db->find(dim(k).key), 0, T + 2000);
    for (size_t i = 0; i < xs.size(); ++i)
      CHECK(xs[i] == round_trip(value_at(static_cast<int64_t>(i) + 1, k)));
    points += xs.size();
  }
  CHECK(points >= 80000);
  CHECK(points < 100000);
}

} // namespace

TEST_CASE("dbengine: a backfill's batch goes to the journal once it reaches "
          "1 MiB, not at the next maintain()") {
  memory_filesystem fs;
  // Pages of 1,024 points: nothing reaches a datafile, only the journal
  // can keep these points.
  check_backfill_journaled_by_mib<dbengine>(fs, options(fs, 1024));
}

TEST_CASE("save: a backfill's batch goes to the journal once it reaches "
          "1 MiB, not at the next maintain()") {
  memory_filesystem fs;
  auto opts = options(fs, 64);
  opts.history = 2000;
  check_backfill_journaled_by_mib<save_engine>(fs, opts);
}

TEST_CASE("dbengine: a generation larger than one record is written in "
          "parts and replays whole") {
  memory_filesystem fs;
  auto opts = options(fs, 1024);
  const int dims = 2000;
  const int64_t points = 300;
  {
    auto db = std::make_unique<dbengine>(opts);
    std::vector<dimension_handle> hs;
    for (int k = 0; k < dims; ++k)
      hs.push_back(db->add_dimension(dim(k)));
    for (int64_t i = 1; i <= points; ++i)
      for (int k = 0; k < dims; ++k)
        db->append(hs[static_cast<size_t>(k)], value_at(i, k));
    db->maintain();
    crash(fs, db);
  }
  {
    // Opening replays the journal and starts a generation of every open
    // page: 2,000 × 300 points, more than one record.
    auto db = std::make_unique<dbengine>(opts);
    auto j = read_journal(fs.files["/db/h/dbengine-journal.tdj"], "j");
    CHECK(j.records >= 2);
    CHECK(j.dropped_bytes == 0);
    crash(fs, db);
  }
  auto db = std::make_unique<dbengine>(opts);
  CHECK(db->diagnostics().empty());
  for (int k = 0; k < dims; k += 199) {
    auto xs = db->query(db->find(dim(k).key), 0, T + 2000);
    REQUIRE(xs.size() == static_cast<size_t>(points));
    for (int64_t i = 1; i <= points; ++i)
      CHECK(xs[static_cast<size_t>(i - 1)] == round_trip(value_at(i, k)));
  }
}

TEST_CASE("dbengine: a tier 1 page written after the last maintain() is not "
          "written again from the journal's open bucket") {
  // page_points 64: a tier 1 page holds 16 buckets of 60 s, written when
  // point 962 (the first starting after 960) closes the bucket ending at
  // 960. The journal's last flush
  // (maintain) was at 890 or 950, inside an earlier or the same bucket.
  for (int64_t flushed : {890, 950}) {
    CAPTURE(flushed);
    memory_filesystem ref_fs;
    memory_filesystem fs;
    {
      dbengine ref{options(ref_fs, 64)};
      auto h = ref.add_dimension(dim(0));
      for (int64_t i = 1; i <= 962; ++i)
        ref.append(h, value_at(i));
      REQUIRE_FALSE(ref.close());
    }
    {
      auto db = std::make_unique<dbengine>(options(fs, 64));
      auto h = db->add_dimension(dim(0));
      for (int64_t i = 1; i <= 962; ++i) {
        db->append(h, value_at(i));
        if (i == flushed)
          db->maintain();
      }
      auto at_crash = fs.files;
      db.reset();
      fs.files = std::move(at_crash);
    }
    {
      dbengine db{options(fs, 64)};
      CHECK(db.diagnostics().empty());
      auto h = db.find(dim(0).key);
      REQUIRE(h.valid());
      // 961 was neither journaled nor paged in tier 0, but is summed in
      // the tier 1 page: sent again, it is not counted twice.
      CHECK(db.last_time_s(h) == T + 960);
      CHECK(db.append(h, value_at(961)));
      CHECK(db.append(h, value_at(962)));
      REQUIRE_FALSE(db.close());
    }
    dbengine db{options(fs, 64)};
    dbengine ref{options(ref_fs, 64)};
    std::string seen;
    for (auto& d : db.diagnostics())
      seen += to_string(d) + "; ";
    CHECK_MESSAGE(db.diagnostics().empty(), seen);
    auto h = db.find(dim(0).key);
    auto rh = ref.find(dim(0).key);
    CHECK(db.query(h, 0, T + 2000) == ref.query(rh, 0, T + 2000));
    auto a = db.query_tier(h, 1, 0, T + 2000);
    auto b = ref.query_tier(rh, 1, 0, T + 2000);
    REQUIRE(a.size() == b.size());
    for (size_t n = 0; n < a.size(); ++n) {
      CAPTURE(n);
      CHECK(a[n].end_s == b[n].end_s);
      CHECK(a[n].count == b[n].count);
      CHECK(a[n].sum == doctest::Approx(b[n].sum));
    }
  }
}

TEST_CASE("dbengine: a crash while the disk is full keeps what the journal "
          "had; the journal of the metadata-less datafiles names dimensions") {
  memory_filesystem fs;
  {
    auto db = std::make_unique<dbengine>(options(fs, 64));
    auto h = db->add_dimension(dim(1));
    for (int64_t i = 1; i <= 500; ++i) {
      db->append(h, value_at(i, 1));
      if (i % 10 == 0)
        db->maintain();
    }
    auto at_crash = fs.files;
    db.reset();
    fs.files = std::move(at_crash);
  }
  fs.files.erase("/db/h/dbengine-meta.tdm");
  fs.files.erase("/db/h/dbengine-meta.tdm.1");
  auto db = std::make_unique<dbengine>(options(fs, 64));
  auto h = db->find(dim(1).key);
  REQUIRE(h.valid());
  CHECK(db->info(h)->dim_name == "D1");
  CHECK(db->query(h, 0, T + 1000).size() == 500);
}

TEST_CASE("save: a crash loses only what the last maintain() did not "
          "journal; the journal folds into the file") {
  memory_filesystem fs;
  auto opts = options(fs, 64);
  opts.history = 600;
  {
    auto db = std::make_unique<save_engine>(opts);
    auto a = db->add_dimension(dim(0));
    auto b = db->add_dimension(dim(1));
    for (int64_t i = 1; i <= 300; ++i) {
      db->append(a, value_at(i, 0));
      db->append(b, value_at(i, 1));
      if (i % 10 == 0)
        db->maintain();
    }
    auto at_crash = fs.files;
    db.reset();
    fs.files = std::move(at_crash);
  }
  CHECK(fs.files.count(save_file_path(opts)) == 0); // never saved
  {
    auto db = std::make_unique<save_engine>(opts);
    CHECK(db->diagnostics().empty());
    CHECK(db->recovery().find("journal replayed: 600 points of 2") == 0);
    for (int k = 0; k < 2; ++k) {
      auto xs = db->query(db->find(dim(k).key), 0, T + 1000);
      REQUIRE(xs.size() == 300);
      for (int64_t i = 1; i <= 300; ++i)
        CHECK(xs[static_cast<size_t>(i - 1)] == round_trip(value_at(i, k)));
    }
    CHECK(fs.files.count(save_file_path(opts)) == 1);
    CHECK(fs.files.count(db->journal_path()) == 0);
    auto a = db->find(dim(0).key);
    for (int64_t i = 301; i <= 350; ++i)
      db->append(a, value_at(i, 0));
    db->maintain();
    auto at_crash = fs.files;
    db.reset();
    fs.files = std::move(at_crash);
  }
  auto db = std::make_unique<save_engine>(opts);
  CHECK(db->last_time_s(db->find(dim(0).key)) == T + 350);
  CHECK(db->last_time_s(db->find(dim(1).key)) == T + 300);
  REQUIRE_FALSE(db->close());
  CHECK(fs.files.count(db->journal_path()) == 0);
}

TEST_CASE("save: a full disk degrades, then recovers when space returns") {
  memory_filesystem fs;
  auto opts = options(fs, 64);
  auto db = std::make_unique<save_engine>(opts);
  auto a = db->add_dimension(dim(0));
  fs.fail_writes = true;
  for (int64_t i = 1; i <= 20; ++i)
    db->append(a, value_at(i));
  db->maintain();
  CHECK(db->health().degraded);
  CHECK(db->health().pending_points == 20);
  CHECK(fs.files.empty());
  fs.fail_writes = false;
  for (int k = 0; k < 5 && db->health().degraded; ++k)
    db->maintain();
  CHECK_FALSE(db->health().degraded);
  CHECK(db->health().pending_points == 0);
  CHECK(fs.files.count(save_file_path(opts)) == 1);
}

TEST_CASE("flush_journal: batches appended, a broken journal rotated, a "
          "failed rotation tried after 1, 2, 4, then 8 flushes") {
  memory_filesystem fs;
  journal_file j;
  journal_batch batch;
  int rotations = 0;
  bool rotation_works = true;
  auto rotate = [&] {
    ++rotations;
    return rotation_works;
  };
  std::vector<std::string> failures;
  auto failed = [&](const error& e) { failures.push_back(e.message); };
  auto flush = [&] {
    return flush_journal(j, batch, fs, "/j", uint64_t{1} << 20, false, rotate,
                         failed);
  };
  batch.point(0, value_at(1));
  auto first = flush();
  CHECK(first.done);
  CHECK(first.appended > 0);
  CHECK(j.bytes == first.appended);
  CHECK(rotations == 0);
  CHECK(flush().appended == 0); // nothing new
  // The disk fills: the append fails and breaks the journal.
  fs.fail_writes = true;
  batch.point(0, value_at(2));
  CHECK_FALSE(flush().done);
  CHECK(j.broken);
  CHECK(failures.size() == 1);
  // Rotations fail: tried at once, then after 1, 2, 4, 8, 8 flushes.
  rotation_works = false;
  std::vector<int> tried_at;
  for (int n = 1; n <= 40; ++n) {
    auto before = rotations;
    CHECK_FALSE(flush().done);
    if (rotations > before)
      tried_at.push_back(n);
  }
  CHECK(tried_at == std::vector<int>{1, 3, 6, 11, 20, 29, 38});
  // The disk has room again: the next try rotates and all is well.
  rotation_works = true;
  for (int n = 0; n < 9 && j.broken; ++n)
    flush();
  CHECK_FALSE(j.broken);
  CHECK(flush().done);
}
