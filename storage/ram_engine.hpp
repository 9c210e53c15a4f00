#pragma once

#include "storage/compressed_ring.hpp"
#include "storage/engine.hpp"
#include "storage/registered_engine.hpp"

#include <deque>
#include <vector>

namespace tributary::storage {

/// `memory mode = ram` (and `alloc`): one ring per dimension,
/// `aligned_history(mode, history)` slots each, values kept as Netdata's
/// 32-bit storage_number, held compressed in pages (`compressed_ring`)
/// rather than as Netdata's plain slot array. The base of the save engine.
class ram_engine : public registered_engine {
public:
  /// Creates an empty engine; `mode` is ram, alloc or save (slot rounding).
  ram_engine(const engine_options& opts, memory_mode mode = memory_mode::ram);

  memory_mode mode() const noexcept override;
  dimension_handle add_dimension(const dimension_info& info) override;
  bool append(dimension_handle h, const sample& x) override;
  /// Column by column: each ring takes its samples of the batch at once.
  size_t append_rows(const dimension_handle* hs, const sample* xs, size_t rows,
                     size_t width) override;
  std::vector<sample> query(dimension_handle h, int64_t after_s,
                            int64_t before_s) const override;
  int64_t first_time_s(dimension_handle h) const override;
  int64_t last_time_s(dimension_handle h) const override;
  uint64_t memory_bytes() const override {
    return history_bytes();
  }
  error flush() override;
  error close() override;

  /// Slots per dimension.
  size_t slots() const noexcept {
    return slots_;
  }

  /// Heap bytes of all rings' history (not the registry).
  size_t history_bytes() const noexcept;

  /// The ring of `h`; nullptr for an unknown handle.
  const compressed_ring* ring(dimension_handle h) const;

protected:
  /// Mutable ring access for derived engines (loading).
  compressed_ring* ring(dimension_handle h);

  /// True after close().
  bool closed_ = false;

private:
  memory_mode mode_;
  size_t slots_;
  // A deque: no room reserved for rings to come.
  std::deque<compressed_ring> rings_;
  /// One dimension's samples of a batch (append_rows).
  std::vector<sample> column_;
};

} // namespace tributary::storage
