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

void encode_times(const int64_t* ts, size_t n, int64_t step, bit_writer& w) {
  int64_t prev_delta = step;
  for (size_t i = 1; i < n; ++i) {
    int64_t delta = ts[i] - ts[i - 1];
    auto z = zigzag(delta - prev_delta);
    prev_delta = delta;
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
}

bool decode_times(bit_reader& r, int64_t* ts, size_t n, int64_t step) {
  int64_t prev_delta = step;
  for (size_t i = 1; i < n; ++i) {
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
    prev_delta += unzigzag(z);
    ts[i] = ts[i - 1] + prev_delta;
  }
  return true;
}

void encode_words(const uint32_t* xs, size_t n, bit_writer& w) {
  if (n == 0)
    return;
  w.put(xs[0], 32);
  unsigned lead = 33; // no window yet
  unsigned trail = 0;
  for (size_t i = 1; i < n; ++i) {
    uint32_t x = xs[i] ^ xs[i - 1];
    if (x == 0) {
      w.put(0, 1);
      continue;
    }
    auto l = static_cast<unsigned>(__builtin_clz(x));
    auto t = static_cast<unsigned>(__builtin_ctz(x));
    if (l > 31)
      l = 31;
    if (lead <= 32 && l >= lead && t >= trail) {
      unsigned len = 32 - lead - trail;
      w.put(0b10, 2);
      w.put(x >> trail, len);
      continue;
    }
    unsigned len = 32 - l - t;
    w.put(0b11, 2);
    w.put(l, 5);
    w.put(len - 1, 5);
    w.put(x >> t, len);
    lead = l;
    trail = t;
  }
}

bool decode_words(bit_reader& r, uint32_t* xs, size_t n) {
  if (n == 0)
    return true;
  uint64_t v = 0;
  if (!r.get(32, v))
    return false;
  xs[0] = static_cast<uint32_t>(v);
  unsigned lead = 33;
  unsigned trail = 0;
  for (size_t i = 1; i < n; ++i) {
    bool b = false;
    if (!r.bit(b))
      return false;
    if (!b) {
      xs[i] = xs[i - 1];
      continue;
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
      lead = static_cast<unsigned>(l);
      trail = static_cast<unsigned>(32 - l - len);
    } else if (lead > 32) {
      return false; // a window reference before any window
    }
    unsigned len = 32 - lead - trail;
    if (!r.get(len, v))
      return false;
    xs[i] = xs[i - 1] ^ static_cast<uint32_t>(v << trail);
  }
  return true;
}

} // namespace tributary::storage
