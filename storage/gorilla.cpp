#include "storage/gorilla.hpp"

namespace tributary::storage {

void bit_writer::put(uint64_t x, unsigned n) {
  if (n > 32) {
    put(x >> 32, n - 32);
    n = 32;
  }
  if (n == 0)
    return;
  x &= (uint64_t{1} << n) - 1;
  // used_ < 8 here, so at most 39 bits are pending.
  acc_ = (acc_ << n) | x;
  used_ += n;
  while (used_ >= 8) {
    out_.push_back(static_cast<char>((acc_ >> (used_ - 8)) & 0xffu));
    used_ -= 8;
  }
}

std::string bit_writer::peek() const {
  auto out = out_;
  if (used_ > 0)
    out.push_back(static_cast<char>((acc_ << (8 - used_)) & 0xffu));
  return out;
}

std::string bit_writer::finish() {
  if (used_ > 0) {
    out_.push_back(static_cast<char>((acc_ << (8 - used_)) & 0xffu));
    used_ = 0;
  }
  acc_ = 0;
  return std::move(out_);
}

bool bit_reader::get(unsigned n, uint64_t& x) {
  if (pos_ + n > bytes_.size() * 8)
    return false;
  uint64_t v = 0;
  while (n > 0) {
    auto byte = static_cast<uint8_t>(bytes_[pos_ / 8]);
    unsigned off = pos_ % 8;
    unsigned avail = 8 - off;
    unsigned take = n < avail ? n : avail;
    unsigned bits = (byte >> (avail - take)) & ((1u << take) - 1);
    v = (v << take) | bits;
    pos_ += take;
    n -= take;
  }
  x = v;
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

void word_encoder::put(uint32_t x, bit_writer& w) {
  if (!started_) {
    started_ = true;
    prev_ = x;
    w.put(x, 32);
    return;
  }
  uint32_t d = x ^ prev_;
  prev_ = x;
  if (d == 0) {
    w.put(0, 1);
    return;
  }
  auto l = static_cast<unsigned>(__builtin_clz(d));
  auto t = static_cast<unsigned>(__builtin_ctz(d));
  if (l > 31)
    l = 31;
  if (lead_ <= 32 && l >= lead_ && t >= trail_) {
    unsigned len = 32 - lead_ - trail_;
    w.put(0b10, 2);
    w.put(d >> trail_, len);
    return;
  }
  unsigned len = 32 - l - t;
  w.put(0b11, 2);
  w.put(l, 5);
  w.put(len - 1, 5);
  w.put(d >> t, len);
  lead_ = l;
  trail_ = t;
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

bool decode_words(bit_reader& r, uint32_t* xs, size_t n) {
  word_decoder d;
  for (size_t i = 0; i < n; ++i)
    if (!d.get(r, xs[i]))
      return false;
  return true;
}

} // namespace tributary::storage
