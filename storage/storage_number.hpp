#pragma once

#include "storage/sample.hpp"

#include <cstdint>

namespace tributary::storage {

/// Netdata's 32-bit stored number (`storage_number`, 1.37.1): what the ram,
/// save and map modes keep per slot and what dbengine tier 0 keeps per point.
/// Layout, most significant bit first: sign, multiply(1)/divide(0), a 3-bit
/// power of ten (or of 100, see bit 26), bit 26 "x100 factor", bit 25 reset,
/// bit 24 not-anomalous, 24 bits of mantissa.
///
/// Precision: the mantissa holds at most 0x00ffffff (16,777,215), so values
/// keep 7 significant decimal digits (relative error below 1e-7 for values
/// above 1.6777215, absolute steps of 1e-7 for small values; anything below
/// 1e-7 in magnitude becomes 0). Values above 16,777,215 × 10^7 switch to a
/// ×100 factor and lose more. Storing through this type is what makes our
/// `/api/v1/data` numbers equal Netdata's.
using storage_number = uint32_t;

/// Netdata's `SN_EMPTY_SLOT`.
constexpr storage_number sn_empty_slot = 1u << 26;
/// Netdata's `SN_FLAG_NOT_ANOMALOUS`.
constexpr storage_number sn_flag_not_anomalous = 1u << 24;
/// Netdata's `SN_FLAG_RESET`.
constexpr storage_number sn_flag_reset = 1u << 25;

/// Packs `value` with the `flag_*` bits of `flags` exactly as Netdata 1.37.1
/// `pack_storage_number()` (built with `STORAGE_WITH_MATH`) does. An empty
/// flag, NaN or infinity yield `sn_empty_slot`.
storage_number pack(double value, uint8_t flags) noexcept;

/// Unpacks `x` into a value and `flag_*` bits (Netdata's
/// `unpack_storage_number`).
void unpack(storage_number x, double& value, uint8_t& flags) noexcept;

/// Returns `x` stored at `t`.
sample to_sample(int64_t t, storage_number x) noexcept;

/// Rounds `s` the way storing it in a ram/save/dbengine slot does.
sample round_trip(const sample& s) noexcept;

} // namespace tributary::storage
