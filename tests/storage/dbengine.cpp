// dbengine tests in the LevelDB style (db/corruption_test.cc,
// db/recovery_test.cc): an in-memory filesystem with flipped bytes and
// truncated tails, reopening after close, a process killed while writing.

#include "storage/dbengine.hpp"

#include "storage/dbengine_format.hpp"
#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/gorilla.hpp"
#include "storage/query.hpp"
#include "storage/storage_number.hpp"

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <doctest/doctest.h>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace tributary;
using namespace tributary::storage;

namespace {

// A multiple of 3600, so tier buckets start at T.
constexpr int64_t T = 1699999200;

// The value stored at T + i by `fill`: a slow wave with resets and gaps.
sample value_at(int64_t i) {
  if (i % 97 == 0)
    return sample::gap(T + i);
  uint8_t flags = i % 50 == 0 ? flag_reset : 0;
  return sample::of(T + i, 100 + 10 * std::sin(static_cast<double>(i) / 30),
                    flags);
}

struct fixture {
  memory_filesystem fs;
  engine_options opts;

  fixture() {
    opts.directory = "/db/host";
    opts.host_guid = "11111111-2222-3333-4444-555555555555";
    opts.fs = &fs;
    opts.page_points = 64; // small pages: many of them in a short test
  }

  std::unique_ptr<dbengine> open() {
    return std::make_unique<dbengine>(opts);
  }

  /// Appends points 1..n to system.cpu/user and closes.
  void fill(int64_t n) {
    auto db = open();
    auto h = db->add_dimension({{"system.cpu", "user"}, "cpu", "User", 1});
    for (int64_t i = 1; i <= n; ++i)
      REQUIRE(db->append(h, value_at(i)));
    REQUIRE_FALSE(db->close());
  }

  std::string tier0_file() {
    return opts.directory + "/dbengine-t0-0000000001.tdf";
  }

  /// Offset of the first page of the tier 0 file: after the file header and
  /// the dimension record of its dimension.
  size_t first_page() {
    uint32_t id = 0;
    dbengine_dimension d;
    auto n = parse_dimension_record(
        std::string_view{fs.files[tier0_file()]}.substr(datafile_header_size),
        id, d);
    REQUIRE(n > 0);
    return datafile_header_size + n;
  }
};

/// The checks every reopened engine must pass for points [from, to].
void check_points(const engine& db, dimension_handle h, int64_t from,
                  int64_t to) {
  auto xs = db.query(h, T + from, T + to);
  REQUIRE(xs.size() == static_cast<size_t>(to - from + 1));
  for (int64_t i = from; i <= to; ++i) {
    auto want = round_trip(value_at(i));
    auto& got = xs[static_cast<size_t>(i - from)];
    if (got != want)
      FAIL_CHECK("point " << i << ": " << got.value << "/" << int{got.flags}
                          << " != " << want.value << "/" << int{want.flags});
  }
}

} // namespace

TEST_CASE("gorilla: times and words round trip") {
  std::mt19937 rng{7};
  std::vector<int64_t> ts{T};
  std::vector<uint32_t> ws{0};
  for (int i = 1; i < 5000; ++i) {
    // Mostly regular, sometimes jittered or far apart.
    auto r = rng() % 100;
    ts.push_back(ts.back() + (r < 80 ? 1 : r < 95 ? 2 + r % 7 : 100000));
    auto w = rng() % 4 == 0 ? ws.back() : ws.back() ^ (rng() >> (rng() % 32));
    ws.push_back(r == 3 ? ~0u : w);
  }
  bit_writer w;
  encode_times(ts.data(), ts.size(), 1, w);
  encode_words(ws.data(), ws.size(), w);
  auto bits = w.finish();
  bit_reader r{bits};
  std::vector<int64_t> ts2(ts.size());
  std::vector<uint32_t> ws2(ws.size());
  ts2[0] = T;
  REQUIRE(decode_times(r, ts2.data(), ts2.size(), 1));
  REQUIRE(decode_words(r, ws2.data(), ws2.size()));
  CHECK(ts2 == ts);
  CHECK(ws2 == ws);
  // Every truncation fails cleanly instead of reading out of bounds.
  for (size_t cut = 0; cut < bits.size(); cut += bits.size() / 16 + 1) {
    bit_reader rr{std::string_view{bits}.substr(0, cut)};
    bool ok = decode_times(rr, ts2.data(), ts2.size(), 1)
              && decode_words(rr, ws2.data(), ws2.size());
    CHECK_FALSE(ok);
  }
}

