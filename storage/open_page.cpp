#include "storage/open_page.hpp"

#include "storage/gorilla.hpp"

#include <string_view>

namespace tributary::storage {

// A chunk codes its times after the previous chunk's last one (the first
// chunk after the page's first time), so no chunk spends 64 bits on a
// time; its words start raw, as Gorilla's do.

void open_page::push(int64_t t, storage_number v) {
  if (empty())
    first_s_ = t;
  last_s_ = t;
  if (tail_t_.capacity() == 0) {
    tail_t_.reserve(chunk_points);
    tail_v_.reserve(chunk_points);
  }
  tail_t_.push_back(t);
  tail_v_.push_back(v);
  if (tail_t_.size() == chunk_points)
    seal();
}

void open_page::seal() {
  int64_t base = ends_.empty() ? first_s_ : sealed_last_s_;
  std::vector<int64_t> ts;
  ts.reserve(chunk_points + 1);
  ts.push_back(base);
  ts.insert(ts.end(), tail_t_.begin(), tail_t_.end());
  bit_writer w{chunk_points * 2};
  encode_times(ts.data(), ts.size(), 0, w);
  encode_words(tail_v_.data(), tail_v_.size(), w);
  auto bytes = w.finish();
  auto need = sealed_.size() + bytes.size();
  if (need > sealed_.capacity())
    sealed_.reserve(need + need / 8);
  sealed_.insert(sealed_.end(), bytes.begin(), bytes.end());
  if (ends_.capacity() == ends_.size())
    ends_.reserve(ends_.size() + 8);
  ends_.push_back(static_cast<uint32_t>(sealed_.size()));
  sealed_last_s_ = tail_t_.back();
  sealed_points_ += tail_t_.size();
  tail_t_.clear();
  tail_v_.clear();
}

void open_page::decode(std::vector<int64_t>& times,
                       std::vector<storage_number>& values) const {
  times.reserve(times.size() + size());
  values.reserve(values.size() + size());
  int64_t base = first_s_;
  size_t begin = 0;
  int64_t ts[chunk_points + 1];
  storage_number vs[chunk_points];
  for (auto end : ends_) {
    std::string_view bytes{
        reinterpret_cast<const char*>(sealed_.data()) + begin, end - begin};
    bit_reader r{bytes};
    ts[0] = base;
    // Chunks are only ever written by seal(): they decode.
    decode_times(r, ts, chunk_points + 1, 0);
    decode_words(r, vs, chunk_points);
    times.insert(times.end(), ts + 1, ts + chunk_points + 1);
    values.insert(values.end(), vs, vs + chunk_points);
    base = ts[chunk_points];
    begin = end;
  }
  times.insert(times.end(), tail_t_.begin(), tail_t_.end());
  values.insert(values.end(), tail_v_.begin(), tail_v_.end());
}

void open_page::drop_front(size_t k) {
  if (k == 0)
    return;
  std::vector<int64_t> ts;
  std::vector<storage_number> vs;
  decode(ts, vs);
  clear();
  for (size_t i = k; i < ts.size(); ++i)
    push(ts[i], vs[i]);
}

size_t open_page::drop_through(int64_t t) {
  if (empty() || first_s_ > t)
    return 0;
  std::vector<int64_t> ts;
  std::vector<storage_number> vs;
  decode(ts, vs);
  size_t k = 0;
  while (k < ts.size() && ts[k] <= t)
    ++k;
  clear();
  for (size_t i = k; i < ts.size(); ++i)
    push(ts[i], vs[i]);
  return k;
}

void open_page::clear() {
  sealed_ = std::vector<uint8_t>();
  ends_ = std::vector<uint32_t>();
  sealed_points_ = 0;
  tail_t_ = std::vector<int64_t>();
  tail_v_ = std::vector<storage_number>();
  first_s_ = 0;
  last_s_ = 0;
  sealed_last_s_ = 0;
}

size_t open_page::heap_bytes() const noexcept {
  return sealed_.capacity() + ends_.capacity() * sizeof(uint32_t)
         + tail_t_.capacity() * sizeof(int64_t)
         + tail_v_.capacity() * sizeof(storage_number);
}

} // namespace tributary::storage
