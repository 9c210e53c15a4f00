#include "storage/slot_page.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tributary::storage {

namespace {

constexpr uint32_t mantissa_mask = 0x00ffffffu;

enum page_code : uint64_t { xor_words = 0, offsets = 1, deltas = 2 };

constexpr uint32_t pow10[8]
    = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

unsigned width_of(uint64_t span) {
  unsigned w = 0;
  while (w < 64 && (span >> w) != 0)
    ++w;
  return w;
}

/// What the fixed-width codes need: the page's top bits and scale.
struct frame {
  uint32_t top = 0;
  unsigned scale = 0; // mantissas are multiples of pow10[scale]
};

bool find_frame(const storage_number* xs, size_t n, frame& f) {
  f.top = xs[0] & ~mantissa_mask;
  for (size_t i = 1; i < n; ++i)
    if ((xs[i] & ~mantissa_mask) != f.top)
      return false;
  unsigned scale = 7;
  for (size_t i = 0; i < n && scale > 0; ++i)
    while (scale > 0 && (xs[i] & mantissa_mask) % pow10[scale] != 0)
      --scale;
  f.scale = scale;
  return true;
}

uint32_t scaled(storage_number x, const frame& f) {
  return (x & mantissa_mask) / pow10[f.scale];
}

// Header: 2 bits code, 8 bits top, 3 bits scale, then per code.
constexpr size_t frame_bits = 2 + 8 + 3;

size_t offsets_bits(const storage_number* xs, size_t n, const frame& f,
                    uint32_t& lo, unsigned& width) {
  uint32_t mn = scaled(xs[0], f);
  uint32_t mx = mn;
  for (size_t i = 1; i < n; ++i) {
    mn = std::min(mn, scaled(xs[i], f));
    mx = std::max(mx, scaled(xs[i], f));
  }
  lo = mn;
  width = width_of(mx - mn);
  return frame_bits + 24 + 5 + n * width;
}

size_t deltas_bits(const storage_number* xs, size_t n, const frame& f,
                   int32_t& lo, unsigned& width) {
  int32_t mn = 0;
  int32_t mx = 0;
  for (size_t i = 1; i < n; ++i) {
    auto d = static_cast<int32_t>(scaled(xs[i], f))
             - static_cast<int32_t>(scaled(xs[i - 1], f));
    if (i == 1 || d < mn)
      mn = d;
    if (i == 1 || d > mx)
      mx = d;
  }
  lo = mn;
  width = width_of(static_cast<uint32_t>(mx - mn));
  return frame_bits + 24 + 25 + 5 + (n - 1) * width;
}

void put_frame(bit_writer& w, page_code code, const frame& f) {
  w.put(code, 2);
  w.put(f.top >> 24, 8);
  w.put(f.scale, 3);
}

} // namespace

void encode_slot_page(const storage_number* xs, size_t n, bit_writer& w) {
  if (n == 0)
    return;
  frame f;
  if (!find_frame(xs, n, f)) {
    w.put(xor_words, 2);
    encode_words(xs, n, w);
    return;
  }
  uint32_t off_lo = 0;
  unsigned off_width = 0;
  auto off_size = offsets_bits(xs, n, f, off_lo, off_width);
  int32_t d_lo = 0;
  unsigned d_width = 0;
  auto d_size = n > 1 ? deltas_bits(xs, n, f, d_lo, d_width) : SIZE_MAX;
  auto fixed_size = std::min(off_size, d_size);
  if (fixed_size > 2 * n) {
    // A few outliers widen every fixed-width slot; XOR may do better.
    bit_writer probe;
    encode_words(xs, n, probe);
    if (2 + probe.finish().size() * 8 < fixed_size) {
      w.put(xor_words, 2);
      encode_words(xs, n, w);
      return;
    }
  }
  if (off_size <= d_size) {
    put_frame(w, offsets, f);
    w.put(off_lo, 24);
    w.put(off_width, 5);
    for (size_t i = 0; i < n; ++i)
      w.put(scaled(xs[i], f) - off_lo, off_width);
    return;
  }
  put_frame(w, deltas, f);
  w.put(scaled(xs[0], f), 24);
  // The least delta, biased by 2^24 so that it is never negative.
  w.put(static_cast<uint64_t>(int64_t{d_lo} + (int64_t{1} << 24)), 25);
  w.put(d_width, 5);
  for (size_t i = 1; i < n; ++i) {
    auto d = static_cast<int32_t>(scaled(xs[i], f))
             - static_cast<int32_t>(scaled(xs[i - 1], f));
    w.put(static_cast<uint32_t>(d - d_lo), d_width);
  }
}

bool decode_slot_page(bit_reader& r, storage_number* xs, size_t n) {
  if (n == 0)
    return true;
  uint64_t code = 0;
  if (!r.get(2, code))
    return false;
  if (code == xor_words)
    return decode_words(r, xs, n);
  uint64_t top = 0;
  uint64_t scale = 0;
  if (code > deltas || !r.get(8, top) || !r.get(3, scale))
    return false;
  auto top_bits = static_cast<uint32_t>(top << 24);
  auto mul = pow10[scale];
  auto store = [&](size_t i, uint64_t m) {
    if (m * mul > mantissa_mask)
      return false;
    xs[i] = top_bits | static_cast<uint32_t>(m * mul);
    return true;
  };
  uint64_t first = 0;
  uint64_t lo = 0;
  uint64_t width = 0;
  if (code == offsets) {
    if (!r.get(24, first) || !r.get(5, width))
      return false;
    for (size_t i = 0; i < n; ++i) {
      uint64_t v = 0;
      if (!r.get(static_cast<unsigned>(width), v) || !store(i, first + v))
        return false;
    }
    return true;
  }
  if (!r.get(24, first) || !r.get(25, lo) || !r.get(5, width))
    return false;
  auto d_lo = static_cast<int64_t>(lo) - (int64_t{1} << 24);
  auto m = static_cast<int64_t>(first);
  if (!store(0, first))
    return false;
  for (size_t i = 1; i < n; ++i) {
    uint64_t v = 0;
    if (!r.get(static_cast<unsigned>(width), v))
      return false;
    m += d_lo + static_cast<int64_t>(v);
    if (m < 0 || !store(i, static_cast<uint64_t>(m)))
      return false;
  }
  return true;
}

} // namespace tributary::storage
