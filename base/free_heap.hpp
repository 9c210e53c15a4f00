#pragma once

namespace tributary {

/// Hands the heap's free pages back to the system (glibc's malloc_trim):
/// a replication burst frees tens of megabytes of messages that glibc would
/// otherwise keep resident for good. Returns true if any memory was
/// returned. A no-op without glibc.
bool return_free_heap() noexcept;

} // namespace tributary
