// The dbengine journal: open state per dimension, replay after a crash,
// rotation into a new generation.

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/dbengine.hpp"
#include "storage/dbengine_detail.hpp"
#include "storage/storage_number.hpp"

#include <algorithm>
#include <cstring>

namespace tributary::storage {

using namespace dbengine_detail;

namespace {

void put_point(std::string& out, const storage_point& p) {
  put_u64(out, static_cast<uint64_t>(p.start_s));
  put_u64(out, static_cast<uint64_t>(p.end_s));
  for (double v : {p.min, p.max, p.sum}) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, 8);
    put_u64(out, bits);
  }
  put_u32(out, p.count);
  put_u32(out, p.anomaly_count);
  put_u8(out, p.flags);
}

bool get_point(byte_reader& r, storage_point& p) {
  uint64_t bits[3] = {0, 0, 0};
  if (!r.i64(p.start_s) || !r.i64(p.end_s) || !r.uint(bits[0])
      || !r.uint(bits[1]) || !r.uint(bits[2]) || !r.uint(p.count)
      || !r.uint(p.anomaly_count) || !r.uint(p.flags))
    return false;
  std::memcpy(&p.min, &bits[0], 8);
  std::memcpy(&p.max, &bits[1], 8);
  std::memcpy(&p.sum, &bits[2], 8);
  return true;
}

} // namespace

// The open pages and buckets of a dimension, for a journal generation.
std::string dbengine::encode_state(uint32_t id) const {
  auto& d = dims_[id];
  std::string out;
  out.reserve(32 + d.t[0].open.size() * 12
              + (d.t[1].open_tier.size() + d.t[2].open_tier.size() + 2) * 49);
  put_u64(out, static_cast<uint64_t>(d.last_s));
  put_u32(out, static_cast<uint32_t>(d.ue));
  put_u8(out, static_cast<uint8_t>(tiers_));
  std::vector<int64_t> times;
  std::vector<storage_number> values;
  d.t[0].open.decode(times, values);
  put_u32(out, static_cast<uint32_t>(times.size()));
  for (size_t i = 0; i < times.size(); ++i) {
    put_u64(out, static_cast<uint64_t>(times[i]));
    put_u32(out, values[i]);
  }
  for (size_t tier = 1; tier < tiers_; ++tier) {
    auto& t = d.t[tier];
    std::vector<storage_point> points;
    t.open_tier.decode(bucket_seconds(d, tier), points);
    put_u32(out, static_cast<uint32_t>(points.size()));
    for (auto& p : points)
      put_point(out, p);
    put_u8(out, t.acc_open ? 1 : 0);
    put_point(out, t.acc);
  }
  return out;
}

void dbengine::restore_state(uint32_t id, std::string_view blob) {
  auto& d = dims_[id];
  byte_reader r{blob};
  int64_t last = 0;
  uint32_t ue = 0;
  uint8_t ntiers = 0;
  uint32_t n = 0;
  if (!r.i64(last) || !r.uint(ue) || !r.uint(ntiers) || !r.uint(n)
      || static_cast<int>(ue) != d.ue)
    return;
  dim_state st;
  st.ue = d.ue;
  st.valid_after_s = d.valid_after_s;
  st.last_s = last;
  for (uint32_t i = 0; i < n; ++i) {
    int64_t t = 0;
    uint32_t v = 0;
    if (!r.i64(t) || !r.uint(v))
      return;
    st.t[0].open.push(t, v);
  }
  for (size_t tier = 1; tier < ntiers; ++tier) {
    storage_point p;
    uint8_t open = 0;
    if (!r.uint(n))
      return;
    for (uint32_t i = 0; i < n; ++i) {
      if (!get_point(r, p))
        return;
      if (tier < tiers_)
        st.t[tier].open_tier.push(p);
    }
    if (!r.uint(open) || !get_point(r, p))
      return;
    if (tier < tiers_) {
      st.t[tier].acc = p;
      st.t[tier].acc_open = open != 0;
    }
  }
  for (size_t tier = 0; tier < max_tiers; ++tier)
    st.t[tier].pages = std::move(d.t[tier].pages);
  open_points_ -= std::min<uint64_t>(open_points_, d.t[0].open.size());
  open_points_ += st.t[0].open.size();
  d = std::move(st);
}

