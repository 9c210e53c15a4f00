#pragma once

#include <cmath>
#include <cstdint>

namespace tributary::storage {

// -- sample flags
// --------------------------------------------------------------

/// The slot holds no value (a gap, or NaN/inf was stored). Netdata's
/// `SN_EMPTY_SLOT`; `/api/v1/data` renders it as `null`.
constexpr uint8_t flag_empty = 0x01;

/// The value was computed across a counter reset or overflow. Netdata's
/// `SN_FLAG_RESET`; set on the whole row of the first point stored after a
/// reset of any of the chart's dimensions.
constexpr uint8_t flag_reset = 0x02;

/// Machine learning marked the value anomalous. Netdata stores the inverse bit
/// (`SN_FLAG_NOT_ANOMALOUS`); tributary has no ML, so collected values carry
/// it only when a peer sent it (replication).
constexpr uint8_t flag_anomalous = 0x04;

/// One stored point of one dimension: the value for the `update_every` slot
/// that ends at `time_s`.
struct sample {
  /// End of the slot, Unix seconds (Netdata's `point_end_time`).
  int64_t time_s = 0;
  /// The stored value; NaN when `flags & flag_empty`.
  double value = std::nan("");
  /// Bitwise OR of `flag_*`.
  uint8_t flags = flag_empty;

  /// True if the slot holds no value.
  bool empty() const noexcept {
    return (flags & flag_empty) != 0;
  }

  /// Returns an empty sample (a gap) at `t`.
  static sample gap(int64_t t) noexcept {
    return sample{t, std::nan(""), flag_empty};
  }

  /// Returns a sample holding `v` at `t`; NaN or infinity become a gap, as in
  /// Netdata.
  static sample of(int64_t t, double v, uint8_t extra_flags = 0) noexcept {
    if (!std::isfinite(v))
      return gap(t);
    return sample{t, v, static_cast<uint8_t>(extra_flags & ~flag_empty)};
  }
};

/// Equal if time and flags match and the values are equal (both NaN counts as
/// equal for empty samples).
inline bool operator==(const sample& x, const sample& y) noexcept {
  if (x.time_s != y.time_s || x.flags != y.flags)
    return false;
  return x.empty() || x.value == y.value;
}

inline bool operator!=(const sample& x, const sample& y) noexcept {
  return !(x == y);
}

} // namespace tributary::storage
