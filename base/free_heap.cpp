#include "base/free_heap.hpp"

#include <cstddef>
#include <cstdlib> // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// jemalloc's control interface, resolved at load time only when jemalloc is
// the process's allocator (the release binary links it; tests and sanitizer
// builds keep glibc's malloc).
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp,
                       void* newp, std::size_t newlen) __attribute__((weak));

namespace tributary {

bool jemalloc_in_use() noexcept {
  return mallctl != nullptr;
}

bool return_free_heap() noexcept {
  if (jemalloc_in_use()) {
    // 4096 is MALLCTL_ARENAS_ALL: purge the unused dirty pages of every arena.
    return mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) == 0;
  }
#if defined(__GLIBC__)
  return malloc_trim(0) != 0;
#else
  return false;
#endif
}

} // namespace tributary
