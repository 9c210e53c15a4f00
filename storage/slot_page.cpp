#include "storage/slot_page.hpp"

#include "storage/gorilla.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tributary::storage {

namespace {

constexpr uint32_t mantissa_mask = 0x00ffffffu;
constexpr uint32_t exponent_mask = 0x38000000u;
constexpr uint32_t multiply_bit = 1u << 30;
// Sign, multiply, x100, reset and not-anomalous: equal across a coded page.
constexpr uint32_t flag_bits = ~(mantissa_mask | exponent_mask);

enum page_code : uint64_t { xor_words = 0, offsets = 1, deltas = 2 };

constexpr uint64_t powers_of_ten[16] = {1,
                                        10,
                                        100,
                                        1000,
                                        10000,
                                        100000,
                                        1000000,
                                        10000000,
                                        100000000,
                                        1000000000,
                                        10000000000,
                                        100000000000,
                                        1000000000000,
                                        10000000000000,
                                        100000000000000,
                                        1000000000000000};

uint64_t pow10(unsigned k) {
  return powers_of_ten[k & 15];
}

unsigned width_of(uint64_t x) {
  return x == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(x));
}

uint64_t zigzag(int64_t x) {
  return (static_cast<uint64_t>(x) << 1) ^ static_cast<uint64_t>(x >> 63);
}

int64_t unzigzag(uint64_t x) {
  return static_cast<int64_t>(x >> 1) ^ -static_cast<int64_t>(x & 1);
}

/// How a page's words map to integers.
struct frame {
  uint32_t flags = 0;
  unsigned exponent = 0; // the page's largest
  unsigned scale = 0;    // integers are multiples of 10^scale
};

/// The word whose value is `v` on `f`; false if there is none.
bool word_of(uint64_t v, const frame& f, storage_number& x) {
  auto n = v * pow10(f.scale);
  if ((f.flags & multiply_bit) != 0 || n == 0) {
    auto e = n == 0 && (f.flags & multiply_bit) == 0 ? 0 : f.exponent;
    if (n > mantissa_mask)
      return false;
    x = f.flags | (e << 27) | static_cast<uint32_t>(n);
    return true;
  }
  // The largest exponent that holds the value, as packing chooses.
  for (unsigned diff = 0; diff <= f.exponent; ++diff) {
    auto p = pow10(diff);
    if (n % p != 0)
      return false;
    if (n / p <= mantissa_mask) {
      x = f.flags | ((f.exponent - diff) << 27) | static_cast<uint32_t>(n / p);
      return true;
    }
  }
  return false;
}

/// The page's integers; false if the words do not map back from them.
bool to_integers(const storage_number* xs, size_t n, frame& f,
                 std::vector<uint64_t>& vs) {
  f.flags = xs[0] & flag_bits;
  f.exponent = 0;
  bool multiply = (f.flags & multiply_bit) != 0;
  auto first_e = (xs[0] & exponent_mask) >> 27;
  bool one_exponent = true;
  bool zero_mantissa = false;
  for (size_t i = 0; i < n; ++i) {
    if ((xs[i] & flag_bits) != f.flags)
      return false;
    auto e = (xs[i] & exponent_mask) >> 27;
    if (multiply && e != first_e)
      return false;
    one_exponent = one_exponent && e == first_e;
    zero_mantissa = zero_mantissa || (xs[i] & mantissa_mask) == 0;
    f.exponent = std::max(f.exponent, e);
  }
  vs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    auto e = (xs[i] & exponent_mask) >> 27;
    vs[i] = uint64_t{xs[i] & mantissa_mask}
            * (multiply ? 1 : pow10(f.exponent - e));
  }
  f.scale = 15;
  for (size_t i = 0; i < n && f.scale > 0; ++i)
    while (f.scale > 0 && vs[i] % pow10(f.scale) != 0)
      --f.scale;
  for (auto& v : vs)
    v /= pow10(f.scale);
  // Words of one exponent map back from their integers by construction,
  // except a zero mantissa under a nonzero division exponent (word_of gives
  // zero exponent 0).
  if (one_exponent && (multiply || f.exponent == 0 || !zero_mantissa))
    return true;
  storage_number back = 0;
  for (size_t i = 0; i < n; ++i)
    if (!word_of(vs[i], f, back) || back != xs[i])
      return false;
  return true;
}

