#include "storage/open_tier_page.hpp"

#include "storage/dbengine_format.hpp"

namespace tributary::storage {

namespace {

std::array<uint32_t, 6> words_of(const storage_point& p) {
  return {float_bits(p.sum), float_bits(p.min), float_bits(p.max),
          p.count,           p.anomaly_count,   uint32_t{p.flags}};
}

} // namespace

// The first end time is kept in `first_s_`, not in the stream.

void open_tier_page::push(const storage_point& p) {
  if (n_ == 0) {
    first_s_ = p.end_s;
    times_ = time_encoder{p.end_s, 0};
  } else {
    times_.put(p.end_s, w_);
  }
  last_s_ = p.end_s;
  auto ws = words_of(p);
  for (size_t c = 0; c < columns; ++c)
    words_[c].put(ws[c], w_);
  ++n_;
}

void open_tier_page::decode(int64_t len,
                            std::vector<storage_point>& out) const {
  if (n_ == 0)
    return;
  auto bytes = w_.peek();
  bit_reader r{bytes};
  time_decoder times{first_s_, 0};
  std::array<word_decoder, columns> words;
  out.reserve(out.size() + n_);
  for (size_t i = 0; i < n_; ++i) {
    storage_point p;
    p.end_s = first_s_;
    std::array<uint32_t, columns> ws{};
    // Only push() wrote this stream: it decodes.
    if (i > 0)
      times.get(r, p.end_s);
    for (size_t c = 0; c < columns; ++c)
      words[c].get(r, ws[c]);
    p.start_s = p.end_s - len;
    p.sum = bits_float(ws[0]);
    p.min = bits_float(ws[1]);
    p.max = bits_float(ws[2]);
    p.count = ws[3];
    p.anomaly_count = ws[4];
    p.flags = static_cast<uint8_t>(ws[5]);
    out.push_back(p);
  }
}

size_t open_tier_page::drop_through(int64_t end_s, int64_t len) {
  if (n_ == 0 || first_s_ > end_s)
    return 0;
  std::vector<storage_point> all;
  decode(len, all);
  size_t k = 0;
  while (k < all.size() && all[k].end_s <= end_s)
    ++k;
  clear();
  for (size_t i = k; i < all.size(); ++i)
    push(all[i]);
  return k;
}

void open_tier_page::clear() {
  w_.reset();
  times_ = time_encoder{0, 0};
  words_ = {};
  n_ = 0;
  first_s_ = 0;
  last_s_ = 0;
}

} // namespace tributary::storage
