#pragma once

// The chart model a CHART/DIMENSION stream defines, and the rows of values
// BEGIN/SET/END carry: what collectors produce and actors pass around (the
// actors layer adds CAF's inspect overloads in actors/messages.hpp).

#include "protocol/commands.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tributary {

/// A dimension as a CHART/DIMENSION pair defines it.
struct dimension_def {
  std::string id;
  std::string name;
  std::string algorithm = "absolute";
  int64_t multiplier = 1;
  int64_t divisor = 1;
  std::string options;
};

/// The one conversion of a DIMENSION command (from a child or a plugin):
/// an empty name is the id, an empty algorithm is `absolute` (the parser
/// already made a 0 multiplier or divisor 1).
inline dimension_def dimension_def_from(const protocol::dimension& x) {
  dimension_def d;
  d.id = x.id;
  d.name = x.name.empty() ? x.id : x.name;
  d.algorithm = x.algorithm.empty() ? "absolute" : x.algorithm;
  d.multiplier = x.multiplier;
  d.divisor = x.divisor;
  d.options = x.options;
  return d;
}

/// A chart definition with its dimensions, in the order they were defined.
struct chart_def {
  std::string id; // "type.id"
  std::string name;
  std::string title;
  std::string units;
  std::string family;
  std::string context;
  std::string chart_type = "line";
  int64_t priority = 1000;
  int64_t update_every = 1;
  std::string options;
  std::string plugin;
  std::string module;
  std::vector<dimension_def> dimensions;
  std::vector<std::pair<std::string, std::string>> labels;
  /// A redefinition changed a dimension's algorithm, multiplier or divisor:
  /// only then does 1.37.1 check whether the chart is homogeneous (Prometheus
  /// as-collected); until then it counts as homogeneous. Kept by the host.
  bool homogeneity_check = false;
};

/// One collected row of a chart (BEGIN..END): the raw collected integers in
/// the chart's dimension order. `is_set[i] == 0` means no SET arrived.
struct chart_row {
  std::string chart_id;
  /// BEGIN's microseconds since the chart's previous collection (0 = none).
  uint64_t microseconds = 0;
  /// The receiving side's wall clock at END, microseconds since the epoch.
  uint64_t now_usec = 0;
  std::vector<int64_t> values;
  std::vector<uint8_t> is_set;
};

} // namespace tributary
