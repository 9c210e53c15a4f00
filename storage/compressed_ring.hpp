#pragma once

#include "storage/dimension_ring.hpp"
#include "storage/ring_extent.hpp"
#include "storage/sample.hpp"
#include "storage/storage_number.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tributary::storage {

/// The same ring of `capacity` slots on an `update_every` grid as
/// `dimension_ring`, answering every call identically, but kept in memory
/// as pages of `page_slots` slots encoded by `encode_slot_page` plus one open
/// chunk of `chunk_slots` plain slots that `put` writes into. Slots are
/// numbered from the ring's start; page p holds slots [p × page_slots,
/// (p + 1) × page_slots). A full chunk is added to its page, which is
/// re-encoded: the newest page may be partial. The oldest page goes once
/// all its slots are older than the capacity allows.
class compressed_ring : public ring_extent {
public:
  /// Slots per page unless told otherwise.
  static constexpr size_t default_page_slots = 128;
  /// Slots per open chunk unless told otherwise.
  static constexpr size_t default_chunk_slots = 32;

  /// Creates an empty ring. REQUIRES: `capacity > 0`, `update_every > 0`.
  /// `page_slots` is rounded up to a multiple of `chunk_slots`.
  compressed_ring(size_t capacity, int update_every,
                  size_t page_slots = default_page_slots,
                  size_t chunk_slots = default_chunk_slots);

  /// As `dimension_ring::where()` (head counts slots modulo capacity).
  dimension_ring::position where() const noexcept;

  /// As `dimension_ring::put()`. An overwrite inside a sealed page decodes,
  /// patches and re-encodes that page.
  bool put(const sample& x);

  /// As `put()` for each of `xs[0..n)` in turn; returns how many were
  /// stored. Consecutive slots (a backfill) are cheaper than one `put` each:
  /// the newest page is encoded once when it is full or the batch ends,
  /// not once per chunk.
  size_t put_many(const sample* xs, size_t n);

  /// As `dimension_ring::restore()`.
  void restore(const std::vector<storage_number>& slots, int64_t last_time_s);

  /// As `dimension_ring::range()`.
  std::vector<sample> range(int64_t after_s, int64_t before_s) const;

  /// As `dimension_ring::raw()`.
  std::vector<storage_number> raw() const;

  /// Heap bytes held (page bytes, page sizes, the open chunk).
  size_t heap_bytes() const noexcept;

  /// Drops all slots.
  void clear() noexcept;

private:
  /// Page of slot `s`.
  uint64_t page_of(uint64_t s) const noexcept {
    return s / page_slots_;
  }

  /// Writes `x` into slot `s`, which is held.
  void set(uint64_t s, storage_number x);

  /// Appends `steps` slots, all gaps but the last, which is `x`.
  void advance(uint64_t steps, storage_number x);

  /// First slot of the open chunk (end_ > 0).
  uint64_t chunk_start() const noexcept {
    return (end_ - 1) / chunk_slots_ * chunk_slots_;
  }

  /// Encoded slots of page `p`: a full page, or the part before the chunk.
  size_t slots_in(uint64_t p) const noexcept;

  /// Adds the full open chunk to its page and empties it. While `staging_`,
  /// a page not yet full collects its chunks in `staged_` instead of being
  /// encoded again for each.
  void seal();

  /// Encodes `staged_` into its page (a new one or the newest) and empties
  /// it.
  void flush_staged();

  /// Replaces the bytes of encoded page `i` (0 = oldest).
  void replace_page(size_t i, const std::string& bytes);

  /// Drops sealed pages whose slots are all older than the held range.
  void drop_old_pages();

  /// Decodes encoded page number `i` (0 = oldest) into `out`; returns its
  /// slot count.
  size_t decode_page(size_t i, storage_number* out) const;

  /// Appends the raw words of held slots [from, to) to `out`.
  void read(uint64_t from, uint64_t to, std::vector<storage_number>& out) const;

  /// Byte offset of sealed page `i` in `sealed_`.
  size_t page_offset(size_t i) const noexcept;

  uint32_t page_slots_;
  uint32_t chunk_slots_;
  uint64_t end_ = 0;        // one past the newest slot
  uint64_t first_page_ = 0; // page number of the oldest encoded page
  std::vector<uint8_t> sealed_;
  std::vector<uint16_t> page_bytes_;
  std::vector<storage_number> open_;
  /// Only within `put_many`: the decoded slots of the newest page, whose
  /// encoded bytes are stale (or not yet added, if `staged_is_new_`).
  bool staging_ = false;
  bool staged_is_new_ = false;
  uint64_t staged_page_ = 0;
  std::vector<storage_number> staged_;
};

} // namespace tributary::storage
