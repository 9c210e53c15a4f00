#pragma once

#include "storage/memory_mode.hpp"
#include "storage/sample.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::storage {

// -- dimension algorithms
// ------------------------------------------------------

/// How a dimension turns collected integers into stored values (DIMENSION's
/// third field).
enum class algorithm : uint8_t {
  /// value × multiplier ÷ divisor.
  absolute,
  /// (value − previous) × multiplier ÷ divisor, as a rate per second.
  incremental,
  /// 100 × value ÷ (sum of the row's collected values).
  percentage_of_absolute_row,
  /// 100 × (value − previous) ÷ (row total − previous row total).
  percentage_of_incremental_row,
};

/// Returns Netdata's spelling, e.g. "percentage-of-absolute-row".
std::string_view to_string(algorithm x) noexcept;

/// Parses Netdata's spelling; empty or unknown text is `absolute`, as on a
/// 1.37.1 parent.
algorithm parse_algorithm(std::string_view x) noexcept;

/// The collection parameters of one dimension.
struct dimension_config {
  /// The algorithm.
  algorithm algo = algorithm::absolute;
  /// Multiplier; 0 is read as 1 (as Netdata's DIMENSION parser does).
  int64_t multiplier = 1;
  /// Divisor; 0 is read as 1.
  int64_t divisor = 1;
  /// False for the `noreset`/`nooverflow` options: wraps still compute as
  /// Netdata does, but no `flag_reset` is raised.
  bool detect_resets = true;
};

/// The collection parameters of one chart on the receiving side.
struct chart_config {
  /// Seconds between stored points (CHART's update_every).
  int update_every = 1;
  /// CHART option `store_first`: store the first collection too.
  bool store_first = false;
  /// The host's memory mode: `none` computes nothing and stores nothing;
  /// `dbengine` resets the chart after a silence of 1024 slots, the ring
  /// modes after a silence of `history` slots.
  memory_mode mode = memory_mode::dbengine;
  /// `[db] retention` / `history` in slots (ring modes only).
  int64_t history = 3600;
  /// `[db] gap when lost iterations above` (netdata.conf, default 1).
  int gap_when_lost_iterations_above = 1;
  /// True for a streaming receiver (Netdata sets it for every stream):
  /// BEGIN's microseconds advance the chart clock unchecked.
  bool trust_durations = true;
};

/// One finished grid point of a chart: the slot ending at `time_s` and one
/// sample per dimension, in dimension index order.
struct row {
  /// End of the slot, Unix seconds.
  int64_t time_s = 0;
  /// One sample per dimension (`sample::time_s == time_s`).
  std::vector<sample> values;
};

/// A dimension's new collected value in one collection (SET); `nullopt`
/// means "not collected this time" (SET with an empty value, or no SET).
using collected_value = std::pair<size_t, std::optional<int64_t>>;

/// The collection math of one chart, as a Netdata 1.37.1 parent runs it
/// between BEGIN and END (`rrdset_timed_next` + `rrdset_timed_done`): it turns
/// raw collected integers into values interpolated onto the `update_every`
/// grid. One instance per chart per receiving session; not thread-safe.
///
/// Clock model: timestamps are microseconds since the Unix epoch. The first
/// collection anchors the chart clock to `now` rounded down to update_every
/// plus 0.5 s; later collections advance it by BEGIN's microseconds (or by
/// the wall clock delta when BEGIN says 0, on the first BEGIN after the chart
/// was (re)defined, or after `sync_clock()`). See docs/storage.md.
class chart_row_calculator {
public:
  // -- construction ----------------------------------------------------------

  /// Creates the calculator for one chart; `cfg.update_every < 1` is read as 1.
  explicit chart_row_calculator(chart_config cfg);

  /// Adds a dimension and returns its index (0, 1, 2, ...).
  size_t add_dimension(dimension_config cfg);

  /// Changes a dimension's parameters (DIMENSION re-sent); keeps its state.
  /// REQUIRES: `index < dimensions()`.
  void update_dimension(size_t index, dimension_config cfg);

  /// Number of dimensions.
  size_t dimensions() const noexcept;

  /// The chart's parameters.
  const chart_config& config() const noexcept;

  /// Changes the chart's update_every (CHART re-sent, RBEGIN or REND with a
  /// different one).
  void set_update_every(int update_every);

  // -- the v1 data path (BEGIN / SET / END) -----------------------------------

