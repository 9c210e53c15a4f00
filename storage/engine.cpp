#include "storage/engine.hpp"

#include "storage/dbengine.hpp"
#include "storage/map_engine.hpp"
#include "storage/none_engine.hpp"
#include "storage/ram_engine.hpp"
#include "storage/save_engine.hpp"

#include <string>

namespace tributary::storage {

engine::~engine() = default;

size_t engine::append_row(const dimension_handle* hs, const sample* xs,
                          size_t n) {
  size_t stored = 0;
  for (size_t i = 0; i < n; ++i)
    if (append(hs[i], xs[i]))
      ++stored;
  return stored;
}

size_t engine::append_rows(const dimension_handle* hs, const sample* xs,
                           size_t rows, size_t width) {
  size_t stored = 0;
  for (size_t r = 0; r < rows; ++r)
    stored += append_row(hs, xs + r * width, width);
  return stored;
}

std::vector<storage_point> engine::query_tier(dimension_handle h, size_t tier,
                                              int64_t after_s,
                                              int64_t before_s) const {
  std::vector<storage_point> out;
  if (tier != 0)
    return out;
  auto ue = update_every(h);
  for (auto& x : query(h, after_s, before_s)) {
    storage_point p;
    p.start_s = x.time_s - ue;
    p.end_s = x.time_s;
    p.flags = x.flags;
    if (!x.empty()) {
      p.min = p.max = p.sum = x.value;
      p.count = 1;
      p.anomaly_count = (x.flags & flag_anomalous) != 0 ? 1 : 0;
    }
    out.push_back(p);
  }
  return out;
}

void engine::maintain() {
  // nop
}

storage_health engine::health() const {
  return {};
}

size_t engine::tiers() const noexcept {
  return 1;
}

int engine::tier_update_every(dimension_handle h, size_t tier) const {
  return tier == 0 ? update_every(h) : 0;
}

int64_t engine::tier_first_time_s(dimension_handle h, size_t tier) const {
  return tier == 0 ? first_time_s(h) : 0;
}

int64_t engine::tier_last_time_s(dimension_handle h, size_t tier) const {
  return tier == 0 ? last_time_s(h) : 0;
}

int64_t engine::tier_stored_first_time_s(dimension_handle h,
                                         size_t tier) const {
  return tier_first_time_s(h, tier);
}

int64_t engine::tier_stored_last_time_s(dimension_handle h, size_t tier) const {
  return tier_last_time_s(h, tier);
}

std::unique_ptr<engine> make_engine(memory_mode mode,
                                    const engine_options& opts) {
  switch (mode) {
  case memory_mode::none:
    return std::make_unique<none_engine>(opts);
  case memory_mode::ram:
  case memory_mode::alloc:
    return std::make_unique<ram_engine>(opts, mode);
  case memory_mode::save:
    return std::make_unique<save_engine>(opts);
  case memory_mode::dbengine:
    return std::make_unique<dbengine>(opts);
  case memory_mode::map:
    return std::make_unique<map_engine>(opts);
  }
  auto result = std::make_unique<ram_engine>(opts, memory_mode::ram);
  result->diagnostics_.emplace_back(ec::internal, "unknown memory mode, "
                                                  "falling back to ram");
  return result;
}

} // namespace tributary::storage
