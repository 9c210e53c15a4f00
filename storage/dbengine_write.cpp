// Writing to the dbengine: appending samples, tier aggregation, pages,
// retention, maintenance, flush and close.

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/dbengine.hpp"
#include "storage/dbengine_detail.hpp"
#include "storage/storage_number.hpp"

#include <algorithm>
#include <cstring>

namespace tributary::storage {

using namespace dbengine_detail;

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
  if (degraded_)
    make_room(h.id);
  auto& t0 = d.t[0];
  t0.open.push(x.time_s, pack(x.value, x.flags));
  ++open_points_;
  d.last_s = x.time_s;
  bool journaled = journal_on_ && !replaying_ && !journal_.broken;
  if (journaled) {
    if (!journaled_[h.id]) {
      journaled_[h.id] = true;
      batch_.dimension(h.id, *registry_.info(h), d.valid_after_s);
    }
    batch_.point(h.id, x);
  }
  if (tiers_ > 1)
    aggregate(h.id, 1, point_of(x));
  if (t0.open.size() >= page_points_)
    write_page(h.id, 0);
  // After the point's pages and buckets: a generation started here holds
  // all of it.
  if (journaled && batch_.size() >= journal_flush_bytes)
    write_journal();
  return true;
}

void dbengine::make_room(uint32_t id) {
  // While the disk fails, waiting points may grow by the page cache budget;
  // beyond it the oldest points of the dimension being appended go.
  auto budget = std::max<uint64_t>(cache_limit_ / 12, page_points_);
  if (open_points_ <= degraded_base_points_ + budget)
    return;
  auto& t0 = dims_[id].t[0];
  if (t0.open.empty())
    return;
  auto k = std::max<size_t>(t0.open.size() / 8, 1);
  t0.open.drop_front(k);
  open_points_ -= std::min<uint64_t>(open_points_, k);
  dropped_points_ += k;
}

