#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::storage {

/// Appends bits, most significant first, to a byte string.
class bit_writer {
public:
  bit_writer() = default;

  /// A writer with room for `bytes` bytes (no reallocation while the
  /// output stays below that).
  explicit bit_writer(size_t bytes) {
    out_.reserve(bytes);
  }

  /// Appends the low `n` bits of `x`. REQUIRES: `n <= 64`.
  void put(uint64_t x, unsigned n);

  /// Pads the last byte with zero bits and returns the bytes.
  std::string finish();

  /// What `finish()` would return, leaving the writer as it is.
  std::string peek() const;

  /// Heap bytes held.
  size_t heap_bytes() const noexcept {
    // A short string lives in the object itself.
    auto room = out_.capacity();
    return room > std::string{}.capacity() ? room + 1 : 0;
  }

  /// Drops everything written and gives the memory back.
  void reset() noexcept {
    // (Assigning an empty string would keep the room.)
    std::string{}.swap(out_);
    acc_ = 0;
    used_ = 0;
  }

private:
  std::string out_;
  uint64_t acc_ = 0;
  unsigned used_ = 0; // bits in acc_
};

/// Reads what `bit_writer` wrote; every read past the end fails.
class bit_reader {
public:
  explicit bit_reader(std::string_view bytes) : bytes_(bytes) {
    // nop
  }

  /// Reads `n` bits into `x`. Returns false past the end. REQUIRES: n <= 64.
  bool get(unsigned n, uint64_t& x);

  /// Reads one bit.
  bool bit(bool& x) {
    uint64_t v = 0;
    if (!get(1, v))
      return false;
    x = v != 0;
    return true;
  }

private:
  std::string_view bytes_;
  size_t pos_ = 0; // in bits
};

/// Gorilla's timestamp code (Pelkonen et al., VLDB 2015): each delta of
/// delta as '0', '10'+7, '110'+9, '1110'+12 or '1111'+64 bits (zigzag), the
/// first delta taken against `step`. Times must be strictly increasing.
void encode_times(const int64_t* ts, size_t n, int64_t step, bit_writer& w);

/// Inverse of `encode_times`; `ts[0]` must be set by the caller.
bool decode_times(bit_reader& r, int64_t* ts, size_t n, int64_t step);

/// Gorilla's value code on 32-bit words: the first word raw, then each XOR
/// with its predecessor as '0' (same), '10' + meaningful bits inside the
/// previous window, or '11' + 5 bits leading zeros + 5 bits (length − 1) +
/// the meaningful bits.
void encode_words(const uint32_t* xs, size_t n, bit_writer& w);

/// How many bits `encode_words` writes for `xs[0..n)`, without writing them.
size_t encoded_words_bits(const uint32_t* xs, size_t n);

/// Inverse of `encode_words`.
bool decode_words(bit_reader& r, uint32_t* xs, size_t n);

/// `encode_times` one time at a time, after `first`.
class time_encoder {
public:
  time_encoder(int64_t first, int64_t step) : prev_(first), prev_delta_(step) {
    // nop
  }

  void put(int64_t t, bit_writer& w);

private:
  int64_t prev_;
  int64_t prev_delta_;
};

/// Inverse of `time_encoder`.
class time_decoder {
public:
  time_decoder(int64_t first, int64_t step) : prev_(first), prev_delta_(step) {
    // nop
  }

  bool get(bit_reader& r, int64_t& t);

private:
  int64_t prev_;
  int64_t prev_delta_;
};

/// `encode_words` one word at a time (a column coded as it grows).
class word_encoder {
public:
  void put(uint32_t x, bit_writer& w);

private:
  bool started_ = false;
  uint32_t prev_ = 0;
  unsigned lead_ = 33; // no window yet
  unsigned trail_ = 0;
};

/// Inverse of `word_encoder`.
class word_decoder {
public:
  bool get(bit_reader& r, uint32_t& x);

private:
  bool started_ = false;
  uint32_t prev_ = 0;
  unsigned lead_ = 33;
  unsigned trail_ = 0;
};

} // namespace tributary::storage
