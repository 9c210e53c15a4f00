#pragma once

#include <cstddef>
#include <cstdint>

namespace tributary::storage {

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by
/// LevelDB, iSCSI and ext4; `crc32c("123456789", 9) == 0xE3069283`.
/// `seed` continues a previous checksum.
uint32_t crc32c(const void* data, size_t size, uint32_t seed = 0) noexcept;

} // namespace tributary::storage