void dbengine::aggregate(uint32_t id, size_t tier, const storage_point& p) {
  auto& d = dims_[id];
  auto& t = d.t[tier];
  auto len = bucket_seconds(d, tier);
  int64_t end;
  if (tier == 1) {
    // 1.37.1's rule for tier 0 points: a bucket ending at E is closed by the
    // first point *starting* after E, so the point ending one update_every
    // past E is still summed into it; a new bucket ends at the first
    // boundary after the point that opens it.
    auto start = p.end_s - d.ue;
    if (t.acc_open && start > t.acc.end_s)
      close_bucket(id, tier);
    if (!t.acc_open && start <= t.summed_until_s)
      return; // summed into a stored bucket before a crash lost it in tier 0
    end = t.acc_open ? t.acc.end_s : (p.end_s / len + 1) * len;
  } else {
    // Closed buckets of the tier below, on this tier's grid: the same sums
    // as 1.37.1 aggregating every tier from tier 0 points with the rule
    // above.
    end = (p.end_s + len - 1) / len * len;
    if (t.acc_open && t.acc.end_s != end)
      close_bucket(id, tier);
  }
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
  t.open_tier.push(p);
  if (tier + 1 < tiers_)
    aggregate(id, tier + 1, p);
  if (dims_[id].t[tier].open_tier.size()
      >= std::max<size_t>(page_points_ / 4, 1))
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

void dbengine::note_failure(const error& err) {
  ++failed_writes_;
  last_error_ = err.message;
  if (io_errors_.size() < 100)
    io_errors_.push_back(err);
  if (!degraded_) {
    degraded_ = true;
    degraded_base_points_ = open_points_;
  }
}

error dbengine::write_metadata() {
  // The previous generation stays as `.tdm.1`: a failed or damaged write
  // never leaves the host without a mapping.
  // A damaged file is not kept as the previous generation.
  auto path = metadata_path();
  if (meta_good_) {
    if (auto err = fs_->rename(path, path + ".1");
        err && err.code != ec::not_found) {
      note_failure(err);
      return err;
    }
    meta_good_ = false;
  }
  // In parts of about 1 MiB: a host of 100,000 dimensions has ~15 MB of
  // metadata, rewritten every second while its charts are being defined.
  auto count = registry_.size();
  uint32_t next = 0;
  auto err = write_atomic_in_parts(*fs_, path, [&](std::string& part) {
    if (next == 0)
      part = encode_metadata_header(host_guid_, count);
    for (; next < count && part.size() < (size_t{1} << 20); ++next)
      append_metadata_record(part, describe(next));
    return next < count;
  });
  if (err) {
    note_failure(err);
    return err;
  }
  meta_good_ = true;
  meta_dirty_ = false;
  return {};
}

error dbengine::write_page(uint32_t id, size_t tier, bool retry) {
  auto& d = dims_[id];
  auto& t = d.t[tier];
  // Points a datafile already holds (a replayed journal) are not written
  // twice.
  if (!t.pages.empty())
    trim_written(id, replaying_);
  size_t n = tier == 0 ? t.open.size() : t.open_tier.size();
  if (n == 0)
    return {};
  if (degraded_ && !retry)
    return {}; // maintain() retries
  auto ue = static_cast<uint32_t>(bucket_seconds(d, tier));
  std::string record;
  page_ref ref;
  if (tier == 0) {
    std::vector<int64_t> times;
    std::vector<storage_number> values;
    t.open.decode(times, values);
    record = encode_page(id, ue, times.data(), values.data(), n, codec_);
    ref.first_s = times.front();
    ref.last_s = times.back();
  } else {
    std::vector<storage_point> points;
    t.open_tier.decode(ue, points);
    record = encode_tier_page(id, static_cast<uint8_t>(tier), ue, points.data(),
                              n, codec_);
    ref.first_s = points.front().end_s;
    ref.last_s = points.back().end_s;
  }
  auto& files = files_[tier];
  bool fresh = !writable_[tier];
  auto seq = fresh ? next_seq_[tier] : files.back().seq;
  uint64_t base = fresh ? 0 : files.back().size;
  std::string bytes;
  if (fresh)
    bytes = encode_datafile_header(static_cast<uint32_t>(tier), seq);
  auto& desc = described_[tier];
  if (fresh)
    desc.assign(dims_.size(), false);
  else if (desc.size() < dims_.size())
    desc.resize(dims_.size(), false);
  // The first page of a dimension in a datafile follows its identity.
  if (!desc[id])
    bytes += encode_dimension_record(id, describe(id));
  auto offset = base + bytes.size();
  bytes += record;
  auto path = datafile_path(tier, seq);
  // One append: a new datafile never exists without its first page, and a
  // failed append leaves the file as it was (filesystem::append).
  if (auto err = fs_->append(path, bytes)) {
    err.position = base;
    note_failure(err);
    writable_[tier] = false;
    return err;
  }
  if (fresh) {
    ++next_seq_[tier];
    files.push_back(datafile{seq, 0});
    writable_[tier] = true;
  }
  desc[id] = true;
  if (tier == 0)
    open_points_ -= std::min<uint64_t>(open_points_, n);
  t.open.clear();
  t.open_tier.clear();
  ref.file_seq = seq;
  ref.offset = offset;
  ref.size = static_cast<uint32_t>(record.size());
  t.pages.push_back(ref);
  auto& f = files.back();
  f.size += bytes.size();
  disk_bytes_[tier] += bytes.size();
  unsynced_[tier] = true;
  ++stats_.pages_written;
  stats_.page_bytes[tier] += record.size();
  stats_.points_written[tier] += n;
  if (f.size >= datafile_target(tier)) {
    if (auto err = fs_->sync(path))
      note_failure(err);
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
      note_failure(err);
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

void dbengine::maintain() {
  if (closed_)
    return;
  bool ok = true;
  if (degraded_) {
    // Retry the pages that waited, oldest dimension first; stop at the
    // first failure (one failing write per call).
    for (uint32_t id = 0; ok && id < dims_.size(); ++id)
      for (size_t tier = 0; ok && tier < tiers_; ++tier) {
        auto& t = dims_[id].t[tier];
        auto n = tier == 0 ? t.open.size() : t.open_tier.size();
        auto full
            = tier == 0 ? page_points_ : std::max<size_t>(page_points_ / 4, 1);
        if (n >= full && write_page(id, tier, true))
          ok = false;
      }
  }
  if (ok && meta_dirty_ && write_metadata())
    ok = false;
  if (journal_on_ && !write_journal())
    ok = false;
  if (ok && degraded_ && (!journal_on_ || !journal_.broken))
    degraded_ = false;
}

bool dbengine::write_journal() {
  auto limit = std::max<uint64_t>(2 * snapshot_bytes_, uint64_t{1} << 20)
               + snapshot_bytes_;
  auto flushed = flush_journal(
      journal_, batch_, *fs_, journal_path(), limit, true,
      [this] { return rotate_journal(); },
      [this](const error& err) { note_failure(err); });
  stats_.journal_bytes += flushed.appended;
  return flushed.done;
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
      keep(write_page(id, tier, true));
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
  // The journal first: if the pages cannot be written, a restart replays.
  maintain();
  error meta_err;
  if (meta_dirty_)
    meta_err = write_metadata();
  auto write_all = [&] {
    error first;
    for (uint32_t id = 0; id < dims_.size(); ++id)
      for (size_t tier = 0; tier < tiers_; ++tier)
        if (auto err = write_page(id, tier, true); err && !first)
          first = std::move(err);
    for (size_t tier = 0; tier < tiers_; ++tier) {
      if (!unsynced_[tier] || files_[tier].empty())
        continue;
      if (auto err = fs_->sync(datafile_path(tier, files_[tier].back().seq));
          err && !first)
        first = std::move(err);
      unsynced_[tier] = false;
    }
    return first;
  };
  auto page_err = write_all();
  error result;
  if (page_err) {
    // The journal keeps what the datafiles could not take.
    uint64_t waiting = open_points_;
    if (journal_on_ && rotate_journal())
      result = error{ec::io_error,
                     std::to_string(waiting) + " points not written ("
                         + page_err.message + "); kept in the journal "
                         + journal_path() + " for the next start"};
    else
      result = error{ec::io_error, std::to_string(waiting)
                                       + " points lost: " + page_err.message};
  } else if (!journal_on_ || !rotate_journal(true)) {
    // Without a journal generation to carry them, the unfinished buckets
    // are written as they are (a bucket continued later is then stored
    // twice, and merged by queries).
    for (uint32_t id = 0; id < dims_.size(); ++id)
      for (size_t tier = 1; tier < tiers_; ++tier)
        close_bucket(id, tier);
    if (auto err = write_all())
      result = error{ec::io_error, "unfinished buckets lost: " + err.message};
  }
  if (!result && meta_err)
    result = error{ec::io_error,
                   "metadata not written (" + meta_err.message
                       + "); nothing lost: the previous generation and the "
                         "datafiles' dimension records describe every "
                         "dimension"};
  closed_ = true;
  return result;
}

} // namespace tributary::storage
