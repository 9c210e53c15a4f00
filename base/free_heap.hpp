#pragma once

namespace tributary {

/// True when jemalloc is the process's allocator (linked into the release
/// binary: glibc's arenas fragment under a replication burst and every small
/// allocation after it walks the free lists, BENCHMARKS.md "jemalloc").
bool jemalloc_in_use() noexcept;

/// Hands the heap's free pages back to the system: jemalloc's purge of every
/// arena, or glibc's malloc_trim. A replication burst frees tens of megabytes
/// of messages that the allocator would otherwise keep resident for good.
/// Returns true if the allocator was asked successfully (jemalloc) or
/// returned memory (glibc). A no-op without either.
bool return_free_heap() noexcept;

} // namespace tributary
