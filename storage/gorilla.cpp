#include "storage/gorilla.hpp"

#include <cstring>

namespace tributary::storage {

void bit_writer::put(uint64_t x, unsigned n) {
  if (n > 32) {
    put(x >> 32, n - 32);
    n = 32;
  }
  if (n == 0)
    return;
  x &= (uint64_t{1} << n) - 1;
  // used_ < 32 here, so at most 63 bits are pending; whole 32-bit words go
  // out at once (one append instead of four).
  acc_ = (acc_ << n) | x;
  used_ += n;
  if (used_ >= 32) {
    used_ -= 32;
    auto word = static_cast<uint32_t>(acc_ >> used_);
    char bytes[4]
        = {static_cast<char>(word >> 24), static_cast<char>(word >> 16),
           static_cast<char>(word >> 8), static_cast<char>(word)};
    out_.append(bytes, 4);
  }
}

namespace {

/// Appends the `used` pending bits of `acc` to `out`, the last byte padded
/// with zero bits.
void flush_bits(std::string& out, uint64_t acc, unsigned used) {
  while (used >= 8) {
    used -= 8;
    out.push_back(static_cast<char>((acc >> used) & 0xffu));
  }
  if (used > 0)
    out.push_back(static_cast<char>((acc << (8 - used)) & 0xffu));
}

} // namespace

std::string bit_writer::peek() const {
  auto out = out_;
  flush_bits(out, acc_, used_);
  return out;
}

std::string bit_writer::finish() {
  flush_bits(out_, acc_, used_);
  used_ = 0;
  acc_ = 0;
  return std::move(out_);
}

bool bit_reader::get(unsigned n, uint64_t& x) {
  if (pos_ + n > bytes_.size() * 8)
    return false;
  if (n > 56) {
    uint64_t hi = 0;
    uint64_t lo = 0;
    get(n - 32, hi);
    get(32, lo);
    x = (hi << 32) | lo;
    return true;
  }
  if (n == 0) {
    x = 0;
    return true;
  }
  // The 8 bytes from the one holding pos_ (zeros past the end) hold all n
  // bits: pos_ % 8 + n <= 63.
  auto at = pos_ / 8;
  uint64_t window = 0;
  if (bytes_.size() - at >= 8) {
    std::memcpy(&window, bytes_.data() + at, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    window = __builtin_bswap64(window);
#endif
  } else {
    for (size_t k = 0; at + k < bytes_.size(); ++k)
      window |= uint64_t{static_cast<uint8_t>(bytes_[at + k])} << (56 - 8 * k);
  }
  x = (window << (pos_ % 8)) >> (64 - n);
  pos_ += n;
  return true;
}

namespace {

uint64_t zigzag(int64_t x) {
  return (static_cast<uint64_t>(x) << 1) ^ static_cast<uint64_t>(x >> 63);
}

int64_t unzigzag(uint64_t x) {
  return static_cast<int64_t>(x >> 1) ^ -static_cast<int64_t>(x & 1);
}

} // namespace

void time_encoder::put(int64_t t, bit_writer& w) {
  int64_t delta = t - prev_;
  auto z = zigzag(delta - prev_delta_);
  prev_ = t;
  prev_delta_ = delta;
  if (z == 0)
    w.put(0, 1);
  else if (z < (1u << 7))
    w.put((uint64_t{0b10} << 7) | z, 9);
  else if (z < (1u << 9))
    w.put((uint64_t{0b110} << 9) | z, 12);
  else if (z < (1u << 12))
    w.put((uint64_t{0b1110} << 12) | z, 16);
  else {
    w.put(0b1111, 4);
    w.put(z, 64);
  }
}

bool time_decoder::get(bit_reader& r, int64_t& t) {
  unsigned ones = 0;
  bool b = true;
  while (ones < 4) {
    if (!r.bit(b))
      return false;
    if (!b)
      break;
    ++ones;
  }
  static constexpr unsigned widths[] = {0, 7, 9, 12, 64};
  uint64_t z = 0;
  if (!r.get(widths[ones], z))
    return false;
  prev_delta_ += unzigzag(z);
  prev_ += prev_delta_;
  t = prev_;
  return true;
}

void encode_times(const int64_t* ts, size_t n, int64_t step, bit_writer& w) {
  if (n == 0)
    return;
  time_encoder e{ts[0], step};
  for (size_t i = 1; i < n; ++i)
    e.put(ts[i], w);
}

bool decode_times(bit_reader& r, int64_t* ts, size_t n, int64_t step) {
  if (n == 0)
    return true;
  time_decoder d{ts[0], step};
  for (size_t i = 1; i < n; ++i)
    if (!d.get(r, ts[i]))
      return false;
  return true;
}

namespace {

/// Counts bits instead of writing them.
struct bit_counter {
  size_t bits = 0;
  void put(uint64_t, unsigned n) {
    bits += n;
  }
};

/// One step of the word code: `x` after the state's previous word.
template <class Sink>
void put_word(bool& started, uint32_t& prev, unsigned& lead, unsigned& trail,
              uint32_t x, Sink& w) {
  if (!started) {
    started = true;
    prev = x;
    w.put(x, 32);
    return;
  }
  uint32_t d = x ^ prev;
  prev = x;
  if (d == 0) {
    w.put(0, 1);
    return;
  }
  auto l = static_cast<unsigned>(__builtin_clz(d));
  auto t = static_cast<unsigned>(__builtin_ctz(d));
  if (l > 31)
    l = 31;
  if (lead <= 32 && l >= lead && t >= trail) {
    unsigned len = 32 - lead - trail;
    w.put(0b10, 2);
    w.put(d >> trail, len);
    return;
  }
  unsigned len = 32 - l - t;
  w.put(0b11, 2);
  w.put(l, 5);
  w.put(len - 1, 5);
  w.put(d >> t, len);
  lead = l;
  trail = t;
}

} // namespace

void word_encoder::put(uint32_t x, bit_writer& w) {
  put_word(started_, prev_, lead_, trail_, x, w);
}

bool word_decoder::get(bit_reader& r, uint32_t& x) {
  uint64_t v = 0;
  if (!started_) {
    if (!r.get(32, v))
      return false;
    started_ = true;
    prev_ = x = static_cast<uint32_t>(v);
    return true;
  }
  bool b = false;
  if (!r.bit(b))
    return false;
  if (!b) {
    x = prev_;
    return true;
  }
  if (!r.bit(b))
    return false;
  if (b) {
    uint64_t l = 0;
    uint64_t len = 0;
    if (!r.get(5, l) || !r.get(5, len))
      return false;
    ++len;
    if (l + len > 32)
      return false;
    lead_ = static_cast<unsigned>(l);
    trail_ = static_cast<unsigned>(32 - l - len);
  } else if (lead_ > 32) {
    return false; // a window reference before any window
  }
  unsigned len = 32 - lead_ - trail_;
  if (!r.get(len, v))
    return false;
  prev_ = x = prev_ ^ static_cast<uint32_t>(v << trail_);
  return true;
}

void encode_words(const uint32_t* xs, size_t n, bit_writer& w) {
  word_encoder e;
  for (size_t i = 0; i < n; ++i)
    e.put(xs[i], w);
}

size_t encoded_words_bits(const uint32_t* xs, size_t n) {
  bool started = false;
  uint32_t prev = 0;
  unsigned lead = 33;
  unsigned trail = 0;
  bit_counter c;
  for (size_t i = 0; i < n; ++i)
    put_word(started, prev, lead, trail, xs[i], c);
  return c.bits;
}

bool decode_words(bit_reader& r, uint32_t* xs, size_t n) {
  word_decoder d;
  for (size_t i = 0; i < n; ++i)
    if (!d.get(r, xs[i]))
      return false;
  return true;
}

} // namespace tributary::storage
