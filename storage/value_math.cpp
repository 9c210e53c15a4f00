#include "storage/value_math.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

// The semantics below follow Netdata 1.37.1's receiving side, read from its
// sources (database/rrdset.c: rrdset_timed_next, rrdset_timed_done,
// rrdset_done_interpolate; database/rrddim.c: rrddim_timed_set_by_pointer;
// collectors/plugins.d/pluginsd_parser.c: BEGIN/SET/END and the replay
// commands). docs/storage.md states every rule; the code is our own.

namespace tributary::storage {

namespace {

constexpr uint64_t usec_per_sec = 1000000;

// Netdata's MAX_INCREMENTAL_PERCENT_RATE: a wrap is an overflow only if the
// implied delta is below 10% of the counter's range.
constexpr uint64_t max_incremental_percent_rate = 10;

// dbengine resets a chart silent for more than one page of points
// (RRDENG_BLOCK_SIZE / sizeof(storage_number) = 4096 / 4).
constexpr uint64_t dbengine_page_points = 1024;

uint64_t abs_diff(uint64_t x, uint64_t y) {
  return x > y ? x - y : y - x;
}

// Rounds a µs time down to the update_every grid in seconds, then adds
// `usec` (Netdata's last_collected_time_align / last_updated_time_align).
uint64_t align_usec(uint64_t t, int ue, uint64_t usec) {
  auto sec = t / usec_per_sec;
  sec -= sec % static_cast<uint64_t>(ue);
  return sec * usec_per_sec + usec;
}

} // namespace

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
  if (value != std::numeric_limits<int64_t>::min()) {
    auto v = value >= 0 ? value : -value;
    if (v > d.collected_max)
      d.collected_max = v;
  }
}

// -- END
// ------------------------------------------------------------------------------

void chart_row_calculator::reset() {
  last_collected_ut_ = 0;
  last_updated_ut_ = 0;
  counter_ = 0;
  counter_done_ = 0;
  for (auto& d : dims_) {
    d.last_collected_usec = 0;
    d.collections = 0;
  }
}

void chart_row_calculator::end(uint64_t now_usec, std::vector<row>& out) {
  auto ue = cfg_.update_every;
  auto ue_ut = update_every_usec();
  auto entries
      = static_cast<uint64_t>(aligned_history(cfg_.mode, cfg_.history));
  bool ring_mode
      = cfg_.mode != memory_mode::dbengine && cfg_.mode != memory_mode::none;
  bool store_this_entry = true;
  bool first_entry = false;
  // A chart silent for longer than its ring starts over.
  if (ring_mode && usec_since_last_update_ > entries * ue_ut) {
    reset();
    usec_since_last_update_ = ue_ut;
    store_this_entry = false;
    first_entry = true;
  }
  uint64_t last_collect_ut = 0;
  if (last_collected_ut_ / usec_per_sec == 0) {
    // First collection: anchor the chart clock to the grid (+0.5 s).
    last_collected_ut_
        = align_usec(now_usec, ue, cfg_.store_first ? 0 : 500000);
    last_collect_ut = last_collected_ut_ - ue_ut;
    store_this_entry = false;
    first_entry = true;
  } else {
    last_collect_ut = last_collected_ut_;
    last_collected_ut_ += usec_since_last_update_;
  }
  bool has_reset = false;
  if (cfg_.mode == memory_mode::none) {
    ++counter_done_;
    compute(has_reset);
    finish(first_entry);
    return;
  }
  auto init_last_updated = [&] {
    auto t = last_collected_ut_;
    if (cfg_.store_first)
      t = t >= ue_ut ? t - ue_ut : 0;
    last_updated_ut_ = align_usec(t, ue, 0);
  };
  if (last_updated_ut_ / usec_per_sec == 0) {
    init_last_updated();
    store_this_entry = false;
    first_entry = true;
  }
  // Data older than the whole ring (or a dbengine page) starts over.
  auto limit = ring_mode ? entries * ue_ut : dbengine_page_points * ue_ut;
  if (abs_diff(last_collected_ut_, last_updated_ut_) > limit) {
    reset();
    init_last_updated();
    usec_since_last_update_ = ue_ut;
    store_this_entry = false;
    first_entry = true;
  }
  auto now_collect_ut = last_collected_ut_;
  auto last_stored_ut = last_updated_ut_;
  auto next_store_ut
      = (last_updated_ut_ / usec_per_sec + static_cast<uint64_t>(ue))
        * usec_per_sec;
  if (counter_done_ == 0) {
    // First collection of this session. (A ring loaded from disk would fill
    // the gap here; our calculator never starts from a loaded state.)
    if (cfg_.mode == memory_mode::dbengine) {
      init_last_updated();
      last_stored_ut = last_updated_ut_;
      next_store_ut
          = (last_updated_ut_ / usec_per_sec + static_cast<uint64_t>(ue))
            * usec_per_sec;
    }
    if (cfg_.store_first) {
      store_this_entry = true;
      last_collect_ut = next_store_ut - ue_ut;
    } else {
      store_this_entry = false;
    }
  }
  ++counter_done_;
  compute(has_reset);
  interpolate(last_stored_ut, next_store_ut, last_collect_ut, now_collect_ut,
              store_this_entry, has_reset, out);
  finish(first_entry);
}

