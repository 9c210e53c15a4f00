#include "storage/crc32c.hpp"

#include <array>

namespace tributary::storage {

namespace {

constexpr uint32_t polynomial = 0x82F63B78u;

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1u) != 0 ? (c >> 1) ^ polynomial : c >> 1;
    t[i] = c;
  }
  return t;
}

constexpr auto table = make_table();

} // namespace

uint32_t crc32c(const void* data, size_t size, uint32_t seed) noexcept {
  auto* p = static_cast<const unsigned char*>(data);
  uint32_t c = ~seed;
  for (size_t i = 0; i < size; ++i)
    c = table[(c ^ p[i]) & 0xffu] ^ (c >> 8);
  return ~c;
}

} // namespace tributary::storage
