// END of a chart row: computing each dimension's value, interpolating to
// the update_every grid, storing. See value_math.cpp for the sources followed.

#include "storage/value_math.hpp"
#include "storage/value_math_detail.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace tributary::storage {

using namespace value_math_detail;

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

} // namespace tributary::storage