TEST_CASE("dbengine page: each codec round trips, a flipped bit fails") {
  std::vector<int64_t> ts;
  std::vector<storage_number> vs;
  for (int64_t i = 1; i <= 300; ++i) {
    ts.push_back(T + i + (i > 200 ? 5 : 0)); // irregular after 200
    vs.push_back(pack(value_at(i).value, value_at(i).flags));
  }
  for (auto codec : {page_codec::none, page_codec::lz4, page_codec::zstd}) {
    auto rec = encode_page(3, 1, ts.data(), vs.data(), ts.size(), codec);
    page_header h;
    REQUIRE(parse_page_header(rec, h));
    CHECK(h.dim_id == 3);
    CHECK(h.first_s == T + 1);
    CHECK(h.last_s == T + 305);
    auto page = decode_page(h, std::string_view{rec}.substr(page_header_size));
    REQUIRE(page);
    CHECK(page->times == ts);
    CHECK(page->values == vs);
    rec[page_header_size + rec.size() / 3] ^= 0x10;
    auto bad = decode_page(h, std::string_view{rec}.substr(page_header_size));
    REQUIRE_FALSE(bad);
    CHECK(bad.err().code == ec::corruption);
    rec[5] ^= 0x01; // a header bit
    CHECK_FALSE(parse_page_header(rec, h));
  }
}

TEST_CASE("dbengine: points, gaps and flags survive a restart") {
  fixture f;
  f.fill(1000);
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  auto h = db->find({"system.cpu", "user"});
  REQUIRE(h.valid());
  CHECK(db->info(h)->chart_name == "cpu");
  CHECK(db->info(h)->dim_name == "User");
  CHECK(db->first_time_s(h) == T + 1);
  CHECK(db->last_time_s(h) == T + 1000);
  check_points(*db, h, 1, 1000);
  check_points(*db, h, 500, 510);
  // Appending continues after the stored points; older ones are dropped.
  CHECK_FALSE(db->append(h, value_at(1000)));
  CHECK(db->append(h, value_at(1003)));
  auto xs = db->query(h, T + 1000, T + 1003);
  REQUIRE(xs.size() == 4);
  CHECK(xs[1].empty()); // skipped slots are gaps
  CHECK(xs[2].empty());
  CHECK(xs[3] == round_trip(value_at(1003)));
}

TEST_CASE("dbengine: flush writes partial pages, the page cache is bounded") {
  fixture f;
  f.opts.page_cache_bytes = 4096;
  auto db = f.open();
  auto h = db->add_dimension({{"a.b", "c"}, "", "", 1});
  for (int64_t i = 1; i <= 100; ++i)
    db->append(h, value_at(i));
  CHECK(db->stats().points_written[0] == 64);
  REQUIRE_FALSE(db->flush());
  CHECK(db->stats().points_written[0] == 100);
  CHECK(f.fs.syncs > 0);
  for (int64_t i = 101; i <= 3000; ++i)
    db->append(h, value_at(i));
  check_points(*db, h, 1, 3000);
  CHECK(db->cache_bytes() <= 4096);
  CHECK(db->stats().cache_misses > 0);
}