void put_var(bit_writer& w, uint64_t x) {
  auto len = width_of(x);
  w.put(len, 7);
  w.put(x, len);
}

bool get_var(bit_reader& r, uint64_t& x) {
  uint64_t len = 0;
  return r.get(7, len) && len <= 64 && r.get(static_cast<unsigned>(len), x);
}

/// Values below `radix`, as many to a group as fit 64 bits: near
/// log2(radix) bits each.
void put_radix(bit_writer& w, const uint64_t* us, size_t n, uint64_t radix) {
  if (radix <= 1)
    return;
  auto limit = UINT64_MAX / radix;
  for (size_t i = 0; i < n;) {
    uint64_t acc = 0;
    uint64_t mult = 1;
    while (i < n) {
      acc += us[i++] * mult;
      mult *= radix;
      if (mult > limit)
        break;
    }
    w.put(acc, width_of(mult - 1));
  }
}

/// Bits `put_radix` writes for `n` values below `radix`.
size_t radix_bits(size_t n, uint64_t radix) {
  if (radix <= 1 || n == 0)
    return 0;
  // Groups of `per` values, `mult` = radix^per, then one shorter group.
  auto limit = UINT64_MAX / radix;
  size_t per = 0;
  uint64_t mult = 1;
  while (per < n) {
    ++per;
    mult *= radix;
    if (mult > limit)
      break;
  }
  size_t bits = n / per * width_of(mult - 1);
  if (auto rest = n % per; rest > 0) {
    uint64_t m = 1;
    for (size_t k = 0; k < rest; ++k)
      m *= radix;
    bits += width_of(m - 1);
  }
  return bits;
}

bool get_radix(bit_reader& r, uint64_t* us, size_t n, uint64_t radix) {
  if (radix <= 1) {
    std::fill(us, us + n, 0);
    return true;
  }
  auto limit = UINT64_MAX / radix;
  for (size_t i = 0; i < n;) {
    size_t first = i;
    uint64_t mult = 1;
    while (i < n) {
      ++i;
      mult *= radix;
      if (mult > limit)
        break;
    }
    uint64_t acc = 0;
    if (!r.get(width_of(mult - 1), acc))
      return false;
    for (size_t k = first; k < i; ++k) {
      us[k] = acc % radix;
      acc /= radix;
    }
  }
  return true;
}

void put_frame(bit_writer& w, page_code code, const frame& f) {
  w.put(code, 2);
  w.put(f.flags >> 24, 8);
  w.put(f.exponent, 3);
  w.put(f.scale, 4);
}

constexpr size_t frame_bits = 2 + 8 + 3 + 4;

/// Bits `put_var` writes for `x`.
size_t var_bits(uint64_t x) {
  return 7 + width_of(x);
}

/// Bytes of a code of `bits` bits.
size_t bytes_of(size_t bits) {
  return (bits + 7) / 8;
}

/// Room for a page's code: at most 64 bits a slot and a header.
size_t page_room(size_t n) {
  return 8 * n + 32;
}

/// What the offsets code of `vs` needs: its minimum and span.
struct offsets_plan {
  uint64_t lo = 0;
  uint64_t span = 0;
  size_t bytes(size_t n) const {
    return bytes_of(frame_bits + var_bits(lo) + var_bits(span)
                    + radix_bits(n, span + 1));
  }
};

offsets_plan plan_offsets(const std::vector<uint64_t>& vs) {
  auto [lo, hi] = std::minmax_element(vs.begin(), vs.end());
  return {*lo, *hi - *lo};
}

std::string offsets_code(const std::vector<uint64_t>& vs, const frame& f,
                         const offsets_plan& plan) {
  bit_writer w{page_room(vs.size())};
  put_frame(w, offsets, f);
  put_var(w, plan.lo);
  put_var(w, plan.span);
  std::vector<uint64_t> us(vs.size());
  for (size_t i = 0; i < vs.size(); ++i)
    us[i] = vs[i] - plan.lo;
  put_radix(w, us.data(), us.size(), plan.span + 1);
  return w.finish();
}

