#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tributary::storage {

/// Little-endian encoders for the on-disk formats.
inline void put_u8(std::string& out, uint8_t x) {
  out.push_back(static_cast<char>(x));
}

inline void put_u16(std::string& out, uint16_t x) {
  for (int i = 0; i < 2; ++i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xffu));
}

inline void put_u32(std::string& out, uint32_t x) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xffu));
}

inline void put_u64(std::string& out, uint64_t x) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xffu));
}

/// A u16 length and the bytes. REQUIRES: `x.size() < 65536`.
inline void put_str16(std::string& out, std::string_view x) {
  put_u16(out, static_cast<uint16_t>(x.size()));
  out.append(x.data(), x.size());
}

/// Bounds-checked little-endian decoder: every read past the end fails and
/// leaves the position unchanged.
class byte_reader {
public:
  explicit byte_reader(std::string_view bytes) : bytes_(bytes) {
    // nop
  }

  template <class T>
  bool uint(T& x) {
    if (bytes_.size() - pos_ < sizeof(T))
      return false;
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      v |= static_cast<T>(static_cast<T>(static_cast<uint8_t>(bytes_[pos_ + i]))
                          << (8 * i));
    x = v;
    pos_ += sizeof(T);
    return true;
  }

  bool i64(int64_t& x) {
    uint64_t v = 0;
    if (!uint(v))
      return false;
    x = static_cast<int64_t>(v);
    return true;
  }

  bool bytes(size_t n, std::string_view& x) {
    if (bytes_.size() - pos_ < n)
      return false;
    x = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }

  bool str16(std::string& x) {
    uint16_t n = 0;
    std::string_view v;
    auto at = pos_;
    if (!uint(n) || !bytes(n, v)) {
      pos_ = at;
      return false;
    }
    x.assign(v.data(), v.size());
    return true;
  }

  size_t pos() const noexcept {
    return pos_;
  }

  bool done() const noexcept {
    return pos_ == bytes_.size();
  }

private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

} // namespace tributary::storage