TEST_CASE("dbengine: tiers 1 and 2 keep aggregates per minute and hour") {
  fixture f;
  auto db = f.open();
  auto h = db->add_dimension({{"a.b", "c"}, "", "", 1});
  // 2 hours of 1, 2, 3, ... with one anomalous point and a gap.
  for (int64_t i = 1; i <= 7200; ++i) {
    if (i == 70)
      continue;
    db->append(h, sample::of(T + i, static_cast<double>(i),
                             i == 61 ? flag_anomalous : 0));
  }
  CHECK(db->tier_update_every(h, 1) == 60);
  CHECK(db->tier_update_every(h, 2) == 3600);
  auto m = db->query_tier(h, 1, 0, T + 100000);
  REQUIRE(m.size() == 120);
  // 1.37.1's buckets: the point ending one second past a minute still
  // joins it (the first point *starting* after it closes it).
  CHECK(m[0].start_s == T);
  CHECK(m[0].end_s == T + 60);
  CHECK(m[0].count == 61);
  CHECK(m[0].sum == doctest::Approx(1891)); // 1 + ... + 61
  CHECK(m[0].anomaly_count == 1);
  CHECK(m[1].count == 59); // 62 ... 121, 70 is missing
  CHECK(m[1].anomaly_count == 0);
  CHECK(m[1].min == 62);
  CHECK(m[1].max == 121);
  CHECK(m[119].end_s == T + 7200);
  CHECK(m[119].count == 59); // 7142 ... 7200, open until 7202 starts
  auto hr = db->query_tier(h, 2, 0, T + 100000);
  REQUIRE(hr.size() == 2);
  CHECK(hr[0].end_s == T + 3600);
  CHECK(hr[0].count == 3600); // 1 ... 3601, 70 is missing
  CHECK(hr[1].end_s == T + 7200);
  CHECK(hr[1].min == 3602);
  CHECK(hr[1].max == 7200);
  // The aggregates survive a restart, and so does the last partial bucket.
  REQUIRE_FALSE(db->close());
  db = f.open();
  CHECK(db->diagnostics().empty());
  h = db->find({"a.b", "c"});
  CHECK(db->query_tier(h, 1, 0, T + 100000).size() == 120);
  CHECK(db->query_tier(h, 2, 0, T + 100000).size() == 2);
  CHECK(db->tier_first_time_s(h, 2) == T + 3600);
  // A bucket continued after the restart merges with its first half.
  db->append(h, sample::of(T + 7201, 1)); // the minute to T + 7200's last
  db->append(h, sample::of(T + 7202, 1)); // closes it, opens T + 7260's
  REQUIRE_FALSE(db->close());
  db = f.open();
  h = db->find({"a.b", "c"});
  db->append(h, sample::of(T + 7203, 2));
  auto closed = db->query_tier(h, 1, T + 7200, T + 7200);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].count == 60);
  auto last = db->query_tier(h, 1, T + 7260, T + 7260);
  REQUIRE(last.size() == 1);
  CHECK(last[0].count == 2);
  CHECK(last[0].sum == 3);
}

TEST_CASE("dbengine: without a journal a minute cut by a restart goes on "
          "after it") {
  fixture f;
  f.opts.journal = false;
  auto db = f.open();
  auto h = db->add_dimension({{"a.b", "c"}, "", "", 1});
  for (int64_t i = 1; i <= 90; ++i)
    db->append(h, sample::of(T + i, 1));
  REQUIRE_FALSE(db->close()); // writes the minute's 62..90 as it is
  db = f.open();
  h = db->find({"a.b", "c"});
  for (int64_t i = 91; i <= 125; ++i)
    db->append(h, sample::of(T + i, 1));
  // Stored twice (62..90, then 91..121) and merged by the query.
  auto m = db->query_tier(h, 1, T + 120, T + 120);
  REQUIRE(m.size() == 1);
  CHECK(m[0].count == 60);
  CHECK(m[0].sum == 60);
}

