// The dbengine: construction, file names, registration of dimensions,
// health and retention boundaries.

#include "storage/dbengine.hpp"

#include "storage/dbengine_detail.hpp"

namespace tributary::storage {

using namespace dbengine_detail;

dbengine::dbengine(const engine_options& opts)
    : registered_engine(opts.update_every),
      fs_(opts.fs != nullptr ? opts.fs : &posix_filesystem()),
      directory_(opts.directory.empty() ? "." : opts.directory),
      host_guid_(opts.host_guid),
      tiers_(std::clamp<size_t>(opts.tiers, 1, max_tiers)),
      page_points_(std::max<size_t>(opts.page_points, 4)),
      codec_(opts.compression), disk_limit_(opts.disk_space_bytes),
      datafile_bytes_(opts.datafile_bytes), cache_limit_(opts.page_cache_bytes),
      journal_on_(opts.journal) {
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

std::string dbengine::journal_path() const {
  return directory_ + "/dbengine-journal.tdj";
}

// -- registration
// -------------------------------------------------------------------

memory_mode dbengine::mode() const noexcept {
  return memory_mode::dbengine;
}

dimension_handle dbengine::add_dimension(const dimension_info& info) {
  auto r = register_dimension(info);
  auto h = r.h;
  auto& now = *registry_.info(h);
  if (r.is_new) {
    dim_state st;
    st.ue = now.update_every;
    dims_.push_back(std::move(st));
    journaled_.resize(dims_.size(), false);
    meta_dirty_ = true;
    return h;
  }
  bool changed = r.before.chart_name != now.chart_name
                 || r.before.dim_name != now.dim_name;
  auto& d = dims_[h.id];
  if (d.ue != now.update_every) {
    // Like the ring modes, a new update_every starts the dimension over.
    auto last = d.last_s;
    open_points_ -= std::min<uint64_t>(open_points_, d.t[0].open.size());
    d = dim_state{};
    d.ue = now.update_every;
    d.last_s = last;
    d.valid_after_s = last;
    changed = true;
  }
  if (changed) {
    meta_dirty_ = true;
    for (auto& desc : described_)
      if (h.id < desc.size())
        desc[h.id] = false;
    if (h.id < journaled_.size() && journaled_[h.id] && !journal_.broken)
      batch_.dimension(h.id, now, d.valid_after_s);
  }
  return h;
}

const dbengine::dim_state* dbengine::state(dimension_handle h) const {
  if (!h.valid() || h.id >= dims_.size())
    return nullptr;
  return &dims_[h.id];
}

storage_health dbengine::health() const {
  storage_health h;
  h.degraded = degraded_;
  h.last_error = last_error_;
  h.failed_writes = failed_writes_;
  h.dropped_points = dropped_points_;
  h.pending_points = open_points_;
  for (auto b : disk_bytes_)
    h.disk_bytes += b;
  h.journal_bytes = journal_.bytes;
  h.disk_bytes += journal_.bytes;
  return h;
}

uint64_t dbengine::disk_bytes(size_t tier) const noexcept {
  return tier < max_tiers ? disk_bytes_[tier] : 0;
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
  auto first = tier_stored_first_time_s(h, tier);
  if (first != 0 || tier == 0)
    return first;
  // Nothing stored yet: the bucket being summed, which queries read.
  auto* d = state(h);
  if (d == nullptr || tier >= tiers_)
    return 0;
  auto& t = d->t[tier];
  return t.acc_open && t.acc.count > 0 ? t.acc.end_s : 0;
}

int64_t dbengine::tier_last_time_s(dimension_handle h, size_t tier) const {
  auto* d = state(h);
  if (d != nullptr && tier > 0 && tier < tiers_) {
    // A bucket being summed here or below ends this tier's newest point.
    auto len = bucket_seconds(*d, tier);
    for (size_t j = 1; j <= tier; ++j)
      if (d->t[j].acc_open && d->t[j].acc.count > 0)
        return (d->t[j].acc.end_s + len - 1) / len * len;
  }
  return tier_stored_last_time_s(h, tier);
}

int64_t dbengine::tier_stored_first_time_s(dimension_handle h,
                                           size_t tier) const {
  auto* d = state(h);
  if (d == nullptr || tier >= tiers_)
    return 0;
  auto& t = d->t[tier];
  if (!t.pages.empty())
    return t.pages.front().first_s;
  if (tier == 0)
    return t.open.empty() ? 0 : t.open.front_time();
  return t.open_tier.empty() ? 0 : t.open_tier.front_end();
}

int64_t dbengine::tier_stored_last_time_s(dimension_handle h,
                                          size_t tier) const {
  auto* d = state(h);
  if (d == nullptr || tier >= tiers_)
    return 0;
  auto& t = d->t[tier];
  if (tier == 0 && !t.open.empty())
    return t.open.back_time();
  if (tier != 0 && !t.open_tier.empty())
    return t.open_tier.back_end();
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
