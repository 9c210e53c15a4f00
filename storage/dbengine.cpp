#include "storage/dbengine.hpp"

#include "storage/crc32c.hpp"
#include "storage/storage_number.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tributary::storage {

namespace {

constexpr size_t max_tiers = 3;

storage_point point_of(const sample& x) {
  storage_point p;
  p.end_s = x.time_s;
  p.flags = static_cast<uint8_t>(x.flags & ~flag_empty);
  if (!x.empty()) {
    p.min = p.max = p.sum = x.value;
    p.count = 1;
    p.anomaly_count = (x.flags & flag_anomalous) != 0 ? 1 : 0;
  }
  return p;
}

void merge(storage_point& acc, const storage_point& p) {
  acc.flags |= p.flags;
  if (p.count == 0)
    return;
  if (acc.count == 0) {
    acc.min = p.min;
    acc.max = p.max;
  } else {
    acc.min = std::min(acc.min, p.min);
    acc.max = std::max(acc.max, p.max);
  }
  acc.sum += p.sum;
  acc.count += p.count;
  acc.anomaly_count += p.anomaly_count;
}

// Parses "dbengine-t<tier>-<seq>.tdf".
bool parse_datafile_name(const std::string& name, size_t& tier,
                         uint64_t& seq) {
  unsigned t = 0;
  unsigned long long s = 0;
  int used = 0;
  if (std::sscanf(name.c_str(), "dbengine-t%u-%llu.tdf%n", &t, &s, &used) != 2
      || static_cast<size_t>(used) != name.size() || t >= max_tiers)
    return false;
  tier = t;
  seq = s;
  return true;
}

} // namespace

dbengine::dbengine(const engine_options& opts)
  : fs_(opts.fs != nullptr ? opts.fs : &posix_filesystem()),
    directory_(opts.directory.empty() ? "." : opts.directory),
    host_guid_(opts.host_guid),
    default_ue_(opts.update_every < 1 ? 1 : opts.update_every),
    tiers_(std::clamp<size_t>(opts.tiers, 1, max_tiers)),
    page_points_(std::max<size_t>(opts.page_points, 4)),
    codec_(opts.compression),
    disk_limit_(opts.disk_space_bytes),
    datafile_bytes_(opts.datafile_bytes),
    cache_limit_(opts.page_cache_bytes) {
  load();
}

dbengine::~dbengine() {
  // The owner should close() and look at the result; this is a last resort.
  if (!closed_)
    close();
}

std::string dbengine::datafile_path(size_t tier, uint64_t seq) const {
  char name[64];
  std::snprintf(name, sizeof(name), "/dbengine-t%zu-%010llu.tdf", tier,
                static_cast<unsigned long long>(seq));
  return directory_ + name;
}

std::string dbengine::metadata_path() const {
  return directory_ + "/dbengine-meta.tdm";
}

// -- opening ------------------------------------------------------------------------

void dbengine::load() {
  if (auto err = fs_->make_directories(directory_))
    diagnostics_.push_back(err);
  auto meta_path = metadata_path();
  auto bytes = fs_->read(meta_path);
  if (bytes) {
    auto meta = decode_metadata(*bytes, meta_path);
    if (!meta) {
      diagnostics_.push_back(meta.err());
    } else if (meta->host_guid != host_guid_) {
      diagnostics_.emplace_back(ec::corruption,
                                meta_path + ": belongs to host '"
                                  + meta->host_guid + "', not '" + host_guid_
                                  + "'; its pages are ignored",
                                metadata_magic.size());
    } else {
      for (auto& d : meta->dimensions) {
        bool is_new = false;
        registry_.add(d.info, default_ue_, is_new);
        dim_state st;
        st.valid_after_s = d.valid_after_s;
        st.ue = d.info.update_every;
        dims_.push_back(std::move(st));
      }
    }
  } else if (bytes.err().code != ec::not_found) {
    diagnostics_.push_back(bytes.err());
  }
  auto names = fs_->list(directory_);
  if (!names) {
    diagnostics_.push_back(names.err());
    return;
  }
  std::vector<std::pair<size_t, uint64_t>> found;
  for (auto& name : *names) {
    size_t tier = 0;
    uint64_t seq = 0;
    if (parse_datafile_name(name, tier, seq))
      found.emplace_back(tier, seq);
  }
  std::sort(found.begin(), found.end());
  for (auto [tier, seq] : found) {
    load_datafile(tier, seq);
    next_seq_[tier] = std::max(next_seq_[tier], seq + 1);
  }
}

