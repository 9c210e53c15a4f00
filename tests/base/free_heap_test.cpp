#include "base/free_heap.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <memory>
#include <vector>

using namespace tributary;

TEST_CASE("freed heap pages between live blocks are handed back") {
#if defined(__SANITIZE_ADDRESS__)
  // ASan's allocator owns the heap; glibc's trim has nothing to return.
  return_free_heap();
#elif defined(__GLIBC__)
  // 2,000 blocks of 16 KiB (below glibc's mmap threshold, so on the heap);
  // all but the newest freed: the newest pins the heap's top, so only a
  // trim can return the ~32 MB below it.
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 2000; ++i) {
    blocks.emplace_back(new char[16 * 1024]);
    blocks.back()[0] = static_cast<char>(i); // touch it
  }
  for (size_t i = 0; i + 1 < blocks.size(); ++i)
    blocks[i].reset();
  CHECK(return_free_heap());
#else
  CHECK_FALSE(return_free_heap());
#endif
}
