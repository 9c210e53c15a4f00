#include "storage/ram_engine.hpp"

#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/storage_number.hpp"

#include <doctest/doctest.h>

using namespace tributary::storage;

namespace {

constexpr int64_t T = 1700000000;

dimension_info dim(const char* chart, const char* id, int ue = 1) {
  return dimension_info{{chart, id}, "", "", ue};
}

} // namespace

TEST_CASE("memory modes: names, alloc alias, slot alignment") {
  CHECK(parse_memory_mode("dbengine") == memory_mode::dbengine);
  CHECK(parse_memory_mode("alloc") == memory_mode::alloc);
  CHECK_FALSE(parse_memory_mode("ramdisk"));
  // 3600 × 4 bytes = 14400 → 16384 (4 pages) → 4096 slots.
  CHECK(aligned_history(memory_mode::ram, 3600) == 4096);
  // (400 + 14400) → 16384; (16384 − 400) / 4 = 3996.
  CHECK(aligned_history(memory_mode::save, 3600) == 3996);
  CHECK(aligned_history(memory_mode::ram, 1) == 1024); // min 5 → 1 page
  CHECK(aligned_history(memory_mode::ram, 1024) == 1024);
  CHECK(aligned_history(memory_mode::none, 3600) == 5);
  CHECK(aligned_history(memory_mode::dbengine, 3600) == 0);
  CHECK(make_engine(memory_mode::alloc, {})->mode() == memory_mode::ram);
}

TEST_CASE("storage_number packs like Netdata") {
  // 1.5 → multiplied by 10 six times to 1500000 (< 0x19999e... no: the loop
  // multiplies while below 0x0019999e = 1677726): 15000000 would exceed, so
  // the mantissa is 1500000 with divider 10^6: exact.
  CHECK(round_trip(sample::of(1, 1.5)).value == 1.5);
  // 7 significant digits: 123456789 → 12345679 × 10.
  CHECK(round_trip(sample::of(1, 123456789)).value == 123456790);
  CHECK(round_trip(sample::of(1, -0.25)).value == -0.25);
  CHECK(round_trip(sample::of(1, 0)).value == 0);
  CHECK_FALSE(round_trip(sample::of(1, 0)).empty());
  CHECK(pack(0, 0) == sn_flag_not_anomalous);
  CHECK(pack(1, flag_empty) == sn_empty_slot);
  CHECK(pack(std::nan(""), 0) == sn_empty_slot);
  // Words of Netdata 1.37.1's long double packing; integers take a shorter
  // path that must give the same (the mantissa scaled by 10 while below
  // 0x19999e, and back once if that overshot 0xffffff).
  CHECK(pack(1, 0) == 0x39989680u);
  CHECK(pack(-42, 0) == 0xa9401640u);
  CHECK(pack(1677725, 0) == 0x0119999du);
  CHECK(pack(1677726, 0) == 0x0119999eu);
  CHECK(pack(16777215, 0) == 0x01ffffffu);
  CHECK(pack(167772150, 0) == 0x49ffffffu);
  CHECK(pack(0.5, 0) == 0x394c4b40u);
  auto r = round_trip(sample::of(1, 2, flag_reset | flag_anomalous));
  CHECK(r.flags == (flag_reset | flag_anomalous));
  CHECK(r.value == 2);
}

TEST_CASE("storage_number: every integer of the mantissa packs as "
          "Netdata's loop does") {
  // Netdata's loop for an integer: the mantissa times 10 while below
  // 0x19999e, at most 7 times, then back once if that overshot 0xffffff.
  auto netdata = [](uint32_t v) {
    uint32_t m = 0;
    while (m < 7 && v < 0x0019999eu) {
      v *= 10;
      ++m;
    }
    if (v > 0x00ffffffu) {
      v /= 10;
      --m;
    }
    return sn_flag_not_anomalous + (m << 27) + v;
  };
  uint32_t differ = 0;
  for (uint32_t v = 1; v <= 0x00ffffffu; ++v)
    if (pack(static_cast<double>(v), 0) != netdata(v)
        || pack(-static_cast<double>(v), 0) != (netdata(v) | (1u << 31)))
      ++differ;
  CHECK_EQ(differ, 0u);
}

