#include "storage/value_math.hpp"

#include "storage/value_math_detail.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

// The semantics below follow Netdata 1.37.1's receiving side, read from its
// sources (database/rrdset.c: rrdset_timed_next, rrdset_timed_done,
// rrdset_done_interpolate; database/rrddim.c: rrddim_timed_set_by_pointer;
// collectors/plugins.d/pluginsd_parser.c: BEGIN/SET/END and the replay
// commands). docs/storage.md states every rule; the code is our own.

namespace tributary::storage {

using namespace value_math_detail;

// -- algorithm names
// -------------------------------------------------------------

std::string_view to_string(algorithm x) noexcept {
  switch (x) {
  case algorithm::absolute:
    return "absolute";
  case algorithm::incremental:
    return "incremental";
  case algorithm::percentage_of_absolute_row:
    return "percentage-of-absolute-row";
  case algorithm::percentage_of_incremental_row:
    return "percentage-of-incremental-row";
  }
  return "absolute";
}

algorithm parse_algorithm(std::string_view x) noexcept {
  for (auto a : {algorithm::incremental, algorithm::percentage_of_absolute_row,
                 algorithm::percentage_of_incremental_row})
    if (x == to_string(a))
      return a;
  return algorithm::absolute;
}

// -- construction
// ------------------------------------------------------------------

chart_row_calculator::chart_row_calculator(chart_config cfg) : cfg_(cfg) {
  if (cfg_.update_every < 1)
    cfg_.update_every = 1;
  if (cfg_.gap_when_lost_iterations_above < 1)
    cfg_.gap_when_lost_iterations_above = 1;
}

size_t chart_row_calculator::add_dimension(dimension_config cfg) {
  if (cfg.multiplier == 0)
    cfg.multiplier = 1;
  if (cfg.divisor == 0)
    cfg.divisor = 1;
  dim_state d;
  d.cfg = cfg;
  // store_first charts count their dimensions as collected once already.
  d.collections = cfg_.store_first ? 1 : 0;
  dims_.push_back(d);
  return dims_.size() - 1;
}

void chart_row_calculator::update_dimension(size_t index,
                                            dimension_config cfg) {
  if (cfg.multiplier == 0)
    cfg.multiplier = 1;
  if (cfg.divisor == 0)
    cfg.divisor = 1;
  dims_.at(index).cfg = cfg;
}

size_t chart_row_calculator::dimensions() const noexcept {
  return dims_.size();
}

const chart_config& chart_row_calculator::config() const noexcept {
  return cfg_;
}

void chart_row_calculator::set_update_every(int update_every) {
  cfg_.update_every = update_every < 1 ? 1 : update_every;
}

uint64_t chart_row_calculator::update_every_usec() const noexcept {
  return static_cast<uint64_t>(cfg_.update_every) * usec_per_sec;
}

void chart_row_calculator::sync_clock() noexcept {
  sync_clock_ = true;
}

// -- BEGIN
// ------------------------------------------------------------------------

void chart_row_calculator::begin(uint64_t microseconds, uint64_t now_usec) {
  begin_usec_ = now_usec;
  // The very first BEGIN of a chart changes nothing: END anchors the clock.
  if (counter_done_ == 0)
    return;
  if (microseconds == 0) {
    next(0, now_usec);
    return;
  }
  if (cfg_.trust_durations && last_collected_ut_ / usec_per_sec != 0
      && !sync_clock_) {
    usec_since_last_update_ = microseconds;
    return;
  }
  next(microseconds, now_usec);
}

void chart_row_calculator::next(uint64_t duration, uint64_t now) {
  auto ue_ut = update_every_usec();
  if (sync_clock_) {
    sync_clock_ = false;
    duration = 0;
  }
  if (last_collected_ut_ / usec_per_sec == 0) {
    duration = ue_ut;
  } else if (duration == 0) {
    duration = abs_diff(now, last_collected_ut_);
  } else if (now < last_collected_ut_) {
    // The chart clock is in the future: move it to now − update_every.
    auto back = now >= ue_ut ? now - ue_ut : 0;
    last_collected_ut_
        = align_usec(back, cfg_.update_every, cfg_.store_first ? 0 : 500000);
    last_updated_ut_ = align_usec(back, cfg_.update_every, 0);
    duration = ue_ut;
  } else if (now - last_collected_ut_ > 5 * ue_ut) {
    duration = now - last_collected_ut_;
  }
  usec_since_last_update_ = duration;
}

// -- SET
// ------------------------------------------------------------------------------

void chart_row_calculator::set(size_t index, int64_t value) {
  if (index >= dims_.size())
    return;
  auto& d = dims_[index];
  d.collected = value;
  d.updated = true;
  d.collections++;
  d.last_collected_usec = begin_usec_;
  if (value != std::numeric_limits<int64_t>::min()) {
    auto v = value >= 0 ? value : -value;
    if (v > d.collected_max)
      d.collected_max = v;
  }
}

// -- replication
// ---------------------------------------------------------------------

bool chart_row_calculator::replay_begin(int64_t start_s, int64_t end_s,
                                        int64_t child_now_s, int64_t now_s) {
  int64_t wall = child_now_s;
  int64_t tolerance = cfg_.update_every + 1;
  if (wall <= 0) {
    wall = now_s;
    tolerance = cfg_.update_every + 5;
  }
  if (start_s <= 0 || end_s <= 0 || start_s >= wall + tolerance
      || end_s >= wall + tolerance || start_s >= end_s)
    return false;
  if (end_s - start_s != cfg_.update_every)
    set_update_every(static_cast<int>(end_s - start_s));
  last_collected_ut_ = static_cast<uint64_t>(end_s) * usec_per_sec;
  last_updated_ut_ = last_collected_ut_;
  ++counter_;
  ++counter_done_;
  return true;
}

void chart_row_calculator::replay_set(size_t index) {
  if (index >= dims_.size())
    return;
  dims_[index].last_collected_usec = last_updated_ut_;
  dims_[index].collections++;
}

void chart_row_calculator::replay_dimension_state(size_t index,
                                                  uint64_t last_collected_usec,
                                                  int64_t last_collected_value,
                                                  double last_calculated_value,
                                                  double last_stored_value) {
  if (index >= dims_.size())
    return;
  auto& d = dims_[index];
  if (last_collected_usec > d.last_collected_usec)
    d.last_collected_usec = last_collected_usec;
  d.last_collected = last_collected_value;
  d.last_calculated = last_calculated_value;
  d.last_stored = last_stored_value;
}

void chart_row_calculator::replay_chart_state(uint64_t last_collected_usec,
                                              uint64_t last_updated_usec) {
  if (last_collected_usec > last_collected_ut_)
    last_collected_ut_ = last_collected_usec;
  if (last_updated_usec > last_updated_ut_)
    last_updated_ut_ = last_updated_usec;
  ++counter_;
  ++counter_done_;
}

void chart_row_calculator::replay_end(bool start_streaming,
                                      int child_update_every) {
  ++counter_;
  ++counter_done_;
  if (!start_streaming)
    return;
  if (child_update_every != cfg_.update_every)
    set_update_every(child_update_every);
  sync_clock_ = false;
}

// -- observers
// ------------------------------------------------------------------------

uint64_t chart_row_calculator::last_collected_usec() const noexcept {
  return last_collected_ut_;
}

uint64_t chart_row_calculator::last_updated_usec() const noexcept {
  return last_updated_ut_;
}

chart_row_calculator::collected_state
chart_row_calculator::collected(size_t index) const {
  if (index >= dims_.size())
    return {};
  const auto& d = dims_[index];
  return {d.last_collected, d.last_collected_usec, d.collections};
}

size_t chart_row_calculator::collections() const noexcept {
  return counter_done_;
}

double chart_row_calculator::last_stored_value(size_t index) const {
  return dims_.at(index).last_stored;
}

} // namespace tributary::storage
