// Opening a dbengine directory: metadata, datafiles and dimension identities.

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"
#include "storage/dbengine.hpp"
#include "storage/dbengine_detail.hpp"
#include "storage/storage_number.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tributary::storage {

using namespace dbengine_detail;

namespace {

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
  std::string torn;
  for (size_t k = 0; k < found.size(); ++k) {
    auto [tier, seq] = found[k];
    bool newest = k + 1 == found.size() || found[k + 1].first != tier;
    scan_datafile(tier, seq, newest, file_defs, pages, torn);
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
  if (journal_on_) {
    replay_journal();
    // A new journal generation: the replayed state, without a torn tail.
    rotate_journal();
  }
  if (!torn.empty())
    recovery_ += (recovery_.empty() ? "" : "; ") + torn;
}

void dbengine::scan_datafile(size_t tier, uint64_t seq, bool newest,
                             std::map<uint32_t, dbengine_dimension>& defs,
                             std::vector<scanned_page>& out,
                             std::string& torn) {
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
  auto note_torn = [&](const std::string& what) {
    torn += (torn.empty() ? "" : "; ") + path + ": " + what;
  };
  char magic_bytes[4];
  char dmagic_bytes[4];
  std::memcpy(magic_bytes, &page_magic, 4); // little-endian hosts only
  std::memcpy(dmagic_bytes, &dimension_record_magic, 4);
  std::string_view magic{magic_bytes, 4};
  std::string_view dmagic{dmagic_bytes, 4};
  // The end of the newest datafile from `at` on holds no whole record but
  // begins as a record does: an append a crash cut short (its points are in
  // the journal). Cut it, so the next load finds the file whole; anything
  // else is damage, reported and left as it is.
  auto torn_tail = [&](size_t at, ec code, const std::string& what) {
    auto n = std::min<size_t>(4, all.size() - at);
    auto head = all.substr(at, n);
    if (!newest || (head != magic.substr(0, n) && head != dmagic.substr(0, n)))
      return report(code, at, what);
    if (auto err = fs_->truncate(path, at))
      return report(code, at, what + " (cannot cut it: " + err.message + ")");
    files_[tier].back().size = at;
    disk_bytes_[tier] -= all.size() - at;
    note_torn("cut a torn tail of " + std::to_string(all.size() - at)
              + " bytes at offset " + std::to_string(at));
  };
  uint32_t file_tier = 0;
  uint64_t file_seq = 0;
  if (!parse_datafile_header(all, file_tier, file_seq) || file_tier != tier
      || file_seq != seq) {
    auto short_file = all.size() < datafile_header_size;
    if (!short_file || !newest) {
      report(short_file ? ec::truncated : ec::corruption, 0,
             "bad datafile header, file skipped");
      return;
    }
    // The newest, shorter than its header: the append that created it was
    // cut short by a crash, and nothing is in it yet.
    if (auto err = fs_->remove(path)) {
      report(ec::truncated, 0,
             "bad datafile header, file skipped (cannot remove it: "
                 + err.message + ")");
      return;
    }
    files_[tier].pop_back();
    disk_bytes_[tier] -= all.size();
    note_torn("removed a datafile torn in its header");
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
      torn_tail(pos, ec::truncated, "truncated page header");
      return;
    }
    if (!parse_page_header(all.substr(pos), h)) {
      // Resynchronize on the next intact page header or dimension record.
      auto next = pos + 1;
      for (;; ++next) {
        auto a = all.find(magic, next);
        auto b = all.find(dmagic, next);
        next = std::min(a, b);
        if (next == std::string_view::npos) {
          torn_tail(pos, ec::corruption, "bad page header");
          return;
        }
        if (next == b && parse_dimension_record(all.substr(next), def_id, def))
          break;
        if (next == a && parse_page_header(all.substr(next), h))
          break;
      }
      report(ec::corruption, pos, "bad page header");
      pos = next;
      continue;
    }
    auto record = page_header_size + size_t{h.payload_size};
    if (all.size() - pos < record) {
      torn_tail(pos, ec::truncated, "truncated page");
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

} // namespace tributary::storage
