// Reading from the dbengine: pages from disk or memory, per-tier queries.

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/dbengine.hpp"
#include "storage/dbengine_detail.hpp"
#include "storage/storage_number.hpp"

#include <algorithm>
#include <cstring>

namespace tributary::storage {

using namespace dbengine_detail;

std::shared_ptr<const decoded_page>
dbengine::load_page(size_t tier, const page_ref& ref) const {
  cache_key key{tier, ref.file_seq, ref.offset};
  auto i = cache_.find(key);
  if (i != cache_.end()) {
    ++stats_.cache_hits;
    lru_.splice(lru_.begin(), lru_, i->second);
    return i->second->second;
  }
  ++stats_.cache_misses;
  auto path = datafile_path(tier, ref.file_seq);
  auto report = [&](ec code, const std::string& what) {
    io_errors_.emplace_back(
        code, path + ": " + what + " at offset " + std::to_string(ref.offset),
        static_cast<size_t>(ref.offset));
    return nullptr;
  };
  auto bytes = fs_->read_range(path, ref.offset, ref.size);
  if (!bytes)
    return report(bytes.err().code, bytes.err().message);
  page_header h;
  if (bytes->size() != ref.size || !parse_page_header(*bytes, h))
    return report(ec::corruption, "bad page header, page skipped");
  auto page = decode_page(h, std::string_view{*bytes}.substr(page_header_size));
  if (!page)
    return report(ec::corruption, page.err().message + ", page skipped");
  auto ptr = std::make_shared<const decoded_page>(std::move(*page));
  lru_.emplace_front(key, ptr);
  cache_[key] = lru_.begin();
  cache_bytes_ += ptr->memory();
  while (cache_bytes_ > cache_limit_ && lru_.size() > 1) {
    auto& victim = lru_.back();
    cache_bytes_ -= victim.second->memory();
    cache_.erase(victim.first);
    lru_.pop_back();
  }
  return ptr;
}

std::vector<sample> dbengine::query(dimension_handle h, int64_t after_s,
                                    int64_t before_s) const {
  std::vector<sample> out;
  auto* d = state(h);
  if (d == nullptr || after_s > before_s)
    return out;
  int64_t ue = d->ue;
  auto add = [&](int64_t t, storage_number x) {
    if (t < after_s || t > before_s)
      return;
    if (!out.empty()) {
      // Missing slots between stored points are gaps.
      for (auto g = out.back().time_s + ue; g < t; g += ue)
        out.push_back(sample::gap(g));
    }
    out.push_back(to_sample(t, x));
  };
  auto& t0 = d->t[0];
  auto i = std::lower_bound(
      t0.pages.begin(), t0.pages.end(), after_s,
      [](const page_ref& p, int64_t t) { return p.last_s < t; });
  for (; i != t0.pages.end() && i->first_s <= before_s; ++i) {
    auto page = load_page(0, *i);
    if (page == nullptr)
      continue;
    for (size_t k = 0; k < page->times.size(); ++k)
      add(page->times[k], page->values[k]);
  }
  std::vector<int64_t> times;
  std::vector<storage_number> values;
  t0.open.decode(times, values);
  for (size_t k = 0; k < times.size(); ++k)
    add(times[k], values[k]);
  return out;
}

std::vector<storage_point> dbengine::query_tier(dimension_handle h, size_t tier,
                                                int64_t after_s,
                                                int64_t before_s) const {
  if (tier == 0)
    return engine::query_tier(h, tier, after_s, before_s);
  std::vector<storage_point> out;
  auto* d = state(h);
  if (d == nullptr || tier >= tiers_ || after_s > before_s)
    return out;
  auto add = [&](const storage_point& p) {
    if (p.end_s < after_s || p.end_s > before_s)
      return;
    // A bucket written at close and continued after a restart is stored
    // twice; both halves merge into one point.
    if (!out.empty() && out.back().end_s == p.end_s)
      merge(out.back(), p);
    else
      out.push_back(p);
  };
  auto& t = d->t[tier];
  auto i = std::lower_bound(
      t.pages.begin(), t.pages.end(), after_s,
      [](const page_ref& p, int64_t x) { return p.last_s < x; });
  for (; i != t.pages.end() && i->first_s <= before_s; ++i) {
    auto page = load_page(tier, *i);
    if (page == nullptr)
      continue;
    for (auto& p : page->points)
      add(p);
  }
  auto len = bucket_seconds(*d, tier);
  std::vector<storage_point> open;
  t.open_tier.decode(len, open);
  for (auto& p : open)
    add(p);
  // Unfinished buckets of this and lower tiers, moved onto this tier's
  // grid, so that the newest points are complete.
  for (size_t j = tier; j >= 1; --j) {
    auto& acc = d->t[j].acc;
    if (!d->t[j].acc_open || acc.count == 0)
      continue;
    auto p = acc;
    p.end_s = (acc.end_s + len - 1) / len * len;
    p.start_s = p.end_s - len;
    add(p);
  }
  return out;
}

} // namespace tributary::storage
