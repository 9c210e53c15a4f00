#include "storage/storage_number.hpp"

#include <cmath>

namespace tributary::storage {

// Written from the bit layout documented in storage_number.hpp. Netdata does
// the arithmetic in `long double` (NETDATA_DOUBLE) and rounds the mantissa with
// lrint(); we do the same so that packed values are bit-identical.

namespace {

constexpr storage_number sn_flag_x100 = 1u << 26;
constexpr storage_number sn_flag_multiply = 1u << 30;
constexpr storage_number sn_flag_negative = 1u << 31;
constexpr storage_number mantissa_max = 0x00ffffff;
// The largest mantissa that can still be multiplied by 10.
constexpr storage_number mantissa_scale_limit = 0x0019999e;

} // namespace

storage_number pack(double value, uint8_t flags) noexcept {
  if ((flags & flag_empty) != 0 || !std::isfinite(value))
    return sn_empty_slot;
  storage_number r = 0;
  if ((flags & flag_anomalous) == 0)
    r |= sn_flag_not_anomalous;
  if ((flags & flag_reset) != 0)
    r |= sn_flag_reset;
  auto cls = std::fpclassify(value);
  if (cls == FP_ZERO || cls == FP_SUBNORMAL)
    return r;
  // Integers within the mantissa (counters, most gauges) scale exactly in
  // integer arithmetic: the same word the long double path gives, cheaper.
  auto magnitude = std::fabs(value);
  if (magnitude <= static_cast<double>(mantissa_max)
      && magnitude == std::trunc(magnitude)) {
    auto v = static_cast<storage_number>(magnitude);
    storage_number m = 0;
    while (m < 7 && v < mantissa_scale_limit) {
      v *= 10;
      ++m;
    }
    if (v > mantissa_max) {
      v /= 10;
      --m;
    }
    return r + (value < 0 ? sn_flag_negative : 0) + (m << 27) + v;
  }
  long double n = value;
  long double factor = 10;
  int m = 0;
  if (n < 0) {
    r += sn_flag_negative;
    n = -n;
  }
  if (n / 10000000.0L > static_cast<long double>(mantissa_max)) {
    factor = 100;
    r |= sn_flag_x100;
  }
  while (m < 7 && n > static_cast<long double>(mantissa_max)) {
    n /= factor;
    ++m;
  }
  if (m != 0) {
    r += sn_flag_multiply + (static_cast<storage_number>(m) << 27);
    if (n > static_cast<long double>(mantissa_max))
      return r + mantissa_max;
  } else {
    while (m < 7 && n < static_cast<long double>(mantissa_scale_limit)) {
      n *= 10;
      ++m;
    }
    if (n > static_cast<long double>(mantissa_max)) {
      n /= 10;
      --m;
    }
    r += static_cast<storage_number>(m) << 27;
  }
  r += static_cast<storage_number>(std::lrint(static_cast<double>(n)));
  return r;
}

void unpack(storage_number x, double& value, uint8_t& flags) noexcept {
  if (x == sn_empty_slot) {
    value = std::nan("");
    flags = flag_empty;
    return;
  }
  flags = 0;
  if ((x & sn_flag_not_anomalous) == 0)
    flags |= flag_anomalous;
  if ((x & sn_flag_reset) != 0)
    flags |= flag_reset;
  int exp = static_cast<int>((x >> 27) & 0x7u);
  // Netdata's lookup table holds double precision powers; keep that.
  double base = (x & sn_flag_x100) != 0 ? 100.0 : 10.0;
  double scale = (x & sn_flag_multiply) != 0 ? std::pow(base, exp)
                                             : 1.0 / std::pow(base, exp);
  long double n = static_cast<long double>(scale)
                  * static_cast<long double>(x & mantissa_max);
  if ((x & sn_flag_negative) != 0)
    n = -n;
  value = static_cast<double>(n);
}

sample to_sample(int64_t t, storage_number x) noexcept {
  sample s;
  s.time_s = t;
  unpack(x, s.value, s.flags);
  return s;
}

sample round_trip(const sample& s) noexcept {
  return to_sample(s.time_s, pack(s.value, s.flags));
}

} // namespace tributary::storage
