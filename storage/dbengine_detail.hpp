#pragma once

// Constants and point helpers the dbengine's source files share; not part of
// the storage interface.

#include "storage/engine.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace tributary::storage::dbengine_detail {

constexpr size_t max_tiers = 3;

// The dimension id of the state event that marks a journal written by a
// clean close.
constexpr uint32_t clean_mark = 0xffffffffu;

inline storage_point point_of(const sample& x) {
  storage_point p;
  p.end_s = x.time_s;
  p.flags = static_cast<uint8_t>(x.flags & ~flag_empty);
  if (!x.empty()) {
    p.min = p.max = p.sum = x.value;
    p.count = 1;
    p.anomaly_count = (x.flags & flag_anomalous) != 0 ? 1 : 0;
  }
  return p;
}

inline void merge(storage_point& acc, const storage_point& p) {
  acc.flags |= p.flags;
  if (p.count == 0)
    return;
  if (acc.count == 0) {
    acc.min = p.min;
    acc.max = p.max;
  } else {
    acc.min = std::min(acc.min, p.min);
    acc.max = std::max(acc.max, p.max);
  }
  acc.sum += p.sum;
  acc.count += p.count;
  acc.anomaly_count += p.anomaly_count;
}

} // namespace tributary::storage::dbengine_detail
