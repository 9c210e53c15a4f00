// Reading the spool back: rows of one chart in a time range, and its first
// and last times.

#include "storage/filesystem.hpp"
#include "storage/spool.hpp"
#include "storage/spool_records.hpp"

#include <algorithm>

namespace tributary::storage {

using namespace spool_records;

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
