#include "storage/spool.hpp"

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/filesystem.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace tributary::storage {

namespace {

constexpr uint8_t rec_define = 1;
constexpr uint8_t rec_full_row = 2;
constexpr uint8_t rec_partial_row = 3;
constexpr size_t frame_header = 8;
constexpr size_t magic_size = 8;
/// A record longer than this is corruption, not data.
constexpr uint32_t max_payload = 1u << 24;

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
      d = static_cast<uint64_t>(c - 'a' + 10);
    else
      return false;
    seq = seq * 16 + d;
  }
  return true;
}

/// One decoded row record.
struct decoded_row {
  uint32_t chart = 0;
  int64_t time_s = 0;
  std::vector<uint16_t> cols; // empty: every column in order
  std::vector<storage_number> values;
};

bool decode_row(uint8_t type, byte_reader& r, decoded_row& out) {
  uint16_t n = 0;
  if (!r.uint(out.chart) || !r.i64(out.time_s) || !r.uint(n))
    return false;
  out.cols.clear();
  out.values.resize(n);
  if (type == rec_partial_row)
    out.cols.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (type == rec_partial_row && !r.uint(out.cols[i]))
      return false;
    if (!r.uint(out.values[i]))
      return false;
  }
  return r.done();
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
    diagnostics_.push_back(error{ec::corruption, "spool " + path
                                                     + ": not a spool segment; "
                                                       "deleting it"});
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
      diagnostics_.push_back(error{
          ec::corruption, "spool " + path + ": torn or corrupt record at byte "
                              + std::to_string(pos) + "; ignoring the last "
                              + std::to_string(all.size() - pos) + " bytes"});
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

std::vector<sample> spool::query(const std::string& chart_id,
                                 const std::string& dim_id, int64_t after_s,
                                 int64_t before_s) const {
  std::map<int64_t, sample> found;
  auto take = [&](int64_t t, storage_number v) {
    if (t < after_s || t > before_s)
      return;
    found[t] = to_sample(t, v);
  };
  decoded_row row;
  for (auto& seg : segments_) {
    if (seg.last_s < after_s || seg.first_s > before_s)
      continue;
    auto ids = seg.by_id.find(chart_id);
    if (ids == seg.by_id.end())
      continue;
    for (auto number : ids->second) {
      auto& c = seg.charts.at(number);
      if (c.last_s < after_s || c.first_s > before_s)
        continue;
      auto d = std::find(c.dims.begin(), c.dims.end(), dim_id);
      if (d == c.dims.end())
        continue;
      auto col = static_cast<uint16_t>(d - c.dims.begin());
      auto guess = frame_header + 15 + 6 * c.dims.size();
      for (auto off : c.offsets) {
        auto bytes = fs_->read_range(seg.path, off, guess);
        if (!bytes || bytes->size() < frame_header)
          continue;
        byte_reader head{*bytes};
        uint32_t len = 0;
        uint32_t crc = 0;
        head.uint(len);
        head.uint(crc);
        if (bytes->size() < frame_header + len) {
          bytes = fs_->read_range(seg.path, off, frame_header + len);
          if (!bytes || bytes->size() < frame_header + len)
            continue;
        }
        std::string_view payload{bytes->data() + frame_header, len};
        byte_reader r{payload};
        uint8_t type = 0;
        if (!r.uint(type) || !decode_row(type, r, row))
          continue;
        if (row.cols.empty()) {
          if (col < row.values.size())
            take(row.time_s, row.values[col]);
        } else {
          for (size_t i = 0; i < row.cols.size(); ++i)
            if (row.cols[i] == col)
              take(row.time_s, row.values[i]);
        }
      }
    }
  }
  for (auto& x : rows_) {
    auto& def = charts_[x.chart];
    if (def.id != chart_id)
      continue;
    for (size_t i = 0; i < x.cols.size(); ++i)
      if (x.cols[i] < def.dims.size() && def.dims[x.cols[i]] == dim_id)
        take(x.time_s, x.values[i]);
  }
  std::vector<sample> out;
  out.reserve(found.size());
  for (auto& [t, s] : found)
    out.push_back(s);
  return out;
}

int64_t spool::first_time_s(const std::string& chart_id) const {
  int64_t first = 0;
  auto better = [&](int64_t t) {
    if (t != 0 && (first == 0 || t < first))
      first = t;
  };
  for (auto& seg : segments_) {
    auto ids = seg.by_id.find(chart_id);
    if (ids == seg.by_id.end())
      continue;
    for (auto number : ids->second)
      better(seg.charts.at(number).first_s);
    if (first != 0)
      return first; // segments are in time order
  }
  for (auto& x : rows_)
    if (charts_[x.chart].id == chart_id) {
      better(x.time_s);
      break;
    }
  return first;
}

int64_t spool::last_time_s(const std::string& chart_id) const {
  for (auto i = rows_.rbegin(); i != rows_.rend(); ++i)
    if (charts_[i->chart].id == chart_id)
      return i->time_s;
  for (auto s = segments_.rbegin(); s != segments_.rend(); ++s) {
    auto ids = s->by_id.find(chart_id);
    if (ids == s->by_id.end())
      continue;
    int64_t last = 0;
    for (auto number : ids->second)
      last = std::max(last, s->charts.at(number).last_s);
    if (last != 0)
      return last;
  }
  return 0;
}

} // namespace tributary::storage
