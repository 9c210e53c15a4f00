#include "storage/dbengine_format.hpp"

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/gorilla.hpp"

#include <cstring>
#include <lz4.h>
#include <zstd.h>

namespace tributary::storage {

namespace {

// Larger pages are not written by us; refuse them as corrupt.
constexpr uint32_t max_points = 1u << 20;
constexpr uint32_t max_raw = 64u << 20;

bool regular(const int64_t* ts, size_t n, int64_t step) {
  for (size_t i = 1; i < n; ++i)
    if (ts[i] - ts[i - 1] != step)
      return false;
  return true;
}

std::string compress(const std::string& raw, page_codec& codec) {
  std::string out;
  if (codec == page_codec::lz4) {
    out.resize(
        static_cast<size_t>(LZ4_compressBound(static_cast<int>(raw.size()))));
    auto n = LZ4_compress_default(raw.data(), out.data(),
                                  static_cast<int>(raw.size()),
                                  static_cast<int>(out.size()));
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  } else if (codec == page_codec::zstd) {
    out.resize(ZSTD_compressBound(raw.size()));
    auto n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
    out.resize(ZSTD_isError(n) ? 0 : n);
  }
  // Keep the bit stream as is when compressing does not pay.
  if (codec == page_codec::none || out.empty() || out.size() >= raw.size()) {
    codec = page_codec::none;
    return raw;
  }
  return out;
}

std::string finish_record(page_header h, const std::string& raw) {
  h.raw_size = static_cast<uint32_t>(raw.size());
  auto payload = compress(raw, h.codec);
  h.payload_size = static_cast<uint32_t>(payload.size());
  h.payload_crc = crc32c(payload.data(), payload.size());
  std::string out;
  out.reserve(page_header_size + payload.size());
  put_u32(out, page_magic);
  put_u32(out, h.payload_size);
  put_u32(out, h.raw_size);
  put_u32(out, h.dim_id);
  put_u8(out, h.tier);
  put_u8(out, static_cast<uint8_t>(h.codec));
  put_u16(out, h.flags);
  put_u32(out, h.count);
  put_u32(out, h.update_every);
  put_u64(out, static_cast<uint64_t>(h.first_s));
  put_u64(out, static_cast<uint64_t>(h.last_s));
  put_u32(out, h.payload_crc);
  put_u32(out, 0); // reserved
  put_u32(out, crc32c(out.data(), out.size()));
  out += payload;
  return out;
}

} // namespace

std::string encode_page(uint32_t dim_id, uint32_t update_every,
                        const int64_t* times, const storage_number* values,
                        size_t n, page_codec codec) {
  page_header h;
  h.dim_id = dim_id;
  h.tier = 0;
  h.codec = codec;
  h.count = static_cast<uint32_t>(n);
  h.update_every = update_every;
  h.first_s = times[0];
  h.last_s = times[n - 1];
  bit_writer w;
  if (regular(times, n, update_every))
    h.flags |= page_regular;
  else
    encode_times(times, n, update_every, w);
  encode_words(values, n, w);
  return finish_record(h, w.finish());
}

uint32_t float_bits(double x) {
  auto f = static_cast<float>(x);
  uint32_t u = 0;
  std::memcpy(&u, &f, 4);
  return u;
}

double bits_float(uint32_t u) {
  float f = 0;
  std::memcpy(&f, &u, 4);
  return static_cast<double>(f);
}

std::string encode_tier_page(uint32_t dim_id, uint8_t tier,
                             uint32_t update_every, const storage_point* xs,
                             size_t n, page_codec codec) {
  page_header h;
  h.dim_id = dim_id;
  h.tier = tier;
  h.codec = codec;
  h.count = static_cast<uint32_t>(n);
  h.update_every = update_every;
  h.first_s = xs[0].end_s;
  h.last_s = xs[n - 1].end_s;
  std::vector<int64_t> ts(n);
  std::vector<uint32_t> col(n);
  for (size_t i = 0; i < n; ++i)
    ts[i] = xs[i].end_s;
  bit_writer w;
  if (regular(ts.data(), n, update_every))
    h.flags |= page_regular;
  else
    encode_times(ts.data(), n, update_every, w);
  // Column by column: XOR coding finds the runs within each.
  auto column = [&](auto get) {
    for (size_t i = 0; i < n; ++i)
      col[i] = get(xs[i]);
    encode_words(col.data(), n, w);
  };
  column([](const storage_point& p) { return float_bits(p.sum); });
  column([](const storage_point& p) { return float_bits(p.min); });
  column([](const storage_point& p) { return float_bits(p.max); });
  column([](const storage_point& p) { return p.count; });
  column([](const storage_point& p) { return p.anomaly_count; });
  column([](const storage_point& p) { return uint32_t{p.flags}; });
  return finish_record(h, w.finish());
}

bool parse_page_header(std::string_view bytes, page_header& h) {
  if (bytes.size() < page_header_size)
    return false;
  byte_reader r{bytes};
  uint32_t magic = 0;
  uint8_t tier = 0;
  uint8_t codec = 0;
  uint64_t first = 0;
  uint64_t last = 0;
  uint32_t reserved = 0;
  uint32_t crc = 0;
  r.uint(magic);
  if (magic != page_magic)
    return false;
  r.uint(h.payload_size);
  r.uint(h.raw_size);
  r.uint(h.dim_id);
  r.uint(tier);
  r.uint(codec);
  r.uint(h.flags);
  r.uint(h.count);
  r.uint(h.update_every);
  r.uint(first);
  r.uint(last);
  r.uint(h.payload_crc);
  r.uint(reserved);
  auto covered = r.pos();
  r.uint(crc);
  if (crc != crc32c(bytes.data(), covered))
    return false;
  h.tier = tier;
  h.codec = static_cast<page_codec>(codec);
  h.first_s = static_cast<int64_t>(first);
  h.last_s = static_cast<int64_t>(last);
  return codec <= 2 && h.count > 0 && h.count <= max_points
         && h.raw_size <= max_raw && h.update_every > 0;
}

expected<decoded_page> decode_page(const page_header& h,
                                   std::string_view payload) {
  auto bad = [](const std::string& what) {
    return error{ec::corruption, what};
  };
  if (payload.size() != h.payload_size)
    return bad("page payload is truncated");
  if (crc32c(payload.data(), payload.size()) != h.payload_crc)
    return bad("page checksum mismatch");
  std::string raw;
  std::string_view bits = payload;
  if (h.codec == page_codec::lz4) {
    raw.resize(h.raw_size);
    auto n = LZ4_decompress_safe(payload.data(), raw.data(),
                                 static_cast<int>(payload.size()),
                                 static_cast<int>(raw.size()));
    if (n < 0 || static_cast<size_t>(n) != raw.size())
      return bad("page lz4 payload is corrupt");
    bits = raw;
  } else if (h.codec == page_codec::zstd) {
    raw.resize(h.raw_size);
    auto n = ZSTD_decompress(raw.data(), raw.size(), payload.data(),
                             payload.size());
    if (ZSTD_isError(n) || n != raw.size())
      return bad("page zstd payload is corrupt");
    bits = raw;
  } else if (payload.size() != h.raw_size) {
    return bad("page size mismatch");
  }
  decoded_page out;
  bit_reader r{bits};
  size_t n = h.count;
  out.times.resize(n);
  out.times[0] = h.first_s;
  if ((h.flags & page_regular) != 0) {
    for (size_t i = 1; i < n; ++i)
      out.times[i] = out.times[i - 1] + h.update_every;
  } else if (!decode_times(r, out.times.data(), n, h.update_every)) {
    return bad("page time stream is corrupt");
  }
  for (size_t i = 1; i < n; ++i)
    if (out.times[i] <= out.times[i - 1])
      return bad("page times are not increasing");
  if (out.times[n - 1] != h.last_s)
    return bad("page times do not end at the header's last time");
  if (h.tier == 0) {
    out.values.resize(n);
    if (!decode_words(r, out.values.data(), n))
      return bad("page value stream is corrupt");
    return out;
  }
  std::vector<uint32_t> cols[6];
  for (auto& c : cols) {
    c.resize(n);
    if (!decode_words(r, c.data(), n))
      return bad("page aggregate stream is corrupt");
  }
  out.points.resize(n);
  for (size_t i = 0; i < n; ++i) {
    auto& p = out.points[i];
    p.end_s = out.times[i];
    p.start_s = p.end_s - h.update_every;
    p.sum = bits_float(cols[0][i]);
    p.min = bits_float(cols[1][i]);
    p.max = bits_float(cols[2][i]);
    p.count = cols[3][i];
    p.anomaly_count = cols[4][i];
    p.flags = static_cast<uint8_t>(cols[5][i]);
  }
  return out;
}

std::string encode_datafile_header(uint32_t tier, uint64_t seq) {
  std::string out{datafile_magic};
  put_u32(out, dbengine_format_version);
  put_u32(out, tier);
  put_u64(out, seq);
  put_u32(out, 0);
  put_u32(out, crc32c(out.data(), out.size()));
  return out;
}

bool parse_datafile_header(std::string_view bytes, uint32_t& tier,
                           uint64_t& seq) {
  if (bytes.size() < datafile_header_size
      || bytes.substr(0, datafile_magic.size()) != datafile_magic)
    return false;
  byte_reader r{bytes.substr(datafile_magic.size())};
  uint32_t version = 0;
  uint32_t reserved = 0;
  uint32_t crc = 0;
  r.uint(version);
  r.uint(tier);
  r.uint(seq);
  r.uint(reserved);
  r.uint(crc);
  return version == dbengine_format_version
         && crc == crc32c(bytes.data(), datafile_header_size - 4);
}

} // namespace tributary::storage
