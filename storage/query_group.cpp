#include "storage/query_group.hpp"

#include <algorithm>
#include <cmath>

namespace tributary::storage::detail {

group_state::group_state(grouping m, const window& w) : method{m} {
  auto n = static_cast<double>(w.group == 1 ? w.points : w.group);
  alpha = 2.0 / (std::min(n, 15.0) + 1.0);
}

void group_state::add(double v) {
  switch (method) {
  case grouping::average:
  case grouping::sum:
    a += v;
    ++count;
    break;
  case grouping::min:
    // Netdata compares magnitudes for min and max.
    if (count == 0 || std::fabs(v) < std::fabs(a)) {
      a = v;
      ++count;
    }
    break;
  case grouping::max:
    if (count == 0 || std::fabs(v) > std::fabs(a)) {
      a = v;
      ++count;
    }
    break;
  case grouping::incremental_sum:
    if (count == 0)
      a = v;
    else
      b = v;
    ++count;
    break;
  case grouping::median:
    series.push_back(v);
    ++count;
    break;
  case grouping::stddev:
  case grouping::cv: {
    // Welford's running mean and squared deviations.
    ++count;
    auto mean = a + (v - a) / static_cast<double>(count);
    b += (v - a) * (v - mean);
    a = count == 1 ? v : mean;
    break;
  }
  case grouping::ses:
    level = smoothed == 0 ? v : alpha * v + (1 - alpha) * level;
    ++smoothed;
    ++count;
    break;
  case grouping::des:
    if (smoothed == 0) {
      level = trend = v;
    } else {
      if (smoothed == 1) {
        trend = v - trend;
        level = v;
      }
      auto last_level = level;
      level = alpha * v + (1 - alpha) * (level + trend);
      trend = alpha * (level - last_level) + (1 - alpha) * trend;
    }
    ++smoothed;
    ++count;
    break;
  }
}

std::optional<double> group_state::flush(const window& w) {
  std::optional<double> r;
  if (method == grouping::ses || method == grouping::des) {
    // The level stays from the groups before (Netdata resets it only
    // between dimensions).
    if (smoothed != 0 && std::isfinite(level))
      r = level;
  } else if (count != 0) {
    switch (method) {
    case grouping::average:
      if (w.resampling_group != 1)
        r = a / w.resampling_divisor;
      else
        r = a / static_cast<double>(count);
      break;
    case grouping::sum:
    case grouping::min:
    case grouping::max:
      r = a;
      break;
    case grouping::incremental_sum:
      r = count == 1 ? 0.0 : b - a;
      break;
    case grouping::median:
      r = median();
      break;
    case grouping::stddev:
      r = count == 1 ? 0.0 : std::sqrt(b / static_cast<double>(count - 1));
      break;
    case grouping::cv:
      r = count == 1 ? 0.0
                     : 100.0 * std::sqrt(b / static_cast<double>(count - 1))
                           / std::fabs(a);
      break;
    default:
      break;
    }
    // A value that is no number (cv of a zero mean) is a gap.
    if (r && !std::isfinite(*r))
      r.reset();
  }
  a = b = 0;
  count = 0;
  series.clear();
  return r;
}

double group_state::median() {
  std::sort(series.begin(), series.end());
  auto n = series.size();
  if (n == 1)
    return series[0];
  if (n == 2)
    return (series[0] + series[1]) / 2;
  // 1.37.1 averages the two values after the middle of an even count.
  if (n % 2 == 0)
    return (series[n / 2] + series[n / 2 + 1]) / 2;
  return series[n / 2];
}

} // namespace tributary::storage::detail