TEST_CASE("ram: append and query in order, gaps for skipped slots") {
  auto db = make_engine(memory_mode::ram, {});
  auto h = db->add_dimension(dim("system.cpu", "user"));
  CHECK(db->append(h, sample::of(T + 1, 1)));
  CHECK(db->append(h, sample::of(T + 2, 2)));
  CHECK(db->append(h, sample::of(T + 5, 5))); // T+3, T+4 become gaps
  auto xs = db->query(h, 0, T + 100);
  REQUIRE(xs.size() == 5);
  CHECK(xs[0] == sample::of(T + 1, 1));
  CHECK(xs[2] == sample::gap(T + 3));
  CHECK(xs[3] == sample::gap(T + 4));
  CHECK(xs[4] == sample::of(T + 5, 5));
  CHECK(db->first_time_s(h) == T + 1);
  CHECK(db->last_time_s(h) == T + 5);
  // Range limits are inclusive.
  CHECK(db->query(h, T + 2, T + 3).size() == 2);
  CHECK(db->query(h, T + 6, T + 9).empty());
}

TEST_CASE("ram: overwrite inside the ring, drop before it") {
  auto db = make_engine(memory_mode::ram, {});
  auto h = db->add_dimension(dim("c.x", "a"));
  db->append(h, sample::of(T + 1, 1));
  db->append(h, sample::of(T + 3, 3));
  CHECK(db->append(h, sample::of(T + 2, 2))); // fills the gap
  CHECK(db->query(h, T + 2, T + 2)[0].value == 2);
  CHECK_FALSE(db->append(h, sample::of(T, 0))); // older than held
  CHECK_FALSE(db->append(dimension_handle{}, sample::of(T + 4, 4)));
}

TEST_CASE("ram: the ring wraps after its slot count") {
  engine_options opts;
  opts.history = 5; // → 1024 slots
  ram_engine db{opts};
  REQUIRE(db.slots() == 1024);
  auto h = db.add_dimension(dim("c.x", "a"));
  for (int64_t i = 0; i < 1100; ++i)
    db.append(h, sample::of(T + i, static_cast<double>(i)));
  // The newest 1024 are held: T+76 .. T+1099.
  CHECK(db.first_time_s(h) == T + 76);
  CHECK(db.last_time_s(h) == T + 1099);
  auto xs = db.query(h, 0, T + 5000);
  REQUIRE(xs.size() == 1024);
  CHECK(xs.front().value == 76);
  CHECK(xs.back().value == 1099);
  // A jump past the whole ring restarts it.
  db.append(h, sample::of(T + 10000, 1));
  CHECK(db.first_time_s(h) == T + 10000);
  CHECK(db.query(h, 0, T + 20000).size() == 1);
}

TEST_CASE("ram: update_every grid, re-registration") {
  auto db = make_engine(memory_mode::ram, {});
  auto h = db->add_dimension(dim("c.x", "a", 5));
  CHECK(db->update_every(h) == 5);
  db->append(h, sample::of(T + 5, 1));
  db->append(h, sample::of(T + 20, 4)); // T+10, T+15 gaps
  auto xs = db->query(h, 0, T + 100);
  REQUIRE(xs.size() == 4);
  CHECK(xs[1].time_s == T + 10);
  CHECK(xs[1].empty());
  // Same key → same handle; names update.
  auto again = db->add_dimension({{"c.x", "a"}, "chart", "A", 5});
  CHECK(again == h);
  CHECK(db->info(h)->dim_name == "A");
  CHECK(db->query(h, 0, T + 100).size() == 4);
  CHECK(db->find({"c.x", "a"}) == h);
  CHECK_FALSE(db->find({"c.x", "b"}).valid());
  // A new update_every restarts the ring.
  db->add_dimension(dim("c.x", "a", 10));
  CHECK(db->query(h, 0, T + 100).empty());
  CHECK(db->dimensions().size() == 1);
}