/// What the deltas code of `vs` (two or more) needs: the smallest step and
/// the steps' span.
struct deltas_plan {
  int64_t lo = 0;
  uint64_t span = 0;
  size_t bytes(uint64_t first, size_t n) const {
    return bytes_of(frame_bits + var_bits(first) + var_bits(zigzag(lo))
                    + var_bits(span) + radix_bits(n - 1, span + 1));
  }
};

deltas_plan plan_deltas(const std::vector<uint64_t>& vs) {
  auto lo = static_cast<int64_t>(vs[1] - vs[0]);
  auto hi = lo;
  for (size_t i = 2; i < vs.size(); ++i) {
    auto d = static_cast<int64_t>(vs[i] - vs[i - 1]);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  return {lo, static_cast<uint64_t>(hi - lo)};
}

std::string deltas_code(const std::vector<uint64_t>& vs, const frame& f,
                        const deltas_plan& plan) {
  bit_writer w{page_room(vs.size())};
  put_frame(w, deltas, f);
  put_var(w, vs[0]);
  put_var(w, zigzag(plan.lo));
  put_var(w, plan.span);
  std::vector<uint64_t> us(vs.size() - 1);
  for (size_t i = 1; i < vs.size(); ++i)
    us[i - 1] = static_cast<uint64_t>(static_cast<int64_t>(vs[i] - vs[i - 1])
                                      - plan.lo);
  put_radix(w, us.data(), us.size(), plan.span + 1);
  return w.finish();
}

std::string xor_code(const storage_number* xs, size_t n) {
  bit_writer w{page_room(n)};
  w.put(xor_words, 2);
  encode_words(xs, n, w);
  return w.finish();
}

} // namespace

std::string encode_slot_page(const storage_number* xs, size_t n) {
  // Sized first, then only the smallest code is written (ties: the XOR
  // code, then offsets).
  frame f;
  std::vector<uint64_t> vs;
  if (n == 0 || !to_integers(xs, n, f, vs))
    return xor_code(xs, n);
  auto best = bytes_of(2 + encoded_words_bits(xs, n));
  auto off = plan_offsets(vs);
  auto del = n > 1 ? plan_deltas(vs) : deltas_plan{};
  auto off_bytes = off.bytes(n);
  auto del_bytes = n > 1 ? del.bytes(vs[0], n) : SIZE_MAX;
  if (del_bytes < best && del_bytes < off_bytes)
    return deltas_code(vs, f, del);
  if (off_bytes < best)
    return offsets_code(vs, f, off);
  return xor_code(xs, n);
}

bool decode_slot_page(std::string_view bytes, storage_number* xs, size_t n) {
  bit_reader r{bytes};
  uint64_t code = 0;
  if (!r.get(2, code))
    return false;
  if (code == xor_words)
    return decode_words(r, xs, n);
  uint64_t flags = 0;
  uint64_t exponent = 0;
  uint64_t scale = 0;
  if (code > deltas || !r.get(8, flags) || !r.get(3, exponent)
      || !r.get(4, scale))
    return false;
  frame f{static_cast<uint32_t>(flags << 24), static_cast<unsigned>(exponent),
          static_cast<unsigned>(scale)};
  uint64_t first = 0;
  uint64_t lo = 0;
  uint64_t span = 0;
  if (!get_var(r, first) || (code == deltas && !get_var(r, lo))
      || !get_var(r, span) || span == UINT64_MAX)
    return false;
  std::vector<uint64_t> us(n);
  if (code == offsets) {
    if (!get_radix(r, us.data(), n, span + 1))
      return false;
    for (size_t i = 0; i < n; ++i)
      if (!word_of(first + us[i], f, xs[i]))
        return false;
    return true;
  }
  if (n == 0 || !get_radix(r, us.data(), n - 1, span + 1))
    return false;
  auto d_lo = unzigzag(lo);
  auto v = first;
  if (!word_of(v, f, xs[0]))
    return false;
  for (size_t i = 1; i < n; ++i) {
    v += static_cast<uint64_t>(d_lo + static_cast<int64_t>(us[i - 1]));
    if (!word_of(v, f, xs[i]))
      return false;
  }
  return true;
}

} // namespace tributary::storage
