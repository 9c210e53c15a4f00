#include "storage/engine.hpp"
#include "storage/query.hpp"
#include "storage/value_math.hpp"

#include <doctest/doctest.h>

using namespace tributary::storage;

TEST_CASE("storage smoke: ram engine stores a sample") {
  engine_options opts;
  auto db = make_engine(memory_mode::ram, opts);
  auto h = db->add_dimension({{"system.cpu", "user"}, "", "", 1});
  CHECK(db->append(h, sample::of(100, 1.5)));
  auto xs = db->query(h, 0, 200);
  REQUIRE(xs.size() == 1);
  CHECK(xs[0].value == 1.5);
}