void dbengine::load_datafile(size_t tier, uint64_t seq) {
  auto path = datafile_path(tier, seq);
  auto bytes = fs_->read(path);
  if (!bytes) {
    diagnostics_.push_back(bytes.err());
    return;
  }
  std::string_view all = *bytes;
  files_[tier].push_back(datafile{seq, all.size()});
  disk_bytes_[tier] += all.size();
  auto report = [&](ec code, size_t at, const std::string& what) {
    diagnostics_.emplace_back(code,
                              path + ": " + what + " at offset "
                                + std::to_string(at),
                              at);
  };
  uint32_t file_tier = 0;
  uint64_t file_seq = 0;
  if (!parse_datafile_header(all, file_tier, file_seq) || file_tier != tier
      || file_seq != seq) {
    report(all.size() < datafile_header_size ? ec::truncated : ec::corruption,
           0, "bad datafile header, file skipped");
    return;
  }
  size_t pos = datafile_header_size;
  while (pos < all.size()) {
    page_header h;
    if (all.size() - pos < page_header_size) {
      report(ec::truncated, pos, "truncated page header");
      return;
    }
    if (!parse_page_header(all.substr(pos), h)) {
      report(ec::corruption, pos, "bad page header");
      // Resynchronize on the next intact page header.
      auto next = pos + 1;
      char magic[4];
      std::memcpy(magic, &page_magic, 4); // little-endian hosts only
      for (;; ++next) {
        next = all.find(std::string_view{magic, 4}, next);
        if (next == std::string_view::npos)
          return;
        if (parse_page_header(all.substr(next), h))
          break;
      }
      pos = next;
      continue;
    }
    auto record = page_header_size + size_t{h.payload_size};
    if (all.size() - pos < record) {
      report(ec::truncated, pos, "truncated page");
      return;
    }
    auto payload = all.substr(pos + page_header_size, h.payload_size);
    auto at = pos;
    pos += record;
    if (crc32c(payload.data(), payload.size()) != h.payload_crc) {
      report(ec::corruption, at, "page checksum mismatch, page skipped");
      continue;
    }
    if (h.tier != tier || h.dim_id >= dims_.size()) {
      report(ec::corruption, at, "page of an unknown dimension skipped");
      continue;
    }
    auto& d = dims_[h.dim_id];
    if (h.last_s <= d.valid_after_s || h.update_every
                                           != static_cast<uint32_t>(
                                             bucket_seconds(d, tier)))
      continue; // data of an earlier update_every
    auto& pages = d.t[tier].pages;
    if (!pages.empty() && h.first_s < pages.back().last_s) {
      report(ec::corruption, at, "page overlaps an earlier page, skipped");
      continue;
    }
    pages.push_back(page_ref{seq, at, static_cast<uint32_t>(record),
                             h.first_s, h.last_s});
    if (tier == 0)
      d.last_s = std::max(d.last_s, h.last_s);
  }
}

// -- registration -------------------------------------------------------------------

memory_mode dbengine::mode() const noexcept {
  return memory_mode::dbengine;
}