  /// BEGIN with its `microseconds` field; `now_usec` is the parent's clock.
  void begin(uint64_t microseconds, uint64_t now_usec);

  /// SET: records `value` for dimension `index` in the current collection.
  /// Out-of-range indexes are ignored.
  void set(size_t index, int64_t value);

  /// END: runs the row processing and appends each finished grid point (zero,
  /// one or several) to `out`.
  void end(uint64_t now_usec, std::vector<row>& out);

  /// Convenience for tests and local collectors: BEGIN with the delta since
  /// the previous `collect` (0 on the first one), SET for every engaged value,
  /// END, all at `collected_usec` as the parent's clock.
  void collect(uint64_t collected_usec, const collected_value* values,
               size_t count, std::vector<row>& out);

  /// Vector overload of `collect`.
  void collect(uint64_t collected_usec,
               const std::vector<collected_value>& values,
               std::vector<row>& out) {
    collect(collected_usec, values.data(), values.size(), out);
  }

  /// Makes the next BEGIN ignore its microseconds and use the wall clock,
  /// as Netdata does after a chart definition is received again.
  void sync_clock() noexcept;

  /// Releases room reserved for dimensions not added (after a definition).
  void shrink_to_fit() {
    dims_.shrink_to_fit();
  }

  // -- replication (RBEGIN / RSET / RDSTATE / RSSTATE / REND) ----------------

  /// RBEGIN with timestamps: returns true if the point is accepted (then the
  /// caller stores the RSET values at `end_s`). `child_now_s == 0` means the
  /// child sent none; `now_s` is the parent's clock.
  bool replay_begin(int64_t start_s, int64_t end_s, int64_t child_now_s,
                    int64_t now_s);

  /// RSET for dimension `index` after an accepted RBEGIN: bookkeeping only.
  void replay_set(size_t index);

  /// RDSTATE.
  void replay_dimension_state(size_t index, uint64_t last_collected_usec,
                              int64_t last_collected_value,
                              double last_calculated_value,
                              double last_stored_value);

  /// RSSTATE.
  void replay_chart_state(uint64_t last_collected_usec,
                          uint64_t last_updated_usec);

  /// REND; `start_streaming` is its "true"/"false" field.
  void replay_end(bool start_streaming, int child_update_every);

  // -- observers
  // ----------------------------------------------------------------

  /// The chart clock: time of the last collection, µs (0 before the first).
  uint64_t last_collected_usec() const noexcept;

  /// Time of the last stored grid point, µs (0 before the first).
  uint64_t last_updated_usec() const noexcept;

  /// Number of finished collections (Netdata's `counter_done`).
  size_t collections() const noexcept;

  /// The last value stored for dimension `index` (NaN for a gap or none yet).
  double last_stored_value(size_t index) const;

  /// What dimension `index` last collected (Netdata's last_collected_value,
  /// last_collected_time and collections_counter): the raw value, the clock
  /// given to the BEGIN of the collection that set it (the parent's wall
  /// clock, as Netdata stamps a SET), and how many collections set it.
  struct collected_state {
    int64_t value = 0;
    uint64_t time_usec = 0;
    size_t collections = 0;
  };
  collected_state collected(size_t index) const;

private:
  struct dim_state {
    dimension_config cfg;
    int64_t collected = 0;
    int64_t last_collected = 0;
    int64_t collected_max = 0;
    long double calculated = 0;
    long double last_calculated = 0;
    double last_stored = 0;
    uint64_t last_collected_usec = 0;
    size_t collections = 0;
    bool updated = false;
  };

  void next(uint64_t duration_usec, uint64_t now_usec);
  void reset();
  void compute(bool& has_reset);
  void interpolate(uint64_t last_stored_ut, uint64_t next_store_ut,
                   uint64_t last_collect_ut, uint64_t now_collect_ut,
                   bool store_this_entry, bool has_reset,
                   std::vector<row>& out);
  void finish(bool first_entry);
  uint64_t update_every_usec() const noexcept;

  chart_config cfg_;
  std::vector<dim_state> dims_;
  uint64_t last_collected_ut_ = 0;
  // The clock given to the current collection's BEGIN.
  uint64_t begin_usec_ = 0;
  uint64_t last_updated_ut_ = 0;
  uint64_t usec_since_last_update_ = 0;
  size_t counter_ = 0;
  size_t counter_done_ = 0;
  bool sync_clock_ = true;
  bool have_previous_collect_ = false;
  uint64_t previous_collect_usec_ = 0;
};

} // namespace tributary::storage
