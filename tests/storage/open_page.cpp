#include "storage/open_page.hpp"

#include "storage/storage_number.hpp"

#include <doctest/doctest.h>
#include <random>

using namespace tributary::storage;

namespace {

constexpr int64_t T = 1700000000;

struct plain_page {
  std::vector<int64_t> times;
  std::vector<storage_number> values;
};

void check_same(const plain_page& want, const open_page& got) {
  REQUIRE(got.size() == want.times.size());
  REQUIRE(got.empty() == want.times.empty());
  std::vector<int64_t> times{-1};
  std::vector<storage_number> values{7};
  got.decode(times, values);
  // decode appends.
  REQUIRE(times.front() == -1);
  REQUIRE(values.front() == 7);
  times.erase(times.begin());
  values.erase(values.begin());
  REQUIRE(times == want.times);
  REQUIRE(values == want.values);
  if (!want.times.empty()) {
    REQUIRE(got.front_time() == want.times.front());
    REQUIRE(got.back_time() == want.times.back());
  }
}

} // namespace

TEST_CASE("an open page gives back every point it was given, through random "
          "gaps, drops and clears") {
  std::mt19937_64 rng{20261204};
  for (int round = 0; round < 40; ++round) {
    CAPTURE(round);
    plain_page want;
    open_page got;
    int64_t t = T + static_cast<int64_t>(rng() % 1000);
    int64_t step = 1 + static_cast<int64_t>(rng() % 5);
    for (int i = 0; i < 1500; ++i) {
      auto r = rng() % 1000;
      if (r < 900)
        t += step;
      else if (r < 980)
        t += step * static_cast<int64_t>(1 + rng() % 50); // a gap
      else
        t += static_cast<int64_t>(rng() % 100000) + 1; // an outage
      storage_number v = 0;
      switch (rng() % 4) {
      case 0:
        v = pack(100.0 + static_cast<double>(i % 7), 0);
        break;
      case 1:
        v = pack(static_cast<double>(rng() % 100000) / 1000.0, 0);
        break;
      case 2:
        v = sn_empty_slot;
        break;
      default:
        v = static_cast<storage_number>(rng());
      }
      want.times.push_back(t);
      want.values.push_back(v);
      got.push(t, v);
      if (rng() % 97 == 0) {
        auto k = static_cast<size_t>(rng() % (want.times.size() + 1));
        got.drop_front(k);
        want.times.erase(want.times.begin(),
                         want.times.begin() + static_cast<std::ptrdiff_t>(k));
        want.values.erase(want.values.begin(),
                          want.values.begin() + static_cast<std::ptrdiff_t>(k));
      }
      if (rng() % 89 == 0 && !want.times.empty()) {
        auto cut = want.times[rng() % want.times.size()];
        size_t k = 0;
        while (k < want.times.size() && want.times[k] <= cut)
          ++k;
        REQUIRE(got.drop_through(cut) == k);
        want.times.erase(want.times.begin(),
                         want.times.begin() + static_cast<std::ptrdiff_t>(k));
        want.values.erase(want.values.begin(),
                          want.values.begin() + static_cast<std::ptrdiff_t>(k));
      }
      if (rng() % 701 == 0) {
        got.clear();
        want = plain_page{};
        REQUIRE(got.heap_bytes() == 0);
      }
      if (i % 37 == 0)
        check_same(want, got);
    }
    check_same(want, got);
    REQUIRE(got.drop_through(T - 1) == 0);
  }
}

TEST_CASE("an open page costs a fraction of the twelve bytes a point it "
          "took as two vectors") {
  open_page steady;
  open_page busy;
  for (int i = 0; i < 1024; ++i) {
    steady.push(T + i, pack(50.0 + i / 100, 0));
    busy.push(T + i, pack(1000.0 + (i % 10) * 3.0, 0));
  }
  REQUIRE(steady.size() == 1024);
  CHECK(steady.heap_bytes() < 1024);
  // Every value differs from the one before: about 20 bits each.
  CHECK(busy.heap_bytes() * 3 < 1024 * 12);
}
