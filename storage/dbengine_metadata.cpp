// The dbengine metadata file: dimension records and the file that lists them.

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/dbengine_format.hpp"

#include <cstring>

namespace tributary::storage {

namespace {

void put_dimension_body(std::string& p, const dbengine_dimension& d) {
  put_str16(p, d.info.key.chart_id);
  put_str16(p, d.info.key.dim_id);
  put_str16(p, d.info.chart_name);
  put_str16(p, d.info.dim_name);
  put_u32(p, static_cast<uint32_t>(d.info.update_every));
  put_u64(p, static_cast<uint64_t>(d.valid_after_s));
}

bool get_dimension_body(byte_reader& r, dbengine_dimension& d) {
  uint32_t ue = 0;
  if (!r.str16(d.info.key.chart_id) || !r.str16(d.info.key.dim_id)
      || !r.str16(d.info.chart_name) || !r.str16(d.info.dim_name) || !r.uint(ue)
      || !r.i64(d.valid_after_s) || !r.done() || ue == 0 || ue > 86400)
    return false;
  d.info.update_every = static_cast<int>(ue);
  return true;
}

} // namespace

std::string encode_dimension_record(uint32_t id, const dbengine_dimension& d) {
  std::string body;
  put_u32(body, id);
  put_dimension_body(body, d);
  std::string out;
  put_u32(out, dimension_record_magic);
  put_u32(out, static_cast<uint32_t>(body.size()));
  put_u32(out, crc32c(body.data(), body.size()));
  out += body;
  return out;
}

size_t parse_dimension_record(std::string_view bytes, uint32_t& id,
                              dbengine_dimension& d) {
  byte_reader r{bytes};
  uint32_t magic = 0;
  uint32_t size = 0;
  uint32_t crc = 0;
  std::string_view body;
  if (!r.uint(magic) || magic != dimension_record_magic || !r.uint(size)
      || size > 65536 * 4 + 64 || !r.uint(crc) || !r.bytes(size, body)
      || crc != crc32c(body.data(), body.size()))
    return 0;
  byte_reader b{body};
  if (!b.uint(id) || !get_dimension_body(b, d))
    return 0;
  return 12 + size;
}

std::string encode_metadata_header(const std::string& host_guid, size_t count) {
  std::string out{metadata_magic};
  put_u32(out, dbengine_format_version);
  put_u32(out, static_cast<uint32_t>(count));
  put_str16(out, host_guid);
  put_u32(out, crc32c(out.data(), out.size()));
  return out;
}

void append_metadata_record(std::string& out, const dbengine_dimension& d) {
  std::string p;
  put_dimension_body(p, d);
  put_u32(out, static_cast<uint32_t>(p.size()));
  put_u32(out, crc32c(p.data(), p.size()));
  out += p;
}

std::string encode_metadata(const dbengine_metadata& x) {
  auto out = encode_metadata_header(x.host_guid, x.dimensions.size());
  for (auto& d : x.dimensions)
    append_metadata_record(out, d);
  return out;
}

expected<dbengine_metadata> decode_metadata(std::string_view bytes,
                                            const std::string& path) {
  auto fail = [&](ec code, size_t at, const std::string& what) {
    return error{code, path + ": " + what + " at offset " + std::to_string(at),
                 at};
  };
  dbengine_metadata x;
  byte_reader in{bytes};
  std::string_view magic;
  uint32_t version = 0;
  uint32_t count = 0;
  if (!in.bytes(metadata_magic.size(), magic))
    return fail(ec::truncated, bytes.size(), "file ends in the header");
  if (magic != metadata_magic)
    return fail(ec::corruption, 0, "wrong magic (not a metadata file)");
  if (!in.uint(version) || !in.uint(count) || !in.str16(x.host_guid))
    return fail(ec::truncated, bytes.size(), "file ends in the header");
  if (version != dbengine_format_version)
    return fail(ec::corruption, 8, "unsupported version");
  auto covered = in.pos();
  uint32_t crc = 0;
  if (!in.uint(crc))
    return fail(ec::truncated, bytes.size(), "file ends in the header");
  if (crc != crc32c(bytes.data(), covered))
    return fail(ec::corruption, covered, "header checksum mismatch");
  for (uint32_t i = 0; i < count; ++i) {
    auto at = in.pos();
    uint32_t size = 0;
    std::string_view p;
    if (!in.uint(size) || !in.uint(crc) || !in.bytes(size, p))
      return fail(ec::truncated, at,
                  "file ends in dimension record " + std::to_string(i));
    if (crc != crc32c(p.data(), p.size()))
      return fail(ec::corruption, at,
                  "checksum mismatch in dimension record " + std::to_string(i));
    byte_reader r{p};
    dbengine_dimension d;
    if (!get_dimension_body(r, d))
      return fail(ec::corruption, at,
                  "malformed dimension record " + std::to_string(i));
    x.dimensions.push_back(std::move(d));
  }
  if (!in.done())
    return fail(ec::corruption, in.pos(),
                "trailing bytes after the last record");
  return x;
}

} // namespace tributary::storage
