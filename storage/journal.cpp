#include "storage/journal.hpp"

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"

#include <algorithm>
#include <cstring>
#include <zstd.h>

namespace tributary::storage {

namespace {

// Records larger than this are not written by us: refuse them as damage.
constexpr uint32_t max_record = 256u << 20;

void put_varint(std::string& out, uint64_t x) {
  while (x >= 0x80) {
    out.push_back(static_cast<char>((x & 0x7f) | 0x80));
    x >>= 7;
  }
  out.push_back(static_cast<char>(x));
}

uint64_t zigzag(int64_t x) {
  return (static_cast<uint64_t>(x) << 1) ^ static_cast<uint64_t>(x >> 63);
}

int64_t unzigzag(uint64_t x) {
  return static_cast<int64_t>(x >> 1) ^ -static_cast<int64_t>(x & 1);
}

bool get_varint(std::string_view in, size_t& pos, uint64_t& x) {
  x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size())
      return false;
    auto b = static_cast<uint8_t>(in[pos++]);
    x |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0)
      return true;
  }
  return false;
}

bool decode_payload(std::string_view p, std::vector<journal_event>& out) {
  size_t pos = 0;
  uint32_t prev_dim = 0;
  int64_t prev_time = 0;
  while (pos < p.size()) {
    journal_event e;
    auto kind = static_cast<uint8_t>(p[pos++]);
    if (kind == journal_event::point) {
      uint64_t d = 0;
      uint64_t t = 0;
      if (!get_varint(p, pos, d) || !get_varint(p, pos, t)
          || p.size() - pos < 9)
        return false;
      e.kind = journal_event::point;
      e.dim = static_cast<uint32_t>(prev_dim + unzigzag(d));
      e.x.time_s = prev_time + unzigzag(t);
      uint64_t bits = 0;
      byte_reader r{p.substr(pos, 9)};
      r.uint(bits);
      r.uint(e.x.flags);
      std::memcpy(&e.x.value, &bits, 8);
      pos += 9;
      prev_dim = e.dim;
      prev_time = e.x.time_s;
    } else if (kind == journal_event::dimension
               || kind == journal_event::state) {
      if (p.size() - pos < 8)
        return false;
      byte_reader r{p.substr(pos)};
      uint32_t size = 0;
      std::string_view body;
      r.uint(e.dim);
      r.uint(size);
      if (!r.bytes(size, body))
        return false;
      pos += 8 + size;
      e.kind = static_cast<journal_event::kind_t>(kind);
      if (kind == journal_event::state) {
        e.blob.assign(body.data(), body.size());
      } else {
        byte_reader b{body};
        uint32_t ue = 0;
        if (!b.str16(e.info.key.chart_id) || !b.str16(e.info.key.dim_id)
            || !b.str16(e.info.chart_name) || !b.str16(e.info.dim_name)
            || !b.uint(ue) || !b.i64(e.valid_after_s) || !b.done() || ue == 0
            || ue > 86400)
          return false;
        e.info.update_every = static_cast<int>(ue);
      }
    } else {
      return false;
    }
    out.push_back(std::move(e));
  }
  return true;
}

} // namespace

void journal_batch::point(uint32_t dim, const sample& x) {
  payload_.push_back(static_cast<char>(journal_event::point));
  put_varint(payload_, zigzag(static_cast<int64_t>(dim)
                              - static_cast<int64_t>(prev_dim_)));
  put_varint(payload_, zigzag(x.time_s - prev_time_));
  uint64_t bits = 0;
  std::memcpy(&bits, &x.value, 8);
  put_u64(payload_, bits);
  put_u8(payload_, x.flags);
  prev_dim_ = dim;
  prev_time_ = x.time_s;
  ++events_;
}

void journal_batch::dimension(uint32_t dim, const dimension_info& info,
                              int64_t valid_after_s) {
  std::string body;
  put_str16(body, info.key.chart_id);
  put_str16(body, info.key.dim_id);
  put_str16(body, info.chart_name);
  put_str16(body, info.dim_name);
  put_u32(body, static_cast<uint32_t>(info.update_every));
  put_u64(body, static_cast<uint64_t>(valid_after_s));
  payload_.push_back(static_cast<char>(journal_event::dimension));
  put_u32(payload_, dim);
  put_u32(payload_, static_cast<uint32_t>(body.size()));
  payload_ += body;
  ++events_;
}

void journal_batch::state(uint32_t dim, std::string_view blob) {
  payload_.push_back(static_cast<char>(journal_event::state));
  put_u32(payload_, dim);
  put_u32(payload_, static_cast<uint32_t>(blob.size()));
  payload_.append(blob.data(), blob.size());
  ++events_;
}

