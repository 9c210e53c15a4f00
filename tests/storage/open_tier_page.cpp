#include "storage/open_tier_page.hpp"

#include "storage/dbengine_format.hpp"

#include <cmath>
#include <cstring>
#include <doctest/doctest.h>
#include <random>

using namespace tributary::storage;

namespace {

constexpr int64_t T = 1700000000;

/// What a written tier page gives back for `p`.
storage_point as_written(storage_point p, int64_t len) {
  p.start_s = p.end_s - len;
  p.sum = bits_float(float_bits(p.sum));
  p.min = bits_float(float_bits(p.min));
  p.max = bits_float(float_bits(p.max));
  return p;
}

bool same(const storage_point& a, const storage_point& b) {
  return a.start_s == b.start_s && a.end_s == b.end_s
         && std::memcmp(&a.sum, &b.sum, 8) == 0
         && std::memcmp(&a.min, &b.min, 8) == 0
         && std::memcmp(&a.max, &b.max, 8) == 0 && a.count == b.count
         && a.anomaly_count == b.anomaly_count && a.flags == b.flags;
}

void check_same(const std::vector<storage_point>& want,
                const open_tier_page& got, int64_t len) {
  REQUIRE(got.size() == want.size());
  std::vector<storage_point> out(1);
  got.decode(len, out);
  REQUIRE(out.size() == want.size() + 1);
  for (size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    REQUIRE(same(out[i + 1], want[i]));
  }
  if (!want.empty()) {
    REQUIRE(got.front_end() == want.front().end_s);
    REQUIRE(got.back_end() == want.back().end_s);
  }
}

} // namespace

TEST_CASE("an open tier page gives back its buckets as a written page "
          "would, through gaps, drops and clears") {
  std::mt19937_64 rng{4122026};
  for (int round = 0; round < 30; ++round) {
    CAPTURE(round);
    int64_t len = round % 2 == 0 ? 60 : 3600;
    std::vector<storage_point> want;
    open_tier_page got;
    int64_t end = T / len * len;
    for (int i = 0; i < 600; ++i) {
      end += len * static_cast<int64_t>(rng() % 10 == 0 ? 1 + rng() % 30 : 1);
      storage_point p;
      p.end_s = end;
      p.start_s = end - len;
      p.count = static_cast<uint32_t>(rng() % 8 == 0 ? rng() % 61 : 60);
      if (p.count > 0) {
        double base = rng() % 3 == 0 ? 1e9 : 100.0;
        p.min = base * std::sin(i / 7.0);
        p.max = p.min + static_cast<double>(rng() % 1000) / 7.0;
        p.sum = (p.min + p.max) / 2 * p.count;
      }
      p.anomaly_count = static_cast<uint32_t>(rng() % 5 == 0 ? rng() % 3 : 0);
      p.flags = static_cast<uint8_t>(rng() % 11 == 0 ? rng() : 0);
      want.push_back(as_written(p, len));
      got.push(p);
      if (rng() % 71 == 0) {
        auto cut = want[rng() % want.size()].end_s;
        size_t k = 0;
        while (k < want.size() && want[k].end_s <= cut)
          ++k;
        REQUIRE(got.drop_through(cut, len) == k);
        want.erase(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(k));
      }
      if (rng() % 301 == 0) {
        got.clear();
        want.clear();
        REQUIRE(got.heap_bytes() == 0);
        REQUIRE(got.empty());
      }
      if (i % 29 == 0)
        check_same(want, got, len);
    }
    check_same(want, got, len);
  }
}

TEST_CASE("an open tier page of a steady metric costs a few bytes a bucket, "
          "not 56") {
  open_tier_page page;
  for (int i = 0; i < 256; ++i) {
    storage_point p;
    p.end_s = T + 60 * (i + 1);
    p.start_s = p.end_s - 60;
    p.count = 60;
    p.min = 100 + i % 3;
    p.max = 110 + i % 5;
    p.sum = 105.0 * 60;
    page.push(p);
  }
  REQUIRE(page.size() == 256);
  CHECK(page.heap_bytes() < 256 * 8);
}
