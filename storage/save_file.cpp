#include "storage/save_file.hpp"

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"

#include <cstring>

namespace tributary::storage {

namespace {

constexpr uint32_t format_version = 1;
constexpr size_t max_string = 4096;
constexpr size_t max_guid = 1024;
constexpr uint64_t max_time = 1ULL << 40; // year ~36812; beyond is garbage

void put_str(std::string& out, const std::string& x) {
  put_u32(out, static_cast<uint32_t>(x.size()));
  out += x;
}

/// A `byte_reader` that knows where its bytes start in the file.
class reader : public byte_reader {
public:
  reader(std::string_view bytes, size_t base)
      : byte_reader(bytes), base_(base) {
    // nop
  }

  /// A u32 length (at most `limit`) and the bytes. On failure, a length
  /// that was read stays consumed.
  bool str(std::string& x, size_t limit) {
    uint32_t n = 0;
    std::string_view v;
    if (!uint(n) || n > limit || !bytes(n, v))
      return false;
    x.assign(v.data(), v.size());
    return true;
  }

  /// Absolute offset in the file.
  size_t offset() const noexcept {
    return base_ + pos();
  }

private:
  size_t base_;
};

error fail(ec code, const std::string& path, size_t offset,
           const std::string& what) {
  return error{code,
               path + ": " + what + " at offset " + std::to_string(offset),
               offset};
}

std::string encode_dimension(const saved_dimension& d) {
  std::string p;
  put_str(p, d.info.key.chart_id);
  put_str(p, d.info.key.dim_id);
  put_str(p, d.info.chart_name);
  put_str(p, d.info.dim_name);
  put_u32(p, static_cast<uint32_t>(d.info.update_every));
  put_u64(p, static_cast<uint64_t>(d.last_time_s));
  put_u32(p, static_cast<uint32_t>(d.slots.size()));
  for (auto x : d.slots)
    put_u32(p, x);
  return p;
}

} // namespace

std::string encode_save_header(const std::string& host_guid,
                               uint64_t slots_per_dimension, size_t count) {
  std::string out;
  out += save_file_magic;
  put_u32(out, format_version);
  put_u32(out, static_cast<uint32_t>(count));
  put_u64(out, slots_per_dimension);
  put_str(out, host_guid);
  put_u32(out, crc32c(out.data(), out.size()));
  return out;
}

void append_save_record(std::string& out, const saved_dimension& d) {
  auto payload = encode_dimension(d);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  put_u32(out, crc32c(payload.data(), payload.size()));
  out += payload;
}

std::string encode_save_file(const save_snapshot& x) {
  auto out = encode_save_header(x.host_guid, x.slots_per_dimension,
                                x.dimensions.size());
  for (auto& d : x.dimensions)
    append_save_record(out, d);
  return out;
}

expected<save_snapshot> decode_save_file(std::string_view bytes,
                                         const std::string& path) {
  save_snapshot x;
  if (bytes.empty())
    return fail(ec::truncated, path, 0, "empty file");
  reader in{bytes, 0};
  std::string_view magic;
  if (!in.bytes(save_file_magic.size(), magic))
    return fail(ec::truncated, path, bytes.size(), "file ends in the header");
  if (magic != save_file_magic)
    return fail(ec::corruption, path, 0, "wrong magic (not a save file)");
  uint32_t version = 0;
  uint32_t count = 0;
  if (!in.uint(version) || !in.uint(count) || !in.uint(x.slots_per_dimension))
    return fail(ec::truncated, path, bytes.size(), "file ends in the header");
  if (version != format_version)
    return fail(ec::corruption, path, save_file_magic.size(),
                "unsupported version " + std::to_string(version));
  auto guid_at = in.offset();
  if (!in.str(x.host_guid, max_guid)) {
    // Short of bytes is a truncation; an absurd length is corruption. The
    // length is read again from its start (a failed `str` may consume it).
    uint32_t len = 0;
    reader peek{bytes.substr(guid_at), guid_at};
    bool short_file = !peek.uint(len)
                      || (len <= max_guid && bytes.size() - guid_at - 4 < len);
    return fail(short_file ? ec::truncated : ec::corruption, path, guid_at,
                "bad host guid field");
  }
  auto header_size = in.pos();
  uint32_t header_crc = 0;
  if (!in.uint(header_crc))
    return fail(ec::truncated, path, bytes.size(), "file ends in the header");
  if (header_crc != crc32c(bytes.data(), header_size))
    return fail(ec::corruption, path, header_size, "header checksum mismatch");
  for (uint32_t i = 0; i < count; ++i) {
    auto record_at = in.offset();
    uint32_t size = 0;
    uint32_t crc = 0;
    std::string_view payload;
    if (!in.uint(size) || !in.uint(crc) || !in.bytes(size, payload))
      return fail(ec::truncated, path, record_at,
                  "file ends in dimension record " + std::to_string(i));
    if (crc != crc32c(payload.data(), payload.size()))
      return fail(ec::corruption, path, record_at,
                  "checksum mismatch in dimension record " + std::to_string(i));
    reader r{payload, record_at + 8};
    saved_dimension d;
    uint32_t ue = 0;
    uint64_t last = 0;
    uint32_t n = 0;
    if (!r.str(d.info.key.chart_id, max_string)
        || !r.str(d.info.key.dim_id, max_string)
        || !r.str(d.info.chart_name, max_string)
        || !r.str(d.info.dim_name, max_string) || !r.uint(ue) || !r.uint(last)
        || !r.uint(n) || n > x.slots_per_dimension
        || (payload.size() - r.pos()) / 4 != n
        || (payload.size() - r.pos()) % 4 != 0 || ue == 0 || ue > 86400
        || last > max_time)
      return fail(ec::corruption, path, r.offset(),
                  "malformed dimension record " + std::to_string(i));
    d.info.update_every = static_cast<int>(ue);
    d.last_time_s = static_cast<int64_t>(last);
    d.slots.resize(n);
    for (auto& s : d.slots)
      r.uint(s);
    x.dimensions.push_back(std::move(d));
  }
  if (!in.done())
    return fail(ec::corruption, path, in.offset(),
                "trailing bytes after the last record");
  return x;
}

} // namespace tributary::storage