void journal_batch::clear() noexcept {
  // A burst (a replication backfill: tens of MiB in a second) must not keep
  // its room for good: the first batch far smaller than the room gives it
  // back; steady batches keep theirs. (Assigning an empty string would keep
  // the room.)
  if (payload_.capacity() > std::max<size_t>(2 * payload_.size(), 64 << 10))
    std::string{}.swap(payload_);
  payload_.clear();
  events_ = 0;
  prev_dim_ = 0;
  prev_time_ = 0;
}

std::string journal_batch::finish(bool compress) {
  std::string body;
  uint32_t raw_size = 0;
  if (compress && payload_.size() > 256) {
    body.resize(ZSTD_compressBound(payload_.size()));
    auto n = ZSTD_compress(body.data(), body.size(), payload_.data(),
                           payload_.size(), 1);
    if (!ZSTD_isError(n) && n < payload_.size()) {
      body.resize(n);
      raw_size = static_cast<uint32_t>(payload_.size());
    } else {
      body.clear();
    }
  }
  // Uncompressed, the payload is copied once and keeps its capacity.
  const std::string& bytes = raw_size == 0 ? payload_ : body;
  std::string out;
  out.reserve(journal_record_header_size + bytes.size());
  put_u32(out, journal_magic);
  put_u32(out, static_cast<uint32_t>(bytes.size()));
  put_u32(out, raw_size);
  put_u32(out, crc32c(bytes.data(), bytes.size()));
  put_u32(out, crc32c(out.data(), out.size()));
  out += bytes;
  clear();
  return out;
}

journal_contents read_journal(std::string_view bytes, const std::string& path) {
  journal_contents out;
  size_t pos = 0;
  auto stop = [&](ec code, const std::string& what) {
    out.dropped_bytes = bytes.size() - pos;
    out.problem = error{
        code, path + ": " + what + " at offset " + std::to_string(pos), pos};
  };
  while (pos < bytes.size()) {
    if (bytes.size() - pos < journal_record_header_size)
      return stop(ec::truncated, "torn record header"), out;
    byte_reader r{bytes.substr(pos, journal_record_header_size)};
    uint32_t magic = 0;
    uint32_t size = 0;
    uint32_t raw_size = 0;
    uint32_t crc = 0;
    uint32_t hcrc = 0;
    r.uint(magic);
    r.uint(size);
    r.uint(raw_size);
    r.uint(crc);
    r.uint(hcrc);
    if (magic != journal_magic || hcrc != crc32c(bytes.data() + pos, 16)
        || size > max_record || raw_size > max_record)
      return stop(ec::corruption, "bad record header"), out;
    if (bytes.size() - pos - journal_record_header_size < size)
      return stop(ec::truncated, "torn record"), out;
    auto body = bytes.substr(pos + journal_record_header_size, size);
    if (crc32c(body.data(), body.size()) != crc)
      return stop(ec::corruption, "record checksum mismatch"), out;
    std::string raw;
    std::string_view payload = body;
    if (raw_size != 0) {
      raw.resize(raw_size);
      auto n
          = ZSTD_decompress(raw.data(), raw.size(), body.data(), body.size());
      if (ZSTD_isError(n) || n != raw_size)
        return stop(ec::corruption, "record does not decompress"), out;
      payload = raw;
    }
    std::vector<journal_event> events;
    if (!decode_payload(payload, events))
      return stop(ec::corruption, "malformed record"), out;
    for (auto& e : events)
      out.events.push_back(std::move(e));
    pos += journal_record_header_size + size;
    ++out.records;
    out.good_bytes = pos;
  }
  return out;
}

std::optional<journal_contents> load_journal(filesystem& fs,
                                             const std::string& path,
                                             std::vector<error>& diagnostics) {
  auto bytes = fs.read(path);
  if (!bytes) {
    if (bytes.err().code != ec::not_found)
      diagnostics.push_back(bytes.err());
    return std::nullopt;
  }
  return read_journal(*bytes, path);
}

journal_flush flush_journal(journal_file& j, journal_batch& batch,
                            filesystem& fs, const std::string& path,
                            uint64_t limit, bool compress,
                            const std::function<bool()>& rotate,
                            const std::function<void(const error&)>& failed) {
  journal_flush out;
  if (j.broken || j.bytes > limit) {
    if (j.rotate_wait > 0) {
      --j.rotate_wait;
      out.done = false;
    } else if (rotate()) {
      j.broken = false;
      j.rotate_backoff = 1;
    } else {
      out.done = false;
      j.broken = true;
      batch.clear();
      j.rotate_wait = j.rotate_backoff;
      j.rotate_backoff = std::min(j.rotate_backoff * 2, 8u);
    }
  } else if (batch.events() > 0) {
    auto record = batch.finish(compress);
    if (auto err = fs.append(path, record)) {
      failed(err);
      j.broken = true;
      out.done = false;
    } else {
      j.bytes += record.size();
      out.appended = record.size();
    }
  }
  return out;
}

} // namespace tributary::storage