dimension_handle dbengine::add_dimension(const dimension_info& info) {
  auto* old = registry_.find(info.key).valid()
                ? registry_.info(registry_.find(info.key))
                : nullptr;
  dimension_info before;
  if (old != nullptr)
    before = *old;
  bool is_new = false;
  auto h = registry_.add(info, default_ue_, is_new);
  auto& now = *registry_.info(h);
  if (is_new) {
    dim_state st;
    st.ue = now.update_every;
    dims_.push_back(std::move(st));
    meta_dirty_ = true;
    return h;
  }
  if (before.chart_name != now.chart_name || before.dim_name != now.dim_name)
    meta_dirty_ = true;
  auto& d = dims_[h.id];
  if (d.ue != now.update_every) {
    // Like the ring modes, a new update_every starts the dimension over.
    auto last = d.last_s;
    d = dim_state{};
    d.ue = now.update_every;
    d.last_s = last;
    d.valid_after_s = last;
    meta_dirty_ = true;
  }
  return h;
}

dimension_handle dbengine::find(const dimension_key& key) const {
  return registry_.find(key);
}

const dimension_info* dbengine::info(dimension_handle h) const {
  return registry_.info(h);
}

std::vector<dimension_handle> dbengine::dimensions() const {
  return registry_.handles();
}

const dbengine::dim_state* dbengine::state(dimension_handle h) const {
  if (!h.valid() || h.id >= dims_.size())
    return nullptr;
  return &dims_[h.id];
}

// -- writing ----------------------------------------------------------------------

int64_t dbengine::bucket_seconds(const dim_state& d,
                                 size_t tier) const noexcept {
  int64_t s = d.ue;
  for (size_t i = 0; i < tier; ++i)
    s *= 60;
  return s;
}

bool dbengine::append(dimension_handle h, const sample& x) {
  if (closed_ || !h.valid() || h.id >= dims_.size() || x.time_s <= 0)
    return false;
  auto& d = dims_[h.id];
  if (x.time_s <= d.last_s)
    return false;
  auto& t0 = d.t[0];
  t0.times.push_back(x.time_s);
  t0.values.push_back(pack(x.value, x.flags));
  d.last_s = x.time_s;
  if (tiers_ > 1)
    aggregate(h.id, 1, point_of(x));
  if (t0.times.size() >= page_points_)
    write_page(h.id, 0);
  return true;
}

void dbengine::aggregate(uint32_t id, size_t tier, const storage_point& p) {
  auto& d = dims_[id];
  auto& t = d.t[tier];
  auto len = bucket_seconds(d, tier);
  auto end = (p.end_s + len - 1) / len * len;
  if (t.acc_open && t.acc.end_s != end)
    close_bucket(id, tier);
  if (!t.acc_open) {
    t.acc = storage_point{};
    t.acc.start_s = end - len;
    t.acc.end_s = end;
    t.acc_open = true;
  }
  merge(t.acc, p);
}

void dbengine::close_bucket(uint32_t id, size_t tier) {
  auto& t = dims_[id].t[tier];
  if (!t.acc_open)
    return;
  t.acc_open = false;
  if (t.acc.count == 0)
    return; // a whole bucket of gaps stays a gap
  auto p = t.acc;
  t.points.push_back(p);
  if (tier + 1 < tiers_)
    aggregate(id, tier + 1, p);
  if (dims_[id].t[tier].points.size() >= std::max<size_t>(page_points_ / 4, 1))
    write_page(id, tier);
}

uint64_t dbengine::datafile_target(size_t tier) const noexcept {
  if (datafile_bytes_ != 0)
    return datafile_bytes_;
  auto limit = disk_limit_[tier];
  if (limit == 0)
    return uint64_t{256} << 20;
  return std::clamp<uint64_t>(limit / 8, uint64_t{64} << 10,
                              uint64_t{256} << 20);
}

error dbengine::write_metadata() {
  dbengine_metadata meta;
  meta.host_guid = host_guid_;
  for (auto h : registry_.handles()) {
    dbengine_dimension d;
    d.info = *registry_.info(h);
    d.info.update_every = dims_[h.id].ue;
    d.valid_after_s = dims_[h.id].valid_after_s;
    meta.dimensions.push_back(std::move(d));
  }
  if (auto err = fs_->write_atomic(metadata_path(), encode_metadata(meta))) {
    io_errors_.push_back(err);
    return err;
  }
  meta_dirty_ = false;
  return {};
}

