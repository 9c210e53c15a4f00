#include "storage/compressed_ring.hpp"

#include "storage/dimension_ring.hpp"
#include "storage/slot_page.hpp"
#include "storage/storage_number.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <doctest/doctest.h>
#include <random>

using namespace tributary::storage;

namespace {

constexpr int64_t T = 1700000000;

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Every observable answer of `c` equals the oracle's, bit for bit.
void check_same(const dimension_ring& d, const compressed_ring& c,
                std::mt19937_64& rng) {
  REQUIRE(c.size() == d.size());
  REQUIRE(c.first_time_s() == d.first_time_s());
  REQUIRE(c.last_time_s() == d.last_time_s());
  REQUIRE(c.where().head == d.where().head);
  REQUIRE(c.raw() == d.raw());
  auto lo = d.first_time_s() - 5 * d.update_every();
  auto span = static_cast<uint64_t>(d.size() + 10) * d.update_every();
  for (int i = 0; i < 4; ++i) {
    auto a = lo + static_cast<int64_t>(rng() % span);
    auto b = lo + static_cast<int64_t>(rng() % span);
    if (i == 0) {
      a = lo;
      b = d.last_time_s() + 1;
    }
    auto want = d.range(a, b);
    auto got = c.range(a, b);
    REQUIRE(got.size() == want.size());
    for (size_t k = 0; k < got.size(); ++k) {
      REQUIRE(got[k].time_s == want[k].time_s);
      REQUIRE(got[k].flags == want[k].flags);
      REQUIRE(same_bits(got[k].value, want[k].value));
    }
  }
}

/// A value of one of the kinds a parent stores.
sample value_at(std::mt19937_64& rng, int kind, int64_t t, double& walk) {
  switch (kind) {
  case 0: // a rate with noise
    return sample::of(t, 100 + static_cast<double>(rng() % 10));
  case 1: // a wandering gauge
    walk = std::clamp(walk + static_cast<double>(rng() % 21) - 10, 0.0, 1e3);
    return sample::of(t, walk);
  case 2:
    return sample::of(t, 42);
  case 3: // fractions, negatives, flags
    return sample::of(t, (static_cast<double>(rng() % 2000001) - 1e6) / 997.0,
                      rng() % 7 == 0 ? flag_reset : 0);
  default:
    return sample::gap(t);
  }
}

} // namespace

TEST_CASE("slot page codec round-trips every kind of page") {
  std::mt19937_64 rng{7};
  for (int round = 0; round < 2000; ++round) {
    size_t n = 1 + rng() % 200;
    std::vector<storage_number> xs(n);
    auto kind = round % 7;
    double walk = 500;
    // Words no packing makes but a damaged save file may hold: one
    // exponent (divide or multiply), zero mantissas among them.
    auto exponent = static_cast<storage_number>(rng() % 8) << 27;
    auto multiply = kind == 6 ? storage_number{1} << 30 : 0;
    for (size_t i = 0; i < n; ++i) {
      auto s = value_at(rng, static_cast<int>(kind), T, walk);
      if (kind >= 5)
        xs[i] = multiply | exponent
                | (rng() % 3 == 0 ? 0
                                  : static_cast<storage_number>(rng() % 1000));
      else
        xs[i] = kind == 4 ? static_cast<storage_number>(rng())
                          : pack(s.value, s.flags);
      if (rng() % 50 == 0)
        xs[i] = sn_empty_slot;
    }
    auto bytes = encode_slot_page(xs.data(), n);
    std::vector<storage_number> back(n);
    REQUIRE(decode_slot_page(bytes, back.data(), n));
    REQUIRE(back == xs);
  }
}

TEST_CASE("slot page codec: constant and gauge pages are small") {
  std::vector<storage_number> xs(128, pack(42, 0));
  CHECK(encode_slot_page(xs.data(), xs.size()).size() <= 8);
  double v = 500;
  std::mt19937_64 rng{1};
  for (auto& x : xs) {
    v = std::clamp(v + static_cast<double>(rng() % 21) - 10, 0.0, 1e3);
    x = pack(v, 0);
  }
  // 21 steps: log2(21) = 4.39 bits a slot.
  CHECK(encode_slot_page(xs.data(), xs.size()).size() <= 128 * 44 / 80 + 12);
}

