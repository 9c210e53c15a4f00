#pragma once

// The query's window and its per-group aggregation (/api/v1/data's
// `group=`), shared by storage/query.cpp and storage/query_group.cpp.

#include "storage/query.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace tributary::storage::detail {

struct window {
  int64_t after = 0;
  int64_t before = 0;
  size_t points = 0;
  size_t group = 1;
  int64_t granularity = 1;
  size_t resampling_group = 1;
  double resampling_divisor = 1.0;
};

struct group_state {
  grouping method;
  /// ses and des: the smoothing factor, 2 / (N + 1) over N = the points of
  /// a group (the rows wanted when each row is one point), at most 15.
  double alpha = 0;
  double a = 0; // sum, min, max, first; the running mean of stddev and cv
  double b = 0; // last; the sum of squared deviations of stddev and cv
  size_t count = 0;
  /// median: the group's values.
  std::vector<double> series;
  /// ses and des run over the whole dimension: flushing a group keeps them.
  double level = 0;
  double trend = 0;
  size_t smoothed = 0;

  group_state(grouping m, const window& w);
  void add(double v);
  /// The group's value (none for a gap); starts the next group.
  std::optional<double> flush(const window& w);
  double median();
};

} // namespace tributary::storage::detail
