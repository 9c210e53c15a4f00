#include "base/handling_time.hpp"

#include <doctest/doctest.h>

using namespace tributary;

TEST_CASE("latency_histogram: quantiles are the upper edges of log2 buckets") {
  latency_histogram h;
  CHECK(h.quantile_ns(0.5) == 0);
  for (int i = 0; i < 98; ++i)
    h.add(1500);    // [1024, 2048)
  h.add(1'000'000); // [2^19, 2^20)
  h.add(1'000'000);
  CHECK(h.count() == 100);
  CHECK(h.quantile_ns(0.5) == 2048);
  CHECK(h.quantile_ns(0.98) == 2048);
  CHECK(h.quantile_ns(0.99) == (uint64_t{1} << 20));
  h.add(0);
  h.add(uint64_t{1} << 62); // beyond the last bucket: counted in it
  CHECK(h.quantile_ns(1.0)
        == (uint64_t{2} << (latency_histogram::buckets - 1)));
  h.reset();
  CHECK(h.count() == 0);
}

TEST_CASE("handling_time: every Kth message is timed, take starts over") {
  handling_time t{4};
  int due = 0;
  for (int i = 0; i < 16; ++i)
    due += t.due() ? 1 : 0;
  CHECK(due == 4);
  CHECK(t.take().first < 0); // nothing added yet
  t.add(3000);
  t.add(5000);
  auto [p50, p99] = t.take();
  CHECK(p50 == doctest::Approx(4.096));
  CHECK(p99 == doctest::Approx(8.192));
  CHECK(t.take().second < 0);
}

TEST_CASE("timed_handler: a due scope adds one duration") {
  handling_time t{1};
  { timed_handler scope{t}; }
  { timed_handler scope{t}; }
  auto [p50, p99] = t.take();
  CHECK(p50 > 0);
  CHECK(p99 >= p50);
}