TEST_CASE("dbengine: a flipped byte skips one page and names it") {
  fixture f;
  f.fill(1000);
  auto p0 = f.first_page();
  auto& file = f.fs.files[f.tier0_file()];
  // The first page starts after the 32-byte file header and the dimension
  // record; flip a payload byte of the second page.
  page_header h;
  REQUIRE(parse_page_header(std::string_view{file}.substr(p0), h));
  size_t second = p0 + page_header_size + h.payload_size;
  file[second + page_header_size + 3] ^= 0x40;
  auto db = f.open();
  REQUIRE(db->diagnostics().size() == 1);
  auto& err = db->diagnostics()[0];
  CHECK(err.code == ec::corruption);
  CHECK(err.position == second);
  CHECK(err.message.find(f.tier0_file()) == 0);
  CHECK(err.message.find("checksum mismatch") != std::string::npos);
  CHECK(err.message.find("offset " + std::to_string(second))
        != std::string::npos);
  // Points 65..128 are gone, everything else reads back.
  auto dim = db->find({"system.cpu", "user"});
  check_points(*db, dim, 1, 64);
  check_points(*db, dim, 129, 1000);
  auto xs = db->query(dim, T + 1, T + 1000);
  CHECK(xs.size() == 1000);
  CHECK(xs[100].empty());
}

TEST_CASE("dbengine: a damaged page header resynchronizes on the next page") {
  fixture f;
  f.fill(1000);
  auto p0 = f.first_page();
  auto& file = f.fs.files[f.tier0_file()];
  file[p0 + 8] ^= 0x01; // raw_size of the first page
  auto db = f.open();
  REQUIRE(db->diagnostics().size() == 1);
  CHECK(db->diagnostics()[0].position == p0);
  CHECK(db->diagnostics()[0].message.find("bad page header")
        != std::string::npos);
  auto dim = db->find({"system.cpu", "user"});
  CHECK(db->first_time_s(dim) == T + 65);
  check_points(*db, dim, 65, 1000);
}

TEST_CASE("dbengine: a torn tail of the newest datafile is cut, every whole "
          "page kept") {
  // What a process killed during an append leaves: a prefix of the record.
  fixture f;
  f.fill(1000);
  auto& file = f.fs.files[f.tier0_file()];
  auto full = file.size();
  file.resize(full - 10);
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  CHECK(db->recovery().find(f.tier0_file() + ": cut a torn tail of ")
        != std::string::npos);
  auto dim = db->find({"system.cpu", "user"});
  // 1000 = 15 × 64 + 40: the last page (961..1000) is lost.
  CHECK(db->last_time_s(dim) == T + 960);
  check_points(*db, dim, 1, 960);
  CHECK(file.size() < full - 10);
  // The engine keeps working: new points go to a new datafile.
  CHECK(db->append(dim, value_at(1001)));
  REQUIRE_FALSE(db->close());
  db = f.open();
  CHECK(db->diagnostics().empty()); // the file was cut back: nothing torn
  CHECK(db->recovery().empty());
  CHECK(db->last_time_s(db->find({"system.cpu", "user"})) == T + 1001);
}

TEST_CASE("dbengine: a torn dimension record at the end of the newest "
          "datafile is cut") {
  fixture f;
  f.fill(1000);
  auto& file = f.fs.files[f.tier0_file()];
  auto full = file.size();
  // A new dimension's record, cut short: longer than a page header, so the
  // loader takes it for a bad page header and finds nothing after it.
  dbengine_dimension d;
  d.info = {{"disk.a_rather_long_chart_id", "reads"}, "disk", "Reads", 1};
  auto record = encode_dimension_record(1, d);
  auto torn = record.size() - 2;
  REQUIRE(torn > page_header_size);
  file += record.substr(0, torn);
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  CHECK(db->recovery().find("cut a torn tail of " + std::to_string(torn)
                            + " bytes at offset " + std::to_string(full))
        != std::string::npos);
  CHECK(file.size() == full);
  check_points(*db, db->find({"system.cpu", "user"}), 1, 1000);
}