void dbengine::replay_journal() {
  auto loaded = load_journal(*fs_, journal_path(), diagnostics_);
  if (!loaded)
    return;
  auto& j = *loaded;
  auto drop_open = [this](dim_state& d) {
    open_points_ -= std::min<uint64_t>(open_points_, d.t[0].open.size());
    for (auto& t : d.t) {
      t.open.clear();
      t.open_tier.clear();
      t.acc_open = false;
    }
  };
  std::vector<bool> seen;
  uint64_t points = 0;
  uint64_t skipped = 0;
  size_t touched = 0;
  bool clean = false;
  replaying_ = true;
  for (auto& e : j.events) {
    if (e.kind == journal_event::state && e.dim == clean_mark) {
      clean = true;
      continue;
    }
    clean = false;
    if (e.kind == journal_event::dimension) {
      dbengine_dimension def{e.info, e.valid_after_s};
      bool known
          = e.dim < dims_.size() && registry_.info({e.dim})->key == e.info.key;
      if (!known)
        define(e.dim, def);
      if (!(registry_.info({e.dim})->key == e.info.key))
        continue; // a conflict define() refused
      if (seen.size() <= e.dim)
        seen.resize(e.dim + 1, false);
      auto& d = dims_[e.dim];
      if (!seen[e.dim]) {
        // Appends of this generation start from the state at its start:
        // its state event (if the dimension existed then) or nothing.
        seen[e.dim] = true;
        ++touched;
        drop_open(d);
        d.last_s = 0;
      }
      if (d.ue != e.info.update_every) {
        d.ue = e.info.update_every;
        d.valid_after_s = e.valid_after_s;
        d.last_s = e.valid_after_s;
        drop_open(d);
        for (auto& t : d.t) {
          auto keep = std::find_if(
              t.pages.begin(), t.pages.end(),
              [&](const page_ref& p) { return p.last_s > e.valid_after_s; });
          t.pages.erase(t.pages.begin(), keep);
        }
      }
      auto info = e.info;
      registry_.replace(e.dim, info);
    } else if (e.dim < seen.size() && seen[e.dim]) {
      if (e.kind == journal_event::state)
        restore_state(e.dim, e.blob);
      else if (append({e.dim}, e.x))
        ++points;
      else
        ++skipped;
    }
  }
  replaying_ = false;
  // What the datafiles already hold leaves the open pages.
  for (uint32_t id = 0; id < seen.size(); ++id) {
    if (!seen[id])
      continue;
    trim_written(id, true);
    auto& d = dims_[id];
    // A page written after the journal's last flush holds a tier's open
    // bucket already, complete: closing it would write it again, before the
    // page's end. Only the tier above takes it (what it had of the bucket).
    for (size_t tier = 1; tier < tiers_; ++tier) {
      auto& t = d.t[tier];
      if (t.pages.empty() || !t.acc_open || t.acc.end_s > t.pages.back().last_s)
        continue;
      t.acc_open = false;
      t.summed_until_s = t.pages.back().last_s;
      if (t.acc.count > 0 && tier + 1 < tiers_)
        aggregate(id, tier + 1, t.acc);
    }
    if (!d.t[0].pages.empty())
      d.last_s = std::max(d.last_s, d.t[0].pages.back().last_s);
  }
  if (clean && j.dropped_bytes == 0)
    return; // a clean close's buckets: nothing to report
  recovery_ += (recovery_.empty() ? "" : "; ");
  recovery_ += "journal replayed: " + std::to_string(points) + " points of "
               + std::to_string(touched) + " dimensions from "
               + std::to_string(j.records) + " records ("
               + std::to_string(skipped) + " already stored)";
  if (j.dropped_bytes > 0) {
    recovery_ += ", dropped " + std::to_string(j.dropped_bytes)
                 + " bytes at offset " + std::to_string(j.good_bytes) + " ("
                 + j.problem.message + ")";
  }
}

void dbengine::trim_written(uint32_t id, bool tiers) {
  auto& d = dims_[id];
  for (size_t tier = 0; tier < (tiers ? tiers_ : 1); ++tier) {
    auto& t = d.t[tier];
    if (t.pages.empty())
      continue;
    auto last = t.pages.back().last_s;
    if (tier == 0) {
      auto k = t.open.drop_through(last);
      if (k == 0)
        continue;
      open_points_ -= std::min<uint64_t>(open_points_, k);
    } else {
      // Buckets end strictly later than the last written one: a clean close
      // leaves unfinished buckets in the journal, not in a page.
      t.open_tier.drop_through(last, bucket_seconds(d, tier));
    }
  }
}

bool dbengine::rotate_journal(bool clean) {
  // A generation starts with every dimension's identity and open state, in
  // records of about 1 MiB, replacing the old file atomically; written one
  // record at a time (a big host's generation is tens of MB). After a clean
  // close it carries only the unfinished buckets, and a mark.
  journal_batch b;
  uint64_t raw = 0;
  uint64_t written = 0;
  uint32_t id = 0;
  auto err
      = write_atomic_in_parts(*fs_, journal_path(), [&](std::string& part) {
          for (; id < dims_.size() && b.size() < journal_flush_bytes; ++id) {
            auto d = describe(id);
            if (d.info.key.chart_id.empty())
              continue; // a placeholder
            b.dimension(id, d.info, d.valid_after_s);
            b.state(id, encode_state(id));
          }
          bool last = id >= dims_.size();
          if (last && clean)
            b.state(clean_mark, "clean");
          raw += b.size();
          if (b.events() > 0)
            part = b.finish(true);
          written += part.size();
          return !last;
        });
  if (err) {
    note_failure(err);
    journal_.broken = true;
    batch_.clear();
    return false;
  }
  journaled_.assign(dims_.size(), true);
  batch_.clear();
  journal_.broken = false;
  journal_.bytes = written;
  // The next generation comes when the batches outgrow twice the state
  // encoded here: encoding and compressing it then costs about half of
  // what the batches cost.
  snapshot_bytes_ = raw;
  stats_.journal_bytes += written;
  return true;
}

} // namespace tributary::storage
