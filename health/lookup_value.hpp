#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::health {

/// One row of a lookup query: each dimension's value reduced over the
/// window (NaN where the window held no data).
struct lookup_row {
  std::vector<std::string> ids;
  std::vector<std::string> names;
  std::vector<double> values;
};

/// How a lookup folds the dimensions of its row into the alert's value.
struct lookup_fold {
  /// `of DIMS`: true for a dimension (id, name) to fold; empty = all.
  std::function<bool(std::string_view, std::string_view)> selects;
  /// `absolute`: negative values count positive.
  bool absolute = false;
  /// `percentage`: each selected dimension as % of the total of all.
  bool percentage = false;
  /// `min2max`: max − min of the selected instead of their sum.
  bool min2max = false;
};

/// The lookup's value: the selected dimensions summed (or min2max); NaN
/// when none of them has data.
double fold_lookup(const lookup_row& row, const lookup_fold& fold);

} // namespace tributary::health
