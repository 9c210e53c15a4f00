#include "storage/spool.hpp"

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/filesystem.hpp"
#include "storage/spool_records.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace tributary::storage {

using namespace spool_records;

namespace {

std::string segment_name(uint64_t seq) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "spool-%016" PRIx64 ".seg", seq);
  return buf;
}

bool parse_segment_name(const std::string& name, uint64_t& seq) {
  if (name.size() != 6 + 16 + 4 || name.compare(0, 6, "spool-") != 0
      || name.compare(22, 4, ".seg") != 0)
    return false;
  seq = 0;
  for (size_t i = 6; i < 22; ++i) {
    auto c = name[i];
    uint64_t d;
    if (c >= '0' && c <= '9')
      d = static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<uint64_t>(c - 'a') + 10;
    else
      return false;
    seq = seq * 16 + d;
  }
  return true;
}

} // namespace

std::string spool_frame(const std::string& payload) {
  std::string out;
  out.reserve(frame_header + payload.size());
  put_u32(out, static_cast<uint32_t>(payload.size()));
  put_u32(out, crc32c(payload.data(), payload.size()));
  out += payload;
  return out;
}

spool::spool(spool_options opts) : opts_(std::move(opts)) {
  fs_ = opts_.fs != nullptr ? opts_.fs : &posix_filesystem();
  segment_limit_ = opts_.segment_bytes;
  if (segment_limit_ == 0)
    segment_limit_ = std::clamp<uint64_t>(
        opts_.size_limit_bytes / 8, uint64_t{64} << 10, uint64_t{32} << 20);
  open();
}

void spool::open() {
  auto names = fs_->list(opts_.directory);
  if (!names)
    return;
  for (auto& name : *names) {
    uint64_t seq = 0;
    if (!parse_segment_name(name, seq))
      continue;
    load_segment(name, seq);
    next_seq_ = std::max(next_seq_, seq + 1);
  }
  enforce_limit();
}

void spool::load_segment(const std::string& name, uint64_t seq) {
  auto path = opts_.directory + "/" + name;
  auto bytes = fs_->read(path);
  if (!bytes) {
    diagnostics_.push_back(bytes.err());
    return;
  }
  segment seg;
  seg.seq = seq;
  seg.path = path;
  seg.bytes = bytes->size();
  std::string_view all{*bytes};
  if (all.size() < magic_size || all.substr(0, magic_size) != spool_magic) {
    diagnostics_.emplace_back(
        ec::corruption, "spool " + path + ": not a spool segment; deleting it");
    fs_->remove(path);
    return;
  }
  size_t pos = magic_size;
  decoded_row row;
  while (pos < all.size()) {
    byte_reader head{all.substr(pos)};
    uint32_t len = 0;
    uint32_t crc = 0;
    std::string_view payload;
    bool ok = head.uint(len) && head.uint(crc) && len <= max_payload
              && head.bytes(len, payload)
              && crc32c(payload.data(), payload.size()) == crc;
    byte_reader r{payload};
    uint8_t type = 0;
    ok = ok && r.uint(type);
    if (ok && type == rec_define) {
      uint32_t number = 0;
      uint32_t ue = 0;
      uint16_t n = 0;
      segment_chart c;
      ok = r.uint(number) && r.str16(c.id) && r.uint(ue) && r.uint(n);
      for (size_t i = 0; ok && i < n; ++i) {
        std::string d;
        ok = r.str16(d);
        c.dims.push_back(std::move(d));
      }
      if (ok) {
        seg.by_id[c.id].push_back(number);
        seg.charts[number] = std::move(c);
      }
    } else if (ok && (type == rec_full_row || type == rec_partial_row)) {
      ok = decode_row(type, r, row) && seg.charts.count(row.chart) != 0;
      if (ok) {
        auto& c = seg.charts[row.chart];
        c.offsets.push_back(static_cast<uint32_t>(pos));
        if (c.first_s == 0 || row.time_s < c.first_s)
          c.first_s = row.time_s;
        c.last_s = std::max(c.last_s, row.time_s);
        if (seg.first_s == 0 || row.time_s < seg.first_s)
          seg.first_s = row.time_s;
        seg.last_s = std::max(seg.last_s, row.time_s);
        seg.points += row.values.size();
      }
    } else {
      ok = false;
    }
    if (!ok) {
      diagnostics_.emplace_back(
          ec::corruption, "spool " + path + ": torn or corrupt record at byte "
                              + std::to_string(pos) + "; ignoring the last "
                              + std::to_string(all.size() - pos) + " bytes");
      break;
    }
    pos += frame_header + len;
  }
  if (seg.points == 0) {
    fs_->remove(path);
    return;
  }
  disk_bytes_ += seg.bytes;
  segments_.push_back(std::move(seg));
}

uint32_t spool::define(const std::string& chart_id,
                       const std::vector<std::string>& dim_ids,
                       int update_every) {
  auto i = chart_numbers_.find(chart_id);
  if (i != chart_numbers_.end()) {
    auto& c = charts_[i->second];
    if (c.dims == dim_ids && c.update_every == update_every)
      return i->second;
  }
  // A changed chart gets a new number: rows already taken keep the columns
  // of the definition they were collected with.
  auto number = static_cast<uint32_t>(charts_.size());
  charts_.push_back(
      chart_entry{chart_id, dim_ids, update_every > 0 ? update_every : 1});
  chart_numbers_[chart_id] = number;
  return number;
}

