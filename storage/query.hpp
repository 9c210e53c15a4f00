#pragma once

#include "storage/engine.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tributary::storage {

/// How the points of one output row are combined (`/api/v1/data?group=`).
enum class grouping {
  average,
  min,
  max,
  sum,
  /// Last value minus first value of the group (Netdata's `incremental_sum`).
  incremental_sum,
  /// The middle value of the group (sorted).
  median,
  /// Sample standard deviation of the group.
  stddev,
  /// Coefficient of variation: stddev ÷ |mean| × 100.
  cv,
  /// Single exponential smoothing, carried from group to group of a
  /// dimension (Netdata's `ses`).
  ses,
  /// Double exponential smoothing (Holt), carried like ses (`des`).
  des,
};

/// Returns Netdata's spelling, e.g. "average".
std::string_view to_string(grouping x) noexcept;

/// Parses Netdata's spelling; unknown text yields `def` (as Netdata does).
grouping parse_grouping(std::string_view x,
                        grouping def = grouping::average) noexcept;

/// Netdata's API_RELATIVE_TIME_MAX: |after| or |before| at most this many
/// seconds (3 years) is relative, anything larger is a Unix timestamp.
constexpr int64_t api_relative_time_max = int64_t{3} * 365 * 86400;

/// The parameters of a data query, as `/api/v1/data` receives them.
struct query_request {
  /// Start: Unix seconds, or seconds relative to `before` when
  /// |after| <= api_relative_time_max (positive is flipped negative); 0 means
  /// "from the oldest stored point".
  int64_t after = -600;
  /// End: Unix seconds, or seconds relative to `now − 1` when
  /// |before| <= api_relative_time_max; 0 means "up to the newest stored
  /// point".
  int64_t before = 0;
  /// Rows wanted; 0 means every natural point in the window.
  size_t points = 0;
  /// How points are combined into a row.
  grouping group = grouping::average;
  /// `gtime`: resampling time in seconds (0 = none).
  int64_t resampling_time = 0;
  /// False for the `unaligned` option.
  bool aligned = true;
  /// The tier to read; -1 picks one: the highest tier that holds at least
  /// `points` points in before − after (whole update_everys, as 1.37.1
  /// counts them), so about 60 s or more per row reads tier 1 and 3600 s
  /// or more tier 2 (Netdata's `tier` parameter and its automatic choice).
  /// Natural points (`points == 0`) read tier 0.
  int tier = -1;
  /// Netdata's `storage tiers` of the whole agent (3 when dbengine runs for
  /// any host, else 1; `config::agent_storage_tiers`). With more than one,
  /// and `tier` -1, each dimension picks its own tier as 1.37.1 does: one
  /// whose tier 0 holds less than one point of the window reads the best
  /// other tier, or nothing (even on a ram host, which has no other tier).
  size_t agent_tiers = 1;
};

/// The answer to a data query: `rows × dimensions` values.
struct query_result {
  /// Seconds per row (`view_update_every`).
  int view_update_every = 0;
  /// The database's update_every (`update_every`).
  int update_every = 0;
  /// Oldest / newest stored point over the queried dimensions.
  int64_t first_entry = 0;
  int64_t last_entry = 0;
  /// Window actually returned (`after`, `before` in the JSON).
  int64_t after = 0;
  int64_t before = 0;
  /// Row timestamps (end of each row's window), oldest first.
  std::vector<int64_t> times;
  /// Row-major values: `values[r * dimensions + d]`; nullopt is `null`.
  std::vector<std::optional<double>> values;
  /// Number of dimensions (columns).
  size_t dimensions = 0;
  /// True for a row/column whose group saw a reset-flagged point.
  std::vector<bool> reset;
  /// min / max over all returned values (0 if none).
  double min = 0;
  double max = 0;
  /// Database points read.
  size_t db_points_read = 0;
  /// The tier the points came from.
  size_t tier = 0;

  /// Number of rows.
  size_t rows() const noexcept {
    return times.size();
  }

  /// The value of row `r` (oldest first), dimension `d`.
  const std::optional<double>& at(size_t r, size_t d) const {
    return values[r * dimensions + d];
  }
};

/// Runs a data query over `dims` of `db`, the way Netdata 1.37.1's query
/// engine (`query_target_calculate_window` + `rrd2rrdr`) does. On a tier
/// above 0 (see `query_request::tier`) each stored point is an aggregate and
/// gives the grouping its average (sum ÷ count), or its min, max or sum for
/// those groupings; `update_every` is then the tier's seconds per point and
/// `first_entry` the oldest point of any tier. Otherwise:
/// relative times, natural points, grouping into `points` rows, alignment of
/// `before` to the group, interpolation of points onto row boundaries, gaps
/// as nullopt. `now_s` is the wall clock (injected). Rows are returned
/// oldest first; the JSON formatter emits them newest first (Netdata's
/// default; `flip` reverses). Returns an empty result (no rows) when the
/// dimensions hold no data.
query_result run_query(const engine& db,
                       const std::vector<dimension_handle>& dims,
                       const query_request& req, int64_t now_s);

/// The time of the ring slot a Netdata ring (ram, save, map) query starting
/// at `t` reads first: the oldest slot at or after `t`, clamped to the stored
/// range [`first_s`, `last_s`].
int64_t ring_slot_at(int64_t first_s, int64_t last_s, int64_t update_every,
                     int64_t t) noexcept;

/// Netdata's `rrdr_relative_window_to_absolute`: turns a relative
/// `after`/`before` pair into Unix seconds against `now_s − 1`, swaps a
/// flipped pair and clamps to [now − 10 years, now + 1 year].
void relative_window_to_absolute(int64_t& after, int64_t& before,
                                 int64_t now_s) noexcept;

} // namespace tributary::storage