error dbengine::write_page(uint32_t id, size_t tier) {
  auto& d = dims_[id];
  auto& t = d.t[tier];
  size_t n = tier == 0 ? t.times.size() : t.points.size();
  if (n == 0)
    return {};
  // A page may only name dimensions the metadata file knows.
  if (meta_dirty_)
    if (auto err = write_metadata())
      return err;
  auto ue = static_cast<uint32_t>(bucket_seconds(d, tier));
  auto record = tier == 0
                  ? encode_page(id, ue, t.times.data(), t.values.data(), n,
                                codec_)
                  : encode_tier_page(id, static_cast<uint8_t>(tier), ue,
                                     t.points.data(), n, codec_);
  page_ref ref;
  ref.first_s = tier == 0 ? t.times.front() : t.points.front().end_s;
  ref.last_s = tier == 0 ? t.times.back() : t.points.back().end_s;
  t.times.clear();
  t.values.clear();
  t.points.clear();
  auto& files = files_[tier];
  if (!writable_[tier]) {
    auto seq = next_seq_[tier]++;
    auto header = encode_datafile_header(static_cast<uint32_t>(tier), seq);
    if (auto err = fs_->append(datafile_path(tier, seq), header)) {
      io_errors_.push_back(err);
      return err;
    }
    files.push_back(datafile{seq, header.size()});
    disk_bytes_[tier] += header.size();
    writable_[tier] = true;
  }
  auto& f = files.back();
  auto path = datafile_path(tier, f.seq);
  if (auto err = fs_->append(path, record)) {
    // The points are lost; the datafile may end in a torn page, so the
    // next page goes to a new file.
    err.position = f.size;
    io_errors_.push_back(err);
    writable_[tier] = false;
    return err;
  }
  ref.file_seq = f.seq;
  ref.offset = f.size;
  ref.size = static_cast<uint32_t>(record.size());
  t.pages.push_back(ref);
  f.size += record.size();
  disk_bytes_[tier] += record.size();
  unsynced_[tier] = true;
  ++stats_.pages_written;
  stats_.page_bytes[tier] += record.size();
  stats_.points_written[tier] += n;
  if (f.size >= datafile_target(tier)) {
    if (auto err = fs_->sync(path))
      io_errors_.push_back(err);
    unsynced_[tier] = false;
    writable_[tier] = false;
  }
  enforce_retention(tier);
  return {};
}

void dbengine::enforce_retention(size_t tier) {
  auto limit = disk_limit_[tier];
  auto& files = files_[tier];
  while (limit != 0 && disk_bytes_[tier] > limit && files.size() > 1) {
    auto victim = files.front();
    if (auto err = fs_->remove(datafile_path(tier, victim.seq))) {
      io_errors_.push_back(err);
      return;
    }
    files.erase(files.begin());
    disk_bytes_[tier] -= victim.size;
    ++stats_.files_deleted;
    for (auto& d : dims_) {
      auto& pages = d.t[tier].pages;
      auto i = std::find_if(pages.begin(), pages.end(), [&](const page_ref& p) {
        return p.file_seq != victim.seq;
      });
      pages.erase(pages.begin(), i);
    }
  }
}

error dbengine::flush() {
  if (closed_)
    return {};
  error first;
  auto keep = [&](error err) {
    if (err && !first)
      first = std::move(err);
  };
  if (meta_dirty_)
    keep(write_metadata());
  for (uint32_t id = 0; id < dims_.size(); ++id)
    for (size_t tier = 0; tier < tiers_; ++tier)
      keep(write_page(id, tier));
  for (size_t tier = 0; tier < tiers_; ++tier) {
    if (!unsynced_[tier] || files_[tier].empty())
      continue;
    keep(fs_->sync(datafile_path(tier, files_[tier].back().seq)));
    unsynced_[tier] = false;
  }
  return first;
}

