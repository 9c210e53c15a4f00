#include "health/lookup_value.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tributary::health {

namespace {

bool selected(const lookup_row& row, size_t i, const lookup_fold& fold) {
  if (!fold.selects)
    return true;
  return fold.selects(row.ids[i],
                      i < row.names.size() ? row.names[i] : row.ids[i]);
}

} // namespace

double fold_lookup(const lookup_row& row, const lookup_fold& fold) {
  auto n = std::min(row.ids.size(), row.values.size());
  double total = 0;
  if (fold.percentage)
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(row.values[i]))
        total += std::fabs(row.values[i]);
  double sum = 0;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  size_t used = 0;
  for (size_t i = 0; i < n; ++i) {
    auto v = row.values[i];
    if (!selected(row, i, fold) || !std::isfinite(v))
      continue;
    if (fold.absolute || fold.percentage)
      v = std::fabs(v);
    if (fold.percentage)
      v = total > 0 ? v * 100.0 / total : 0.0;
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    ++used;
  }
  if (used == 0)
    return std::numeric_limits<double>::quiet_NaN();
  return fold.min2max ? hi - lo : sum;
}

} // namespace tributary::health