TEST_CASE("ram: append_row and close") {
  auto db = make_engine(memory_mode::ram, {});
  dimension_handle hs[2] = {db->add_dimension(dim("c.x", "a")),
                            db->add_dimension(dim("c.x", "b"))};
  sample xs[2] = {sample::of(T, 1), sample::of(T, 2)};
  CHECK(db->append_row(hs, xs, 2) == 2);
  CHECK(db->query(hs[1], T, T)[0].value == 2);
  auto tier0 = db->query_tier(hs[0], 0, T, T);
  REQUIRE(tier0.size() == 1);
  CHECK(tier0[0].count == 1);
  CHECK(tier0[0].start_s == T - 1);
  CHECK(db->query_tier(hs[0], 1, T, T).empty());
  CHECK_FALSE(db->close());
  CHECK_FALSE(db->append(hs[0], sample::of(T + 1, 1)));
}

TEST_CASE("none: registers but stores nothing") {
  auto db = make_engine(memory_mode::none, {});
  auto h = db->add_dimension(dim("c.x", "a", 2));
  CHECK(h.valid());
  CHECK(db->update_every(h) == 2);
  CHECK_FALSE(db->append(h, sample::of(T, 1)));
  CHECK(db->query(h, 0, T + 10).empty());
  CHECK(db->first_time_s(h) == 0);
  CHECK(db->last_time_s(h) == 0);
  CHECK_FALSE(db->flush());
}

TEST_CASE("every mode gets its own engine") {
  memory_filesystem fs;
  engine_options opts;
  opts.directory = "/db";
  opts.fs = &fs;
  for (auto mode : {memory_mode::dbengine, memory_mode::map, memory_mode::save,
                    memory_mode::ram, memory_mode::none}) {
    auto db = make_engine(mode, opts);
    CHECK(db->mode() == mode);
    CHECK(db->diagnostics().empty());
  }
}

TEST_CASE("ram and save: append_rows stores what append_row does, row by row") {
  for (auto mode : {memory_mode::ram, memory_mode::save}) {
    CAPTURE(mode);
    memory_filesystem fs;
    engine_options opts;
    opts.history = 600;
    opts.host_guid = "11111111-2222-3333-4444-555555555555";
    opts.fs = &fs;
    opts.directory = "/rows";
    auto rows_db = make_engine(mode, opts);
    opts.directory = "/one";
    auto one_db = make_engine(mode, opts);
    std::vector<dimension_handle> hr, ho;
    for (const char* id : {"a", "b", "c"}) {
      hr.push_back(rows_db->add_dimension(dim("lg.c0", id)));
      ho.push_back(one_db->add_dimension(dim("lg.c0", id)));
    }
    // 900 rows (more than the history) in batches, with a gap, a late row
    // and an empty value among them.
    std::vector<sample> batch;
    int64_t t = T;
    for (int b = 0; b < 9; ++b) {
      batch.clear();
      for (int r = 0; r < 100; ++r) {
        t += (b == 4 && r == 50) ? 7 : 1;
        auto at = (b == 6 && r == 10) ? t - 30 : t;
        for (int d = 0; d < 3; ++d)
          batch.push_back(d == 1 && r % 17 == 0
                              ? sample::gap(at)
                              : sample::of(at, b * 1000 + r * 3 + d));
      }
      size_t want = 0;
      for (size_t r = 0; r < 100; ++r)
        want += one_db->append_row(ho.data(), batch.data() + r * 3, 3);
      CHECK(rows_db->append_rows(hr.data(), batch.data(), 100, 3) == want);
    }
    for (size_t d = 0; d < 3; ++d) {
      auto got = rows_db->query(hr[d], 0, t + 1);
      auto exp = one_db->query(ho[d], 0, t + 1);
      REQUIRE(got.size() == exp.size());
      CHECK(got.size() > 500);
      for (size_t k = 0; k < got.size(); ++k) {
        CHECK(got[k].time_s == exp[k].time_s);
        CHECK(got[k].flags == exp[k].flags);
        CHECK((got[k].value == exp[k].value
               || (got[k].empty() && exp[k].empty())));
      }
    }
  }
}