TEST_CASE("compressed ring answers as dimension_ring for random puts") {
  std::mt19937_64 rng{20261203};
  for (int round = 0; round < 60; ++round) {
    size_t cap = 1 + rng() % 700;
    int ue = round % 4 == 3 ? 1 + static_cast<int>(rng() % 5) : 1;
    size_t page = 1 + rng() % 130;
    size_t chunk = 1 + rng() % 40;
    dimension_ring d{cap, ue};
    compressed_ring c{cap, ue, page, chunk};
    int kind = static_cast<int>(rng() % 5);
    double walk = 500;
    int64_t t = T + static_cast<int64_t>(rng() % 100);
    for (int i = 0; i < 3000; ++i) {
      auto r = rng() % 1000;
      int64_t at = t;
      if (r < 700) {
        t += ue; // the usual next point
        at = t;
      } else if (r < 800) {
        t += ue * static_cast<int64_t>(1 + rng() % 20); // a gap
        at = t;
      } else if (r < 803) {
        t += ue * static_cast<int64_t>(rng() % (3 * cap + 1)); // long outage
        at = t;
      } else if (r < 950) {
        // late, replayed or older than the held range; off the grid too
        at = t - static_cast<int64_t>(rng() % (ue * (cap + 20) + 1));
      } else if (r < 960) {
        at = t + static_cast<int64_t>(rng() % ue); // same slot, off grid
      } else if (r < 962) {
        at = 0;
      } else if (r < 964) {
        auto slots = d.raw();
        if (rng() % 2 == 0 && !slots.empty())
          slots.resize(rng() % slots.size());
        for (int k = static_cast<int>(rng() % 3); k > 0; --k)
          slots.push_back(static_cast<storage_number>(rng()));
        d.restore(slots, t);
        c.restore(slots, t);
        check_same(d, c, rng);
        continue;
      }
      auto x = value_at(rng, rng() % 20 == 0 ? 4 : kind, at, walk);
      REQUIRE(c.put(x) == d.put(x));
      if (rng() % 25 == 0)
        check_same(d, c, rng);
    }
    check_same(d, c, rng);
  }
}

TEST_CASE("compressed ring: put_many answers as put, batch by batch") {
  std::mt19937_64 rng{20261204};
  for (int round = 0; round < 60; ++round) {
    size_t cap = 1 + rng() % 700;
    int ue = round % 4 == 3 ? 1 + static_cast<int>(rng() % 5) : 1;
    size_t page = 1 + rng() % 130;
    size_t chunk = 1 + rng() % 40;
    dimension_ring d{cap, ue};
    compressed_ring c{cap, ue, page, chunk};
    int kind = static_cast<int>(rng() % 5);
    double walk = 500;
    int64_t t = T + static_cast<int64_t>(rng() % 100);
    std::vector<sample> batch;
    for (int b = 0; b < 40; ++b) {
      batch.clear();
      auto n = rng() % 400;
      for (size_t i = 0; i < n; ++i) {
        auto r = rng() % 1000;
        int64_t at = t;
        if (r < 900) {
          t += ue; // mostly consecutive, as a backfill is
          at = t;
        } else if (r < 950) {
          t += ue * static_cast<int64_t>(1 + rng() % 20);
          at = t;
        } else if (r < 955) {
          t += ue * static_cast<int64_t>(rng() % (3 * cap + 1));
          at = t;
        } else if (r < 995) {
          at = t - static_cast<int64_t>(rng() % (ue * (cap + 20) + 1));
        } else {
          at = 0;
        }
        batch.push_back(value_at(rng, rng() % 20 == 0 ? 4 : kind, at, walk));
      }
      size_t want = 0;
      for (const auto& x : batch)
        want += d.put(x) ? 1 : 0;
      REQUIRE(c.put_many(batch.data(), batch.size()) == want);
      check_same(d, c, rng);
    }
  }
}

TEST_CASE("compressed ring: put_many keeps no raw page once it returns") {
  compressed_ring c{3600, 1};
  std::vector<sample> batch;
  for (int64_t i = 1; i <= 100; ++i)
    batch.push_back(sample::of(T + i, 42));
  REQUIRE(c.put_many(batch.data(), batch.size()) == 100);
  // 96 slots encoded (a constant page is a few bytes), 4 in the open chunk:
  // far less than the 512 bytes of a raw 128-slot page kept for staging.
  CHECK(c.heap_bytes() < 128 * sizeof(storage_number));
  CHECK(c.raw().size() == 100);
}

TEST_CASE("compressed ring: a full hour of a gauge takes a fraction of raw") {
  compressed_ring c{4096, 1};
  std::mt19937_64 rng{3};
  double v = 500;
  for (int64_t i = 0; i < 3 * 4096; ++i) {
    v = std::clamp(v + static_cast<double>(rng() % 21) - 10, 0.0, 1e3);
    REQUIRE(c.put(sample::of(T + i, v)));
  }
  CHECK(c.size() == 4096);
  CHECK(c.heap_bytes() < 4096 * 4 / 4);
}