void chart_row_calculator::compute(bool& has_reset) {
  // Row totals over every updated dimension, whatever its algorithm.
  int64_t collected_total = 0;
  int64_t last_collected_total = 0;
  for (auto& d : dims_) {
    if (!d.updated)
      continue;
    if (d.cfg.algo == algorithm::percentage_of_incremental_row
        && d.last_collected > d.collected) {
      if (d.cfg.detect_resets)
        has_reset = true;
      d.last_collected = d.collected;
    }
    last_collected_total
        = static_cast<int64_t>(static_cast<uint64_t>(last_collected_total)
                               + static_cast<uint64_t>(d.last_collected));
    collected_total
        = static_cast<int64_t>(static_cast<uint64_t>(collected_total)
                               + static_cast<uint64_t>(d.collected));
  }
  for (auto& d : dims_) {
    if (!d.updated) {
      d.calculated = 0;
      continue;
    }
    auto mul = static_cast<long double>(d.cfg.multiplier);
    auto div = static_cast<long double>(d.cfg.divisor);
    switch (d.cfg.algo) {
    case algorithm::absolute:
      d.calculated = static_cast<long double>(d.collected) * mul / div;
      break;
    case algorithm::percentage_of_absolute_row:
      if (collected_total == 0)
        d.calculated = 0;
      else
        d.calculated = 100.0L * static_cast<long double>(d.collected)
                       / static_cast<long double>(collected_total);
      break;
    case algorithm::incremental: {
      if (d.collections <= 1) {
        d.calculated = 0;
        break;
      }
      auto last = static_cast<uint64_t>(d.last_collected);
      auto now = static_cast<uint64_t>(d.collected);
      if (last > now) {
        // Reset or overflow. An overflow is assumed when the wrapped delta
        // is below 10% of the counter's range (32 or 64 bits, chosen by
        // the largest value ever collected); otherwise it is a reset and
        // this point's increment is 0.
        if (d.cfg.detect_resets)
          has_reset = true;
        auto max = static_cast<uint64_t>(d.collected_max);
        uint64_t cap = max > 0x00000000FFFFFFFFULL ? 0xFFFFFFFFFFFFFFFFULL
                                                   : 0x00000000FFFFFFFFULL;
        uint64_t delta = cap - last + now;
        uint64_t max_acceptable = (cap / 100) * max_incremental_percent_rate;
        if (delta < max_acceptable)
          d.calculated += static_cast<long double>(delta) * mul / div;
      } else {
        auto delta = static_cast<int64_t>(now - last);
        d.calculated += static_cast<long double>(delta) * mul / div;
      }
      break;
    }
    case algorithm::percentage_of_incremental_row: {
      if (d.collections <= 1) {
        d.calculated = 0;
        break;
      }
      if (collected_total == last_collected_total) {
        d.calculated = 0;
      } else {
        auto delta
            = static_cast<int64_t>(static_cast<uint64_t>(d.collected)
                                   - static_cast<uint64_t>(d.last_collected));
        auto total = static_cast<int64_t>(
            static_cast<uint64_t>(collected_total)
            - static_cast<uint64_t>(last_collected_total));
        d.calculated = 100.0L * static_cast<long double>(delta)
                       / static_cast<long double>(total);
      }
      break;
    }
    }
  }
}