TEST_CASE("dbengine: a truncated older datafile keeps every whole page") {
  fixture f;
  f.fill(1000);
  {
    auto db = f.open();
    auto dim = db->find({"system.cpu", "user"});
    for (int64_t i = 1001; i <= 1100; ++i)
      REQUIRE(db->append(dim, value_at(i)));
    REQUIRE_FALSE(db->close());
  }
  REQUIRE(f.fs.files.count(f.opts.directory + "/dbengine-t0-0000000002.tdf")
          == 1);
  auto& file = f.fs.files[f.tier0_file()];
  auto full = file.size();
  file.resize(full - 10);
  auto db = f.open();
  REQUIRE(db->diagnostics().size() == 1);
  auto& err = db->diagnostics()[0];
  CHECK(err.code == ec::truncated);
  CHECK(err.message.find("truncated page") != std::string::npos);
  CHECK(file.size() == full - 10); // damage, not a torn append: left as is
  auto dim = db->find({"system.cpu", "user"});
  check_points(*db, dim, 1, 960);
  check_points(*db, dim, 1001, 1100);
}

TEST_CASE("dbengine: garbage after the last page of the newest datafile is "
          "reported, not cut") {
  fixture f;
  f.fill(1000);
  auto& file = f.fs.files[f.tier0_file()];
  auto full = file.size();
  file += std::string(100, 'x');
  auto db = f.open();
  REQUIRE(db->diagnostics().size() == 1);
  CHECK(db->diagnostics()[0].position == full);
  CHECK(db->diagnostics()[0].message.find("bad page header")
        != std::string::npos);
  CHECK(db->recovery().empty());
  CHECK(file.size() == full + 100);
  check_points(*db, db->find({"system.cpu", "user"}), 1, 1000);
}

TEST_CASE("dbengine: a datafile torn in its header is removed") {
  fixture f;
  f.fill(1000);
  {
    auto db = f.open();
    REQUIRE_FALSE(db->close());
  }
  auto second = f.opts.directory + "/dbengine-t0-0000000002.tdf";
  // The first append to a new datafile, cut short after 5 bytes.
  f.fs.files[second] = f.fs.files[f.tier0_file()].substr(0, 5);
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  CHECK(db->recovery().find(second + ": removed a datafile torn in its header")
        != std::string::npos);
  CHECK(f.fs.files.count(second) == 0);
  check_points(*db, db->find({"system.cpu", "user"}), 1, 1000);
}

TEST_CASE("dbengine: a page damaged after opening is reported by queries") {
  fixture f;
  f.fill(1000);
  auto db = f.open();
  REQUIRE(db->diagnostics().empty());
  auto p0 = f.first_page();
  f.fs.files[f.tier0_file()][p0 + page_header_size + 1] ^= 0x01;
  auto dim = db->find({"system.cpu", "user"});
  auto xs = db->query(dim, T + 1, T + 1000);
  REQUIRE(xs.size() == 1000 - 64);
  CHECK(xs.front().time_s == T + 65);
  REQUIRE(db->io_errors().size() == 1);
  CHECK(db->io_errors()[0].position == p0);
}

// Finding 3 of issue 16: 16 flipped bytes in dbengine-meta.tdm hid a host's
// whole history. The datafiles now describe their dimensions.
TEST_CASE("dbengine: metadata larger than one part (1 MiB) is written whole "
          "and names every dimension again") {
  fixture f;
  // Names that make ~110-byte records: 12,000 of them are over 1 MiB.
  auto key = [](int k) {
    return dimension_key{"app.a_chart_with_a_long_name_"
                             + std::to_string(k % 50),
                         "dimension_with_a_long_name_" + std::to_string(k)};
  };
  {
    auto db = f.open();
    for (int k = 0; k < 12000; ++k) {
      auto h = db->add_dimension({key(k), "a chart", "a dimension", 1});
      REQUIRE(db->append(h, sample::of(T + 1, k)));
    }
    REQUIRE_FALSE(db->close());
  }
  auto& meta = f.fs.files[f.opts.directory + "/dbengine-meta.tdm"];
  CHECK(meta.size() > (size_t{1} << 20));
  CHECK(f.fs.files.count(f.opts.directory + "/dbengine-meta.tdm.tmp") == 0);
  auto decoded = decode_metadata(meta, "m");
  REQUIRE(decoded);
  CHECK(decoded->dimensions.size() == 12000);
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  for (int k = 0; k < 12000; k += 997) {
    auto h = db->find(key(k));
    REQUIRE(h.valid());
    CHECK(db->info(h)->dim_name == "a dimension");
    auto xs = db->query(h, 0, T + 10);
    REQUIRE(xs.size() == 1);
    CHECK(xs[0].value == k);
  }
}

