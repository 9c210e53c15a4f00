#include "actors/host_store.hpp"

#include <algorithm>

namespace tributary {

std::vector<storage::dimension_handle>
resolve_dimensions(storage::engine& db, const chart_def& def) {
  std::vector<storage::dimension_handle> out;
  out.reserve(def.dimensions.size());
  for (auto& d : def.dimensions) {
    storage::dimension_key key{def.id, d.id};
    auto h = db.find(key);
    if (!h.valid()) {
      storage::dimension_info info;
      info.key = std::move(key);
      info.chart_name = def.name;
      info.dim_name = d.name;
      info.update_every = static_cast<int>(def.update_every);
      h = db.add_dimension(info);
    }
    out.push_back(h);
  }
  return out;
}

void append_row(storage::engine& db,
                const std::vector<storage::dimension_handle>& dims,
                const std::vector<storage::sample>& points) {
  db.append_rows(dims.data(), points.data(), 1,
                 std::min(dims.size(), points.size()));
}

void append_points(storage::engine& db,
                   const std::vector<storage::dimension_handle>& dims,
                   const int64_t* times, size_t rows, size_t width,
                   const std::vector<double>& values,
                   const std::vector<uint8_t>& flags,
                   std::vector<storage::sample>& scratch) {
  auto n = std::min(dims.size(), width);
  scratch.resize(rows * n);
  for (size_t r = 0; r < rows; ++r) {
    auto at = r * width;
    auto* row = scratch.data() + r * n;
    for (size_t d = 0; d < n; ++d) {
      row[d].time_s = times[r];
      row[d].value = values[at + d];
      row[d].flags = at + d < flags.size() ? flags[at + d] : 0;
    }
  }
  db.append_rows(dims.data(), scratch.data(), rows, n);
  // A backfill batch must not keep its room for good.
  if (scratch.capacity() > 256)
    scratch = std::vector<storage::sample>();
}

} // namespace tributary
