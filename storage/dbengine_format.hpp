#pragma once

#include "base/error.hpp"
#include "storage/engine.hpp"
#include "storage/storage_number.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::storage {

// The dbengine files; the byte layout is specified in docs/storage.md
// ("dbengine files"). All integers are little-endian.

/// The version every dbengine file header carries (datafiles, metadata).
constexpr uint32_t dbengine_format_version = 1;
/// First 8 bytes of every datafile.
constexpr std::string_view datafile_magic = "TRIBDBF1";
/// Size of the datafile header: magic, u32 version, u32 tier, u64 sequence,
/// u32 reserved, u32 crc32c of the 28 bytes before.
constexpr size_t datafile_header_size = 32;
/// First 4 bytes of every page record ("TPG1" little-endian).
constexpr uint32_t page_magic = 0x31475054u;
/// Size of a page record header.
constexpr size_t page_header_size = 56;
/// Page flag: point i ends at `first_s + i × update_every` (no time bits).
constexpr uint16_t page_regular = 0x1;

/// The fixed part of a page record.
struct page_header {
  /// Bytes of payload after the header.
  uint32_t payload_size = 0;
  /// Bytes of the Gorilla bit stream before compression.
  uint32_t raw_size = 0;
  /// The dimension's id in the metadata file.
  uint32_t dim_id = 0;
  uint8_t tier = 0;
  page_codec codec = page_codec::none;
  uint16_t flags = 0;
  /// Number of points.
  uint32_t count = 0;
  /// Seconds between points (the tier's granularity).
  uint32_t update_every = 0;
  /// End time of the first and the last point.
  int64_t first_s = 0;
  int64_t last_s = 0;
  /// crc32c of the payload.
  uint32_t payload_crc = 0;
};

/// A decoded page: tier 0 fills `values`, higher tiers fill `points`.
struct decoded_page {
  /// End time of each point.
  std::vector<int64_t> times;
  /// Tier 0: Netdata's storage numbers (value and flags).
  std::vector<storage_number> values;
  /// Tiers 1+: aggregates (start_s/end_s filled).
  std::vector<storage_point> points;

  /// Approximate memory held, for the page cache.
  size_t memory() const noexcept {
    return sizeof(*this) + times.size() * 8 + values.size() * 4
           + points.size() * sizeof(storage_point);
  }
};

/// Encodes a tier 0 page record (header and payload). REQUIRES: `n > 0`,
/// strictly increasing `times`.
std::string encode_page(uint32_t dim_id, uint32_t update_every,
                        const int64_t* times, const storage_number* values,
                        size_t n, page_codec codec);

/// A tier page's sum, minimum or maximum: the bits of a 32-bit float.
uint32_t float_bits(double x);

/// Inverse of `float_bits`.
double bits_float(uint32_t u);

/// Encodes a page of aggregates of tier `tier` >= 1. Sums, minimums and
/// maximums are kept as 32-bit floats, like Netdata's tier 1 points.
std::string encode_tier_page(uint32_t dim_id, uint8_t tier,
                             uint32_t update_every, const storage_point* xs,
                             size_t n, page_codec codec);

/// Parses the header at the front of `bytes`. False if it is short, lacks
/// the magic or fails its checksum.
bool parse_page_header(std::string_view bytes, page_header& h);

/// Checks the payload checksum, decompresses and decodes. Errors are
/// `ec::corruption`.
expected<decoded_page> decode_page(const page_header& h,
                                   std::string_view payload);

/// The header of a datafile of `tier` with sequence number `seq`.
std::string encode_datafile_header(uint32_t tier, uint64_t seq);

/// Checks a datafile header; returns the tier and sequence number.
bool parse_datafile_header(std::string_view bytes, uint32_t& tier,
                           uint64_t& seq);

// -- metadata -----------------------------------------------------------------

/// One dimension as the metadata file keeps it.
struct dbengine_dimension {
  dimension_info info;
  /// Pages of this dimension ending at or before this time belong to an
  /// earlier update_every and are ignored.
  int64_t valid_after_s = 0;
};

/// The metadata file: the host and its dimensions; ids are positions.
struct dbengine_metadata {
  std::string host_guid;
  std::vector<dbengine_dimension> dimensions;
};

/// First 8 bytes of the metadata file.
constexpr std::string_view metadata_magic = "TRIBDBM1";

/// First 4 bytes of a dimension record in a datafile ("TDD1"
/// little-endian): the identity of the dimension whose pages follow, so a
/// datafile describes itself when the metadata file is lost.
constexpr uint32_t dimension_record_magic = 0x31444454u;

/// A dimension record: magic, u32 body size, u32 crc32c(body), body (u32
/// id, the four names as str16, u32 update_every, i64 valid_after_s).
std::string encode_dimension_record(uint32_t id, const dbengine_dimension& d);

/// Parses a dimension record at the front of `bytes`; returns its size, or
/// 0 if there is none (wrong magic, short, checksum or body mismatch).
size_t parse_dimension_record(std::string_view bytes, uint32_t& id,
                              dbengine_dimension& d);

/// Encodes the metadata file.
std::string encode_metadata(const dbengine_metadata& x);

/// The metadata file's header for `count` dimensions: `encode_metadata` is
/// this followed by `append_metadata_record` of each dimension in turn.
std::string encode_metadata_header(const std::string& host_guid, size_t count);

/// Appends the record of `d` to `out`.
void append_metadata_record(std::string& out, const dbengine_dimension& d);

/// Decodes the metadata file; errors name `path` and the offset.
expected<dbengine_metadata> decode_metadata(std::string_view bytes,
                                            const std::string& path);

} // namespace tributary::storage