TEST_CASE("dbengine: a corrupt metadata file is reported, the datafiles keep "
          "every point readable") {
  fixture f;
  f.fill(200);
  auto& meta = f.fs.files[f.opts.directory + "/dbengine-meta.tdm"];
  for (size_t i = 20; i < 36; ++i)
    meta[i] = static_cast<char>(meta[i] ^ 0x5a);
  auto db = f.open();
  REQUIRE(db->diagnostics().size() == 1);
  CHECK(
      db->diagnostics()[0].message.find(f.opts.directory + "/dbengine-meta.tdm")
      == 0);
  CHECK(db->recovery().find("rebuilt from the datafiles: 1")
        != std::string::npos);
  auto h = db->find({"system.cpu", "user"});
  REQUIRE(h.valid());
  CHECK(db->info(h)->chart_name == "cpu");
  CHECK(db->info(h)->dim_name == "User");
  check_points(*db, h, 1, 200);
  REQUIRE_FALSE(db->close());
  // The next close rewrote it: clean again.
  db = f.open();
  CHECK(db->diagnostics().empty());
  check_points(*db, db->find({"system.cpu", "user"}), 1, 200);
}

TEST_CASE("dbengine: a damaged metadata file falls back to its previous "
          "generation") {
  fixture f;
  f.fill(100);
  {
    auto db = f.open();
    auto h = db->add_dimension({{"system.cpu", "user"}, "cpu", "User", 1});
    // A dimension without any page: only the metadata knows it.
    db->add_dimension({{"system.cpu", "idle"}, "cpu", "Idle", 1});
    for (int64_t i = 101; i <= 150; ++i)
      REQUIRE(db->append(h, value_at(i)));
    REQUIRE_FALSE(db->close());
  }
  auto path = f.opts.directory + "/dbengine-meta.tdm";
  REQUIRE(f.fs.files.count(path + ".1") == 1);
  for (size_t i = 0; i < 16; ++i)
    f.fs.files[path][40 + i] ^= 0x01;
  auto db = f.open();
  REQUIRE(db->diagnostics().size() == 2);
  CHECK(db->diagnostics()[1].message.find("previous generation")
        != std::string::npos);
  check_points(*db, db->find({"system.cpu", "user"}), 1, 150);
  // Newer than .1, without pages: the clean close's journal names it.
  CHECK(db->find({"system.cpu", "idle"}).valid());
}

TEST_CASE("dbengine: the oldest datafiles go when the disk limit is hit") {
  fixture f;
  f.opts.datafile_bytes = 2048;
  f.opts.disk_space_bytes = {8192, 0, 0};
  auto db = f.open();
  auto h = db->add_dimension({{"a.b", "c"}, "", "", 1});
  std::mt19937 rng{1};
  for (int64_t i = 1; i <= 20000; ++i)
    db->append(h, sample::of(T + i, static_cast<double>(rng() % 100000)));
  CHECK(db->stats().files_deleted > 0);
  CHECK(db->disk_bytes(0) <= 8192 + 2048);
  uint64_t on_disk = 0;
  for (auto& [path, bytes] : f.fs.files)
    if (path.find("dbengine-t0-") != std::string::npos)
      on_disk += bytes.size();
  CHECK(on_disk == db->disk_bytes(0));
  auto first = db->first_time_s(h);
  CHECK(first > T + 1);
  auto xs = db->query(h, 0, T + 20000);
  CHECK(xs.size() == static_cast<size_t>(T + 20000 - first + 1));
  // Tier 1 is unlimited and still has everything.
  CHECK(db->tier_first_time_s(h, 1) == T + 60);
  REQUIRE_FALSE(db->close());
  db = f.open();
  CHECK(db->diagnostics().empty());
  CHECK(db->first_time_s(db->find({"a.b", "c"})) == first);
}

