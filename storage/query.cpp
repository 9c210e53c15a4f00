#include "storage/query.hpp"

namespace tributary::storage {

std::string_view to_string(grouping x) noexcept {
  switch (x) {
    case grouping::average:
      return "average";
    case grouping::min:
      return "min";
    case grouping::max:
      return "max";
    case grouping::sum:
      return "sum";
    case grouping::incremental_sum:
      return "incremental_sum";
  }
  return "average";
}

grouping parse_grouping(std::string_view x, grouping def) noexcept {
  for (auto g : {grouping::average, grouping::min, grouping::max,
                 grouping::sum, grouping::incremental_sum})
    if (x == to_string(g))
      return g;
  if (x == "incremental-sum")
    return grouping::incremental_sum;
  return def;
}

} // namespace tributary::storage