void spool::append(uint32_t chart, int64_t time_s, const uint16_t* cols,
                   const sample* xs, size_t n) {
  if (chart >= charts_.size() || n == 0)
    return;
  row x;
  x.chart = chart;
  x.time_s = time_s;
  x.cols.assign(cols, cols + n);
  x.values.reserve(n);
  for (size_t i = 0; i < n; ++i)
    x.values.push_back(pack(xs[i].value, xs[i].flags));
  rows_.push_back(std::move(x));
  if (!spooling_)
    trim_tail();
}

void spool::trim_tail() {
  if (rows_.empty())
    return;
  auto newest = rows_.back().time_s;
  while (!rows_.empty() && rows_.front().time_s < newest - opts_.memory_tail_s)
    rows_.pop_front();
}

void spool::set_spooling(bool on) {
  spooling_ = on;
  if (!on)
    trim_tail();
}

void spool::clear() {
  for (auto& seg : segments_)
    fs_->remove(seg.path);
  segments_.clear();
  disk_bytes_ = 0;
  current_open_ = false;
}

void spool::start_segment() {
  segment seg;
  seg.seq = next_seq_++;
  seg.path = opts_.directory + "/" + segment_name(seg.seq);
  segments_.push_back(std::move(seg));
  current_open_ = true;
}

error spool::write_rows() {
  if (rows_.empty() || opts_.size_limit_bytes == 0)
    return {};
  if (!current_open_ || segments_.back().bytes >= segment_limit_) {
    if (current_open_ && segments_.back().points == 0)
      segments_.pop_back();
    if (auto err = fs_->make_directories(opts_.directory))
      return err;
    start_segment();
  }
  auto& seg = segments_.back();
  std::string out;
  if (seg.bytes == 0)
    out = spool_magic;
  // Metadata is committed only once the bytes are in the file.
  auto charts = seg.charts;
  auto by_id = seg.by_id;
  int64_t first = seg.first_s;
  int64_t last = seg.last_s;
  uint64_t points = 0;
  std::string payload;
  for (auto& x : rows_) {
    auto& def = charts_[x.chart];
    if (charts.count(x.chart) == 0) {
      payload.clear();
      put_u8(payload, rec_define);
      put_u32(payload, x.chart);
      put_str16(payload, def.id);
      put_u32(payload, static_cast<uint32_t>(def.update_every));
      put_u16(payload, static_cast<uint16_t>(def.dims.size()));
      for (auto& d : def.dims)
        put_str16(payload, d);
      out += spool_frame(payload);
      segment_chart c;
      c.id = def.id;
      c.dims = def.dims;
      charts[x.chart] = std::move(c);
      by_id[def.id].push_back(x.chart);
    }
    bool full = x.cols.size() == def.dims.size();
    for (size_t i = 0; full && i < x.cols.size(); ++i)
      full = x.cols[i] == i;
    payload.clear();
    put_u8(payload, full ? rec_full_row : rec_partial_row);
    put_u32(payload, x.chart);
    put_u64(payload, static_cast<uint64_t>(x.time_s));
    put_u16(payload, static_cast<uint16_t>(x.values.size()));
    for (size_t i = 0; i < x.values.size(); ++i) {
      if (!full)
        put_u16(payload, x.cols[i]);
      put_u32(payload, x.values[i]);
    }
    auto& c = charts[x.chart];
    c.offsets.push_back(static_cast<uint32_t>(seg.bytes + out.size()));
    if (c.first_s == 0 || x.time_s < c.first_s)
      c.first_s = x.time_s;
    c.last_s = std::max(c.last_s, x.time_s);
    if (first == 0 || x.time_s < first)
      first = x.time_s;
    last = std::max(last, x.time_s);
    points += x.values.size();
    out += spool_frame(payload);
  }
  if (auto err = fs_->append(seg.path, out))
    return err;
  seg.charts = std::move(charts);
  seg.by_id = std::move(by_id);
  seg.first_s = first;
  seg.last_s = last;
  seg.points += points;
  seg.bytes += out.size();
  disk_bytes_ += out.size();
  rows_.clear();
  return {};
}

void spool::enforce_limit() {
  while (disk_bytes_ > opts_.size_limit_bytes && !segments_.empty()) {
    auto& seg = segments_.front();
    spool_drop d;
    d.bytes = seg.bytes;
    d.points = seg.points;
    d.first_s = seg.first_s;
    d.last_s = seg.last_s;
    fs_->remove(seg.path);
    disk_bytes_ -= std::min(disk_bytes_, seg.bytes);
    if (segments_.size() == 1)
      current_open_ = false;
    segments_.pop_front();
    drops_.push_back(d);
  }
}

error spool::flush() {
  if (!spooling_) {
    trim_tail();
    return {};
  }
  auto err = write_rows();
  enforce_limit();
  return err;
}

std::vector<spool_drop> spool::take_drops() {
  std::vector<spool_drop> out;
  out.swap(drops_);
  return out;
}

uint64_t spool::disk_points() const noexcept {
  uint64_t n = 0;
  for (auto& seg : segments_)
    n += seg.points;
  return n;
}

} // namespace tributary::storage
