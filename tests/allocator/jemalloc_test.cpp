// Linked like the daemon: with jemalloc when the build uses it.
#include "base/free_heap.hpp"

#include <cstddef>
#include <cstdint>
#include <doctest/doctest.h>
#include <memory>
#include <vector>

#if TRIBUTARY_TEST_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

using namespace tributary;

#if TRIBUTARY_TEST_JEMALLOC
namespace {

/// Dirty pages: freed, still resident, summed over every arena.
std::size_t dirty_pages() {
  std::uint64_t epoch = 1;
  REQUIRE(mallctl("epoch", nullptr, nullptr, &epoch, sizeof epoch) == 0);
  std::size_t pages = 0;
  std::size_t len = sizeof pages;
  REQUIRE(mallctl("stats.arenas.4096.pdirty", &pages, &len, nullptr, 0) == 0);
  return pages;
}

} // namespace

TEST_CASE("with jemalloc, freed pages are purged from every arena") {
  REQUIRE(jemalloc_in_use());
  {
    // 4,000 blocks of 16 KiB, touched and freed: jemalloc keeps them dirty
    // until its decay or a purge.
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 4000; ++i) {
      blocks.emplace_back(new char[16 * 1024]);
      for (int j = 0; j < 16 * 1024; j += 4096)
        blocks.back()[j] = static_cast<char>(i);
    }
  }
  auto before = dirty_pages();
  CHECK(before > 1000);
  CHECK(return_free_heap());
  CHECK(dirty_pages() < before / 10);
}
#else
TEST_CASE("without jemalloc, the heap is glibc's") {
  CHECK_FALSE(jemalloc_in_use());
}
#endif