void chart_row_calculator::interpolate(uint64_t last_stored_ut,
                                       uint64_t next_store_ut,
                                       uint64_t last_collect_ut,
                                       uint64_t now_collect_ut,
                                       bool store_this_entry, bool has_reset,
                                       std::vector<row>& out) {
  auto ue_ut = update_every_usec();
  auto ue = static_cast<long double>(cfg_.update_every);
  // Grid points this collection completes (one more when exactly on one).
  int64_t iterations = 0;
  if (now_collect_ut >= last_stored_ut)
    iterations
        = static_cast<int64_t>((now_collect_ut - last_stored_ut) / ue_ut);
  if (now_collect_ut % ue_ut == 0)
    ++iterations;
  auto gap_above
      = static_cast<int64_t>(cfg_.gap_when_lost_iterations_above) + 2;
  uint8_t flags = has_reset ? flag_reset : 0;
  for (; next_store_ut <= now_collect_ut;
       last_collect_ut = next_store_ut, next_store_ut += ue_ut, --iterations) {
    row r;
    r.time_s = static_cast<int64_t>(next_store_ut / usec_per_sec);
    r.values.reserve(dims_.size());
    auto span_now = static_cast<long double>(now_collect_ut - last_collect_ut);
    auto span_next = static_cast<long double>(next_store_ut - last_collect_ut);
    for (auto& d : dims_) {
      long double v = 0;
      if (d.cfg.algo == algorithm::incremental) {
        // The part of this collection's increment that falls before the
        // grid point, plus the carry from the previous collection, as a
        // rate per second; a short first slot is extrapolated.
        v = d.calculated * span_next / span_now;
        d.calculated -= v;
        v += d.last_calculated;
        d.last_calculated = 0;
        v /= ue;
        if (next_store_ut - last_stored_ut < ue_ut)
          v = v * static_cast<long double>(ue_ut)
              / static_cast<long double>(next_store_ut - last_stored_ut);
      } else if (iterations == 1) {
        v = d.calculated;
      } else {
        // Linear interpolation between the previous and this value.
        v = (d.calculated - d.last_calculated) * span_next / span_now
            + d.last_calculated;
      }
      if (!store_this_entry) {
        r.values.push_back(sample::gap(r.time_s));
        continue;
      }
      if (d.updated && d.collections > 1 && iterations < gap_above) {
        r.values.push_back(sample::of(r.time_s, static_cast<double>(v), flags));
        d.last_stored = static_cast<double>(v);
      } else {
        r.values.push_back(sample::gap(r.time_s));
        d.last_stored = std::nan("");
      }
    }
    flags = 0;
    ++counter_;
    last_updated_ut_ = next_store_ut / usec_per_sec * usec_per_sec;
    last_stored_ut = next_store_ut;
    out.push_back(std::move(r));
  }
}

void chart_row_calculator::finish(bool first_entry) {
  for (auto& d : dims_) {
    if (!d.updated)
      continue;
    d.last_collected = d.collected;
    if (d.cfg.algo == algorithm::incremental) {
      if (!first_entry)
        d.last_calculated += d.calculated;
    } else {
      d.last_calculated = d.calculated;
    }
    d.calculated = 0;
    d.collected = 0;
    d.updated = false;
  }
}

void chart_row_calculator::collect(uint64_t collected_usec,
                                   const collected_value* values, size_t count,
                                   std::vector<row>& out) {
  uint64_t delta = 0;
  if (have_previous_collect_ && collected_usec > previous_collect_usec_)
    delta = collected_usec - previous_collect_usec_;
  begin(delta, collected_usec);
  for (size_t i = 0; i < count; ++i)
    if (values[i].second)
      set(values[i].first, *values[i].second);
  end(collected_usec, out);
  have_previous_collect_ = true;
  previous_collect_usec_ = collected_usec;
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

size_t chart_row_calculator::collections() const noexcept {
  return counter_done_;
}

double chart_row_calculator::last_stored_value(size_t index) const {
  return dims_.at(index).last_stored;
}

} // namespace tributary::storage