TEST_CASE("dbengine: a new update_every starts the dimension over") {
  fixture f;
  f.fill(100);
  auto db = f.open();
  auto h = db->add_dimension({{"system.cpu", "user"}, "cpu", "User", 5});
  CHECK(db->first_time_s(h) == 0);
  CHECK(db->append(h, sample::of(T + 105, 1)));
  REQUIRE_FALSE(db->close());
  db = f.open();
  h = db->find({"system.cpu", "user"});
  CHECK(db->update_every(h) == 5);
  CHECK(db->first_time_s(h) == T + 105);
}

// Finding 2 of issue 16: a full disk lost every page, left an empty
// datafile per failed page and grew memory without bound.
TEST_CASE("dbengine: a full disk keeps pages in memory, leaves no file, "
          "writes them when space returns") {
  fixture f;
  f.opts.page_cache_bytes = 12 * 300; // room for 300 waiting points
  auto db = f.open();
  auto h = db->add_dimension({{"a.b", "c"}, "", "", 1});
  db->maintain();
  f.fs.fail_writes = true;
  for (int64_t i = 1; i <= 100; ++i)
    CHECK(db->append(h, value_at(i)));
  db->maintain();
  CHECK(db->health().degraded);
  CHECK(db->health().last_error.find("No space left") != std::string::npos);
  CHECK(db->health().pending_points == 100);
  for (auto& [path, bytes] : f.fs.files)
    CHECK_MESSAGE(path.find(".tdf") == std::string::npos, path);
  // One failing write per page at most, then only maintain() retries.
  auto failed = f.fs.failed_writes;
  for (int64_t i = 101; i <= 300; ++i)
    db->append(h, value_at(i));
  CHECK(f.fs.failed_writes == failed);
  db->maintain();
  CHECK(f.fs.failed_writes <= failed + 2);
  // Beyond the budget the oldest points go, counted.
  for (int64_t i = 301; i <= 1000; ++i)
    db->append(h, value_at(i));
  auto health = db->health();
  CHECK(health.dropped_points > 0);
  CHECK(health.pending_points <= 300 + 64 + 100);
  f.fs.fail_writes = false;
  for (int k = 0; k < 5 && db->health().degraded; ++k)
    db->maintain(); // the journal retries with a backoff of a few calls
  CHECK_FALSE(db->health().degraded);
  CHECK(db->health().pending_points < 64);
  auto first = T + static_cast<int64_t>(health.dropped_points) + 1;
  for (int64_t i = 1001; i <= 1100; ++i)
    db->append(h, value_at(i));
  REQUIRE_FALSE(db->close());
  db = f.open();
  CHECK(db->diagnostics().empty());
  h = db->find({"a.b", "c"});
  CHECK(db->first_time_s(h) == first);
  check_points(*db, h, first - T, 1100);
}