error dbengine::close() {
  if (closed_)
    return {};
  for (uint32_t id = 0; id < dims_.size(); ++id)
    for (size_t tier = 1; tier < tiers_; ++tier)
      close_bucket(id, tier);
  auto err = flush();
  closed_ = true;
  return err;
}

uint64_t dbengine::disk_bytes(size_t tier) const noexcept {
  return tier < max_tiers ? disk_bytes_[tier] : 0;
}

// -- reading ------------------------------------------------------------------------

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
    io_errors_.emplace_back(code,
                            path + ": " + what + " at offset "
                              + std::to_string(ref.offset),
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
  auto i = std::lower_bound(t0.pages.begin(), t0.pages.end(), after_s,
                            [](const page_ref& p, int64_t t) {
                              return p.last_s < t;
                            });
  for (; i != t0.pages.end() && i->first_s <= before_s; ++i) {
    auto page = load_page(0, *i);
    if (page == nullptr)
      continue;
    for (size_t k = 0; k < page->times.size(); ++k)
      add(page->times[k], page->values[k]);
  }
  for (size_t k = 0; k < t0.times.size(); ++k)
    add(t0.times[k], t0.values[k]);
  return out;
}

std::vector<storage_point> dbengine::query_tier(dimension_handle h,
                                                size_t tier, int64_t after_s,
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
  auto i = std::lower_bound(t.pages.begin(), t.pages.end(), after_s,
                            [](const page_ref& p, int64_t x) {
                              return p.last_s < x;
                            });
  for (; i != t.pages.end() && i->first_s <= before_s; ++i) {
    auto page = load_page(tier, *i);
    if (page == nullptr)
      continue;
    for (auto& p : page->points)
      add(p);
  }
  for (auto& p : t.points)
    add(p);
  // Unfinished buckets of this and lower tiers, moved onto this tier's
  // grid, so that the newest points are complete.
  auto len = bucket_seconds(*d, tier);
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

size_t dbengine::tiers() const noexcept {
  return tiers_;
}

int dbengine::tier_update_every(dimension_handle h, size_t tier) const {
  auto* d = state(h);
  if (d == nullptr || tier >= tiers_)
    return 0;
  return static_cast<int>(bucket_seconds(*d, tier));
}

int64_t dbengine::tier_first_time_s(dimension_handle h, size_t tier) const {
  auto* d = state(h);
  if (d == nullptr || tier >= tiers_)
    return 0;
  auto& t = d->t[tier];
  if (!t.pages.empty())
    return t.pages.front().first_s;
  if (tier == 0)
    return t.times.empty() ? 0 : t.times.front();
  if (!t.points.empty())
    return t.points.front().end_s;
  return t.acc_open && t.acc.count > 0 ? t.acc.end_s : 0;
}

int64_t dbengine::tier_last_time_s(dimension_handle h, size_t tier) const {
  auto* d = state(h);
  if (d == nullptr || tier >= tiers_)
    return 0;
  auto& t = d->t[tier];
  if (tier == 0) {
    if (!t.times.empty())
      return t.times.back();
  } else {
    auto len = bucket_seconds(*d, tier);
    for (size_t j = 1; j <= tier; ++j)
      if (d->t[j].acc_open && d->t[j].acc.count > 0)
        return (d->t[j].acc.end_s + len - 1) / len * len;
    if (!t.points.empty())
      return t.points.back().end_s;
  }
  return t.pages.empty() ? 0 : t.pages.back().last_s;
}

int64_t dbengine::first_time_s(dimension_handle h) const {
  return tier_first_time_s(h, 0);
}

int64_t dbengine::last_time_s(dimension_handle h) const {
  return tier_last_time_s(h, 0);
}

int dbengine::update_every(dimension_handle h) const {
  auto* d = state(h);
  return d != nullptr ? d->ue : 0;
}

} // namespace tributary::storage
