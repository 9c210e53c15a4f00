#pragma once

#include "storage/gorilla.hpp"
#include "storage/storage_number.hpp"

#include <cstddef>

namespace tributary::storage {

/// Lossless code for a page of storage_number slots. Pages whose slots share
/// their top 8 bits (sign, exponent, flags) store the 24-bit mantissas
/// divided by their largest common power of ten, as offsets from the page
/// minimum (frame of reference) or as deltas from the previous slot, each in
/// a fixed width; any other page (gaps mixed with values, resets) falls back
/// to Gorilla's XOR code. The smallest of the three is kept.
void encode_slot_page(const storage_number* xs, size_t n, bit_writer& w);

/// Inverse of `encode_slot_page` for the same `n`; false on damaged input.
bool decode_slot_page(bit_reader& r, storage_number* xs, size_t n);

} // namespace tributary::storage
