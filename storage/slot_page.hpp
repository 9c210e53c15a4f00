#pragma once

#include "storage/storage_number.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace tributary::storage {

/// Lossless code for a page of storage_number slots, the smallest of:
/// - offsets: the slots' values as integers on one decimal scale (the page's
///   largest exponent, then divided by the largest common power of ten),
///   minus the page minimum, packed in mixed radix (span + 1);
/// - deltas: the same integers as differences from the previous slot;
/// - Gorilla's XOR code, which takes any page (gaps among values, mixed
///   flags) and wins when a few outliers widen the span.
/// The integer codes are used only when decoding them gives back every word.
std::string encode_slot_page(const storage_number* xs, size_t n);

/// Inverse of `encode_slot_page` for the same `n`; false on damaged input.
bool decode_slot_page(std::string_view bytes, storage_number* xs, size_t n);

} // namespace tributary::storage
