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
constexpr storage_number powers_of_ten[]
    = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
// (limit - 1) / 10^i: the largest integer the i-th multiplication applies to.
constexpr storage_number scale_bounds[]
    = {(mantissa_scale_limit - 1) / 1,      (mantissa_scale_limit - 1) / 10,
       (mantissa_scale_limit - 1) / 100,    (mantissa_scale_limit - 1) / 1000,
       (mantissa_scale_limit - 1) / 10000,  (mantissa_scale_limit - 1) / 100000,
       (mantissa_scale_limit - 1) / 1000000};

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
      && magnitude
             == static_cast<double>(static_cast<storage_number>(magnitude))) {
    auto v = static_cast<storage_number>(magnitude);
    // Netdata multiplies by 10 while the mantissa is below the limit, at
    // most 7 times: step i happens when v * 10^i < limit, i.e. v is at most
    // scale_bounds[i]. Seven compares instead of a loop.
    storage_number m = 0;
    for (auto bound : scale_bounds)
      m += v <= bound ? 1 : 0;
    v *= powers_of_ten[m];
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
