#include "storage/dbengine.hpp"

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/storage_number.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tributary::storage {

namespace {

constexpr size_t max_tiers = 3;

// A journal batch larger than this (maintain() not called for a long time)
// is dropped in favour of a new generation.
constexpr size_t max_batch_bytes = size_t{64} << 20;

// The dimension id of the state event that marks a journal written by a
// clean close.
constexpr uint32_t clean_mark = 0xffffffffu;

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
bool parse_datafile_name(const std::string& name, size_t& tier, uint64_t& seq) {
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

// -- opening
// ------------------------------------------------------------------------

std::string dbengine::journal_path() const {
  return directory_ + "/dbengine-journal.tdj";
}

void dbengine::load() {
  if (auto err = fs_->make_directories(directory_))
    diagnostics_.push_back(err);
  // The dimensions: the metadata file, else its previous generation, then
  // the dimension records of the datafiles for whatever both miss.
  std::map<uint32_t, dbengine_dimension> defs;
  bool have_meta = false;
  bool foreign = false;
  auto try_meta = [&](const std::string& path) {
    auto bytes = fs_->read(path);
    if (!bytes) {
      if (bytes.err().code != ec::not_found)
        diagnostics_.push_back(bytes.err());
      return false;
    }
    auto meta = decode_metadata(*bytes, path);
    if (!meta) {
      diagnostics_.push_back(meta.err());
      return false;
    }
    if (meta->host_guid != host_guid_) {
      diagnostics_.emplace_back(ec::corruption,
                                path + ": belongs to host '" + meta->host_guid
                                    + "', not '" + host_guid_
                                    + "'; its pages are ignored",
                                metadata_magic.size());
      foreign = true;
      return false;
    }
    for (uint32_t i = 0; i < meta->dimensions.size(); ++i)
      defs[i] = std::move(meta->dimensions[i]);
    return true;
  };
  have_meta = try_meta(metadata_path());
  meta_good_ = have_meta;
  if (!have_meta && !foreign) {
    have_meta = try_meta(metadata_path() + ".1");
    if (have_meta)
      diagnostics_.emplace_back(ec::corruption,
                                metadata_path()
                                    + ": using the previous generation ("
                                    + metadata_path() + ".1)",
                                0);
  }
  if (foreign)
    return;
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
  std::map<uint32_t, dbengine_dimension> file_defs;
  std::vector<scanned_page> pages;
  for (auto [tier, seq] : found) {
    scan_datafile(tier, seq, file_defs, pages);
    next_seq_[tier] = std::max(next_seq_[tier], seq + 1);
  }
  size_t rebuilt = 0;
  for (auto& [id, d] : file_defs) {
    auto i = defs.find(id);
    if (i == defs.end()) {
      defs[id] = d;
      ++rebuilt;
    } else if (!(i->second.info.key == d.info.key)) {
      diagnostics_.emplace_back(
          ec::corruption,
          metadata_path() + ": dimension " + std::to_string(id) + " is '"
              + i->second.info.key.chart_id + "." + i->second.info.key.dim_id
              + "' but the datafiles say '" + d.info.key.chart_id + "."
              + d.info.key.dim_id + "'; the datafiles win",
          0);
      i->second = d;
    } else if (d.valid_after_s > i->second.valid_after_s) {
      i->second.valid_after_s = d.valid_after_s;
      i->second.info.update_every = d.info.update_every;
    }
  }
  if (rebuilt > 0 && have_meta)
    diagnostics_.emplace_back(ec::corruption,
                              metadata_path() + ": " + std::to_string(rebuilt)
                                  + " dimensions missing, taken from the "
                                    "datafiles' dimension records",
                              0);
  else if (rebuilt > 0)
    recovery_
        = "dimensions rebuilt from the datafiles: " + std::to_string(rebuilt);
  for (auto& [id, d] : defs)
    define(id, d);
  // A damaged or missing metadata file is rewritten by the next maintain().
  if (!defs.empty() && (!have_meta || rebuilt > 0 || !diagnostics_.empty()))
    meta_dirty_ = true;
  // Index the pages, in file order.
  std::map<std::pair<size_t, uint64_t>, size_t> unknown;
  for (auto& p : pages) {
    auto& h = p.h;
    if (h.dim_id >= dims_.size()
        || registry_.info({h.dim_id})->key.chart_id.empty()) {
      ++unknown[{p.tier, p.seq}];
      continue;
    }
    auto& d = dims_[h.dim_id];
    if (h.last_s <= d.valid_after_s
        || h.update_every != static_cast<uint32_t>(bucket_seconds(d, p.tier)))
      continue; // data of an earlier update_every
    auto& refs = d.t[p.tier].pages;
    // Equal ends on tiers 1+: a bucket continued after an old clean close.
    if (!refs.empty()
        && (p.tier == 0 ? h.first_s <= refs.back().last_s
                        : h.first_s < refs.back().last_s)) {
      diagnostics_.emplace_back(ec::corruption,
                                datafile_path(p.tier, p.seq)
                                    + ": page overlaps an earlier page, skipped"
                                      " at offset "
                                    + std::to_string(p.offset),
                                static_cast<size_t>(p.offset));
      continue;
    }
    refs.push_back(page_ref{p.seq, p.offset, p.size, h.first_s, h.last_s});
    if (p.tier == 0)
      d.last_s = std::max(d.last_s, h.last_s);
  }
  for (auto& [file, n] : unknown)
    diagnostics_.emplace_back(ec::corruption,
                              datafile_path(file.first, file.second) + ": "
                                  + std::to_string(n)
                                  + " pages of an unknown dimension skipped",
                              0);
  if (!journal_on_)
    return;
  replay_journal();
  // A new journal generation: the replayed state, without a torn tail.
  rotate_journal();
}

void dbengine::scan_datafile(size_t tier, uint64_t seq,
                             std::map<uint32_t, dbengine_dimension>& defs,
                             std::vector<scanned_page>& out) {
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
    diagnostics_.emplace_back(
        code, path + ": " + what + " at offset " + std::to_string(at), at);
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
    uint32_t def_id = 0;
    dbengine_dimension def;
    if (auto n = parse_dimension_record(all.substr(pos), def_id, def)) {
      auto i = defs.find(def_id);
      if (i == defs.end() || def.valid_after_s >= i->second.valid_after_s)
        defs[def_id] = std::move(def);
      pos += n;
      continue;
    }
    page_header h;
    if (all.size() - pos < page_header_size) {
      report(ec::truncated, pos, "truncated page header");
      return;
    }
    if (!parse_page_header(all.substr(pos), h)) {
      report(ec::corruption, pos, "bad page header");
      // Resynchronize on the next intact page header or dimension record.
      auto next = pos + 1;
      char magic[4];
      char dmagic[4];
      std::memcpy(magic, &page_magic, 4); // little-endian hosts only
      std::memcpy(dmagic, &dimension_record_magic, 4);
      for (;; ++next) {
        auto a = all.find(std::string_view{magic, 4}, next);
        auto b = all.find(std::string_view{dmagic, 4}, next);
        next = std::min(a, b);
        if (next == std::string_view::npos)
          return;
        if (next == b && parse_dimension_record(all.substr(next), def_id, def))
          break;
        if (next == a && parse_page_header(all.substr(next), h))
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
    if (h.tier != tier) {
      report(ec::corruption, at, "page of another tier skipped");
      continue;
    }
    out.push_back(
        scanned_page{tier, seq, at, static_cast<uint32_t>(record), h});
  }
}

void dbengine::define(uint32_t id, const dbengine_dimension& d) {
  auto info = d.info;
  if (info.update_every < 1)
    info.update_every = default_ue_;
  auto other = registry_.find(info.key);
  if (other.valid() && other.id != id) {
    // The same key under two ids is damage; the first one keeps it.
    info.key = {"", "#" + std::to_string(id)};
  }
  while (dims_.size() <= id) {
    // Ids are dense: a gap is a placeholder until something names it.
    dimension_info ph;
    ph.key = {"", "#" + std::to_string(dims_.size())};
    ph.update_every = default_ue_;
    bool is_new = false;
    registry_.add(ph, default_ue_, is_new);
    dim_state st;
    st.ue = default_ue_;
    dims_.push_back(std::move(st));
  }
  registry_.replace(id, info);
  auto& st = dims_[id];
  st.ue = info.update_every;
  st.valid_after_s = std::max(st.valid_after_s, d.valid_after_s);
  if (journaled_.size() < dims_.size())
    journaled_.resize(dims_.size(), false);
}

dbengine_dimension dbengine::describe(uint32_t id) const {
  dbengine_dimension d;
  d.info = *registry_.info({id});
  d.info.update_every = dims_[id].ue;
  d.valid_after_s = dims_[id].valid_after_s;
  return d;
}

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
  out.reserve(32 + d.t[0].times.size() * 12
              + (d.t[1].points.size() + d.t[2].points.size() + 2) * 49);
  put_u64(out, static_cast<uint64_t>(d.last_s));
  put_u32(out, static_cast<uint32_t>(d.ue));
  put_u8(out, static_cast<uint8_t>(tiers_));
  auto& t0 = d.t[0];
  put_u32(out, static_cast<uint32_t>(t0.times.size()));
  for (size_t i = 0; i < t0.times.size(); ++i) {
    put_u64(out, static_cast<uint64_t>(t0.times[i]));
    put_u32(out, t0.values[i]);
  }
  for (size_t tier = 1; tier < tiers_; ++tier) {
    auto& t = d.t[tier];
    put_u32(out, static_cast<uint32_t>(t.points.size()));
    for (auto& p : t.points)
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
    st.t[0].times.push_back(t);
    st.t[0].values.push_back(v);
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
        st.t[tier].points.push_back(p);
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
  open_points_ -= std::min<uint64_t>(open_points_, d.t[0].times.size());
  open_points_ += st.t[0].times.size();
  d = std::move(st);
}

void dbengine::replay_journal() {
  auto path = journal_path();
  auto bytes = fs_->read(path);
  if (!bytes) {
    if (bytes.err().code != ec::not_found)
      diagnostics_.push_back(bytes.err());
    return;
  }
  auto j = read_journal(*bytes, path);
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
        open_points_ -= std::min<uint64_t>(open_points_, d.t[0].times.size());
        for (auto& t : d.t) {
          t.times.clear();
          t.values.clear();
          t.points.clear();
          t.acc_open = false;
        }
        d.last_s = 0;
      }
      if (d.ue != e.info.update_every) {
        d.ue = e.info.update_every;
        d.valid_after_s = e.valid_after_s;
        d.last_s = e.valid_after_s;
        open_points_ -= std::min<uint64_t>(open_points_, d.t[0].times.size());
        for (auto& t : d.t) {
          t.times.clear();
          t.values.clear();
          t.points.clear();
          t.acc_open = false;
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
      auto i = std::upper_bound(t.times.begin(), t.times.end(), last);
      auto k = static_cast<size_t>(i - t.times.begin());
      if (k == 0)
        continue;
      t.times.erase(t.times.begin(), i);
      t.values.erase(t.values.begin(),
                     t.values.begin() + static_cast<std::ptrdiff_t>(k));
      open_points_ -= std::min<uint64_t>(open_points_, k);
    } else {
      // Buckets end strictly later than the last written one: a clean close
      // leaves unfinished buckets in the journal, not in a page.
      auto i = std::find_if(
          t.points.begin(), t.points.end(),
          [&](const storage_point& p) { return p.end_s > last; });
      t.points.erase(t.points.begin(), i);
    }
  }
}

// -- registration
// -------------------------------------------------------------------

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
    journaled_.resize(dims_.size(), false);
    meta_dirty_ = true;
    return h;
  }
  bool changed
      = before.chart_name != now.chart_name || before.dim_name != now.dim_name;
  auto& d = dims_[h.id];
  if (d.ue != now.update_every) {
    // Like the ring modes, a new update_every starts the dimension over.
    auto last = d.last_s;
    open_points_ -= std::min<uint64_t>(open_points_, d.t[0].times.size());
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
    if (h.id < journaled_.size() && journaled_[h.id] && !journal_broken_)
      batch_.dimension(h.id, now, d.valid_after_s);
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

// -- writing
// ----------------------------------------------------------------------

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
  t0.times.push_back(x.time_s);
  t0.values.push_back(pack(x.value, x.flags));
  ++open_points_;
  d.last_s = x.time_s;
  if (!replaying_ && !journal_broken_) {
    if (!journaled_[h.id]) {
      journaled_[h.id] = true;
      batch_.dimension(h.id, *registry_.info(h), d.valid_after_s);
    }
    batch_.point(h.id, x);
    if (batch_.size() > max_batch_bytes) {
      // maintain() is late: the next generation carries these points.
      batch_.clear();
      journal_broken_ = true;
    }
  }
  if (tiers_ > 1)
    aggregate(h.id, 1, point_of(x));
  if (t0.times.size() >= page_points_)
    write_page(h.id, 0);
  return true;
}

void dbengine::make_room(uint32_t id) {
  // While the disk fails, waiting points may grow by the page cache budget;
  // beyond it the oldest points of the dimension being appended go.
  auto budget = std::max<uint64_t>(cache_limit_ / 12, page_points_);
  if (open_points_ <= degraded_base_points_ + budget)
    return;
  auto& t0 = dims_[id].t[0];
  if (t0.times.empty())
    return;
  auto k = std::max<size_t>(t0.times.size() / 8, 1);
  t0.times.erase(t0.times.begin(),
                 t0.times.begin() + static_cast<std::ptrdiff_t>(k));
  t0.values.erase(t0.values.begin(),
                  t0.values.begin() + static_cast<std::ptrdiff_t>(k));
  open_points_ -= std::min<uint64_t>(open_points_, k);
  dropped_points_ += k;
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
  dbengine_metadata meta;
  meta.host_guid = host_guid_;
  for (auto h : registry_.handles())
    meta.dimensions.push_back(describe(h.id));
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
  if (auto err = fs_->write_atomic(path, encode_metadata(meta))) {
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
  size_t n = tier == 0 ? t.times.size() : t.points.size();
  if (n == 0)
    return {};
  if (degraded_ && !retry)
    return {}; // maintain() retries
  auto ue = static_cast<uint32_t>(bucket_seconds(d, tier));
  auto record = tier == 0 ? encode_page(id, ue, t.times.data(), t.values.data(),
                                        n, codec_)
                          : encode_tier_page(id, static_cast<uint8_t>(tier), ue,
                                             t.points.data(), n, codec_);
  page_ref ref;
  ref.first_s = tier == 0 ? t.times.front() : t.points.front().end_s;
  ref.last_s = tier == 0 ? t.times.back() : t.points.back().end_s;
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
  t.times.clear();
  t.values.clear();
  t.points.clear();
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

// -- the journal
// ------------------------------------------------------------------

bool dbengine::rotate_journal(bool clean) {
  // A generation starts with every dimension's identity and open state, in
  // records of a few MB, replacing the old file atomically. After a clean
  // close it carries only the unfinished buckets, and a mark.
  journal_batch b;
  std::string out;
  uint64_t raw = 0;
  for (uint32_t id = 0; id < dims_.size(); ++id) {
    auto d = describe(id);
    if (d.info.key.chart_id.empty())
      continue; // a placeholder
    b.dimension(id, d.info, d.valid_after_s);
    b.state(id, encode_state(id));
    if (b.size() >= (4u << 20)) {
      raw += b.size();
      out += b.finish(true);
    }
  }
  if (clean)
    b.state(clean_mark, "clean");
  raw += b.size();
  if (b.events() > 0)
    out += b.finish(true);
  if (auto err = fs_->write_atomic(journal_path(), out)) {
    note_failure(err);
    journal_broken_ = true;
    batch_.clear();
    return false;
  }
  journaled_.assign(dims_.size(), true);
  batch_.clear();
  journal_broken_ = false;
  journal_bytes_ = out.size();
  // The next generation comes when the batches outgrow twice the state
  // encoded here: encoding and compressing it then costs about half of
  // what the batches cost.
  snapshot_bytes_ = raw;
  stats_.journal_bytes += out.size();
  return true;
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
        auto n = tier == 0 ? t.times.size() : t.points.size();
        auto full
            = tier == 0 ? page_points_ : std::max<size_t>(page_points_ / 4, 1);
        if (n >= full && write_page(id, tier, true))
          ok = false;
      }
  }
  if (ok && meta_dirty_ && write_metadata())
    ok = false;
  auto limit = std::max<uint64_t>(2 * snapshot_bytes_, uint64_t{1} << 20)
               + snapshot_bytes_;
  if (!journal_on_) {
    // nop
  } else if (journal_broken_ || journal_bytes_ > limit) {
    if (rotate_wait_ > 0) {
      --rotate_wait_;
      ok = false;
    } else if (rotate_journal()) {
      rotate_backoff_ = 1;
    } else {
      ok = false;
      rotate_wait_ = rotate_backoff_;
      rotate_backoff_ = std::min(rotate_backoff_ * 2, 8u);
    }
  } else if (batch_.events() > 0) {
    auto record = batch_.finish(true);
    if (auto err = fs_->append(journal_path(), record)) {
      note_failure(err);
      journal_broken_ = true;
      ok = false;
    } else {
      journal_bytes_ += record.size();
      stats_.journal_bytes += record.size();
    }
  }
  if (ok && degraded_ && (!journal_on_ || !journal_broken_))
    degraded_ = false;
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
  h.journal_bytes = journal_bytes_;
  h.disk_bytes += journal_bytes_;
  return h;
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

uint64_t dbengine::disk_bytes(size_t tier) const noexcept {
  return tier < max_tiers ? disk_bytes_[tier] : 0;
}

// -- reading
// ------------------------------------------------------------------------

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
  for (size_t k = 0; k < t0.times.size(); ++k)
    add(t0.times[k], t0.values[k]);
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
