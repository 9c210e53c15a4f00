#include "storage/ram_engine.hpp"

namespace tributary::storage {

ram_engine::ram_engine(const engine_options& opts, memory_mode mode)
    : registered_engine(opts.update_every),
      mode_(mode == memory_mode::alloc ? memory_mode::ram : mode),
      slots_(static_cast<size_t>(aligned_history(mode, opts.history))) {
  // nop
}

memory_mode ram_engine::mode() const noexcept {
  return mode_;
}

dimension_handle ram_engine::add_dimension(const dimension_info& info) {
  auto r = register_dimension(info);
  auto ue = registry_.info(r.h)->update_every;
  if (r.is_new)
    rings_.emplace_back(slots_, ue);
  else if (rings_[r.h.id].update_every() != ue)
    rings_[r.h.id] = compressed_ring{slots_, ue};
  return r.h;
}

const compressed_ring* ram_engine::ring(dimension_handle h) const {
  if (!h.valid() || h.id >= rings_.size())
    return nullptr;
  return &rings_[h.id];
}

compressed_ring* ram_engine::ring(dimension_handle h) {
  if (!h.valid() || h.id >= rings_.size())
    return nullptr;
  return &rings_[h.id];
}

size_t ram_engine::history_bytes() const noexcept {
  size_t n = rings_.size() * sizeof(compressed_ring);
  for (const auto& r : rings_)
    n += r.heap_bytes();
  return n;
}

bool ram_engine::append(dimension_handle h, const sample& x) {
  auto* r = ring(h);
  if (r == nullptr || closed_)
    return false;
  return r->put(x);
}

size_t ram_engine::append_rows(const dimension_handle* hs, const sample* xs,
                               size_t rows, size_t width) {
  if (closed_)
    return 0;
  // A live row gains nothing from gathering columns.
  if (rows == 1)
    return append_row(hs, xs, width);
  size_t stored = 0;
  for (size_t i = 0; i < width; ++i) {
    auto* r = ring(hs[i]);
    if (r == nullptr)
      continue;
    column_.resize(rows);
    for (size_t k = 0; k < rows; ++k)
      column_[k] = xs[k * width + i];
    stored += r->put_many(column_.data(), rows);
  }
  return stored;
}

std::vector<sample> ram_engine::query(dimension_handle h, int64_t after_s,
                                      int64_t before_s) const {
  auto* r = ring(h);
  if (r == nullptr)
    return {};
  return r->range(after_s, before_s);
}

int64_t ram_engine::first_time_s(dimension_handle h) const {
  auto* r = ring(h);
  return r != nullptr ? r->first_time_s() : 0;
}

int64_t ram_engine::last_time_s(dimension_handle h) const {
  auto* r = ring(h);
  return r != nullptr ? r->last_time_s() : 0;
}

error ram_engine::flush() {
  return {};
}

error ram_engine::close() {
  closed_ = true;
  return {};
}

} // namespace tributary::storage