// Finding 1 of issue 16: a kill -9 lost every point of the open pages.
TEST_CASE("dbengine: SIGKILL while writing loses only what the last "
          "maintain() did not journal") {
  char tmpl[] = "/tmp/tributary-dbengine-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  engine_options opts;
  opts.directory = dir + "/host";
  opts.host_guid = "crash";
  opts.page_points = 64;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    dbengine db{opts};
    auto h = db.add_dimension({{"a.b", "c"}, "", "", 1});
    for (int64_t i = 1;; ++i) {
      db.append(h, value_at(i));
      if (i % 100 == 0)
        db.maintain();
      if (i == 5000) {
        // Tell the parent that 5000 points are journaled, keep writing.
        char c = 'x';
        if (::write(fds[1], &c, 1) != 1)
          ::_exit(2);
      }
    }
  }
  ::close(fds[1]);
  char c = 0;
  REQUIRE(::read(fds[0], &c, 1) == 1);
  ::usleep(2000);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  CHECK(WIFSIGNALED(status));
  {
    dbengine db{opts};
    CHECK(db.diagnostics().empty());
    CHECK(db.recovery().find("journal replayed") == 0);
    auto h = db.find({"a.b", "c"});
    REQUIRE(h.valid());
    auto last = db.last_time_s(h) - T;
    CHECK(last >= 5000);
    check_points(db, h, 1, last);
    CHECK(db.append(h, value_at(last + 1)));
    CHECK_FALSE(db.close());
  }
  {
    // A clean close is not a recovery.
    dbengine db{opts};
    std::string seen; // came once under ASan: name it if it comes back
    for (auto& d : db.diagnostics())
      seen += to_string(d) + "; ";
    CHECK_MESSAGE(db.diagnostics().empty(), seen);
    CHECK(db.recovery().empty());
    check_points(db, db.find({"a.b", "c"}), 1, 5001);
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("dbengine: run_query reads the tier whose resolution fits") {
  fixture f;
  f.opts.page_points = 1024;
  auto db = f.open();
  auto h = db->add_dimension({{"a.b", "c"}, "", "", 1});
  // One day of i % 3600 (a saw tooth per hour); the 5th hour is missing.
  constexpr int64_t day = 86400;
  for (int64_t i = 1; i <= day; ++i)
    if (i <= 4 * 3600 || i > 5 * 3600)
      db->append(h, sample::of(T + i, static_cast<double>(i % 3600)));
  auto now = T + day + 1;
  query_request req;
  req.after = -day;
  req.before = 0;
  SUBCASE("600 rows of 144 s: tier 1") {
    req.points = 600;
    auto res = run_query(*db, {h}, req, now);
    CHECK(res.tier == 1);
    CHECK(res.update_every == 60);
    CHECK(res.view_update_every % 60 == 0);
    CHECK(res.db_points_read <= day / 60);
  }
  SUBCASE("2 rows over 120 s: tier 0 (tier 1 holds one point there)") {
    req.after = T + 36001;
    req.before = T + 36120;
    req.points = 2;
    CHECK(run_query(*db, {h}, req, now).tier == 0);
    req.points = 1;
    CHECK(run_query(*db, {h}, req, now).tier == 1);
  }
  SUBCASE("24 rows of an hour: tier 2, averages, the gap is null") {
    // Tier 2 holds 24 points in before − after only from 86,400 s on
    // (86,399 s has 23: tier 1 then, as 1.37.1 weighs it).
    req.after = -day - 1;
    req.points = 24;
    auto res = run_query(*db, {h}, req, now);
    CHECK(res.tier == 2);
    CHECK(res.view_update_every == 3600);
    REQUIRE(res.rows() == 24);
    CHECK(res.db_points_read <= 24);
    // The hour ending at E holds the points ending in (E − 3599, E + 1]
    // (1.37.1's buckets): 2..3599, 0 and 1, an average of 3599 × 3600 / 2
    // / 3600. The first also holds the point ending at T + 1 (3601
    // points), the last, still open, lacks the one ending past the day
    // (3599 points).
    CHECK(res.at(0, 0).value() == doctest::Approx(1799.0));
    CHECK(res.at(1, 0).value() == doctest::Approx(1799.5));
    CHECK_FALSE(res.at(4, 0).has_value());
    CHECK(res.at(22, 0).value() == doctest::Approx(1799.5));
    CHECK(res.at(23, 0).value() == doctest::Approx(1800.0));
    req.group = grouping::max;
    res = run_query(*db, {h}, req, now);
    CHECK(res.at(0, 0).value() == 3599);
  }
  SUBCASE("5 minutes of 300 rows: tier 0, or a forced tier") {
    req.after = -300;
    req.points = 300;
    auto res = run_query(*db, {h}, req, now);
    CHECK(res.tier == 0);
    CHECK(res.update_every == 1);
    REQUIRE(res.rows() == 300);
    CHECK(res.at(298, 0).value() == 3599);
    CHECK(res.at(299, 0).value() == 0);
    req.tier = 1;
    res = run_query(*db, {h}, req, now);
    CHECK(res.tier == 1);
    CHECK(res.update_every == 60);
  }
}
