#include "base/read_size.hpp"

#include <doctest/doctest.h>

using namespace tributary;

TEST_CASE("read_size: small reads shrink the buffer, full reads grow it") {
  read_size r;
  // Reads start at 4 KiB: a buffer keeps the room its largest read had.
  CHECK(r.current() == read_size::first);
  // A child flushing each chart: 200-byte reads.
  int changes = 0;
  for (int i = 0; i < 100; ++i)
    changes += r.note(200) ? 1 : 0;
  CHECK(r.current() == read_size::smallest);
  CHECK(changes == 1); // 4 KiB -> 1 KiB, then it stays
  // Reads of a quarter of the buffer or more are not small: no flapping.
  for (int i = 0; i < 100; ++i)
    CHECK_FALSE(r.note(300));
  // A child sending 2.5 KiB a second: 4 KiB, never 16.
  read_size second;
  for (int i = 0; i < 100; ++i)
    CHECK_FALSE(second.note(2500));
  CHECK(second.current() == 4096);
  // A child whose first read fills 4 KiB reads 16 next.
  read_size burst;
  CHECK(burst.note(4096));
  CHECK(burst.current() == read_size::largest);
  // A burst (a replication backfill) fills the buffer: it grows at once.
  CHECK(r.note(1024));
  CHECK(r.current() == 4096);
  CHECK(r.note(4096));
  CHECK(r.current() == read_size::largest);
  CHECK_FALSE(r.note(read_size::largest));
  CHECK(r.current() == read_size::largest);
}

TEST_CASE("read_size: one large read among small ones restarts the count") {
  read_size r;
  CHECK(r.note(read_size::first)); // 16 KiB
  for (int i = 0; i < read_size::shrink_after - 1; ++i)
    CHECK_FALSE(r.note(100));
  CHECK_FALSE(r.note(8000));
  for (int i = 0; i < read_size::shrink_after - 1; ++i)
    CHECK_FALSE(r.note(100));
  CHECK(r.note(100));
  CHECK(r.current() == 4096);
}
