#include "storage/save_engine.hpp"

#include "storage/save_file.hpp"

#include <algorithm>

namespace tributary::storage {

std::string save_file_path(const engine_options& opts) {
  auto dir = opts.directory.empty() ? std::string{"."} : opts.directory;
  auto name
      = opts.host_guid.empty() ? std::string{"localhost"} : opts.host_guid;
  return dir + "/tributary-" + name + ".save";
}

save_engine::save_engine(const engine_options& opts)
    : ram_engine(opts, memory_mode::save),
      fs_(opts.fs != nullptr ? opts.fs : &posix_filesystem()),
      directory_(opts.directory.empty() ? "." : opts.directory),
      path_(save_file_path(opts)), host_guid_(opts.host_guid) {
  load();
  replay();
}

save_engine::~save_engine() {
  // The owner should close() and look at the result; this is a last resort.
  if (!closed_)
    close();
}

void save_engine::load() {
  auto bytes = fs_->read(path_);
  if (!bytes) {
    if (bytes.err().code != ec::not_found)
      diagnostics_.push_back(bytes.err());
    return;
  }
  auto snap = decode_save_file(*bytes, path_);
  if (!snap) {
    diagnostics_.push_back(snap.err());
    return;
  }
  if (snap->host_guid != host_guid_) {
    diagnostics_.emplace_back(ec::corruption,
                              path_ + ": belongs to host '" + snap->host_guid
                                  + "', not '" + host_guid_
                                  + "'; starting empty",
                              save_file_magic.size() + 16);
    return;
  }
  file_bytes_ = bytes->size();
  for (auto& d : snap->dimensions) {
    auto h = ram_engine::add_dimension(d.info);
    if (auto* r = ring(h))
      r->restore(d.slots, d.last_time_s);
  }
}

void save_engine::replay() {
  auto loaded = load_journal(*fs_, journal_path(), diagnostics_);
  if (!loaded)
    return;
  auto& j = *loaded;
  std::vector<dimension_handle> ids;
  uint64_t points = 0;
  uint64_t skipped = 0;
  size_t dims = 0;
  replaying_ = true;
  for (auto& e : j.events) {
    if (e.kind == journal_event::dimension) {
      if (ids.size() <= e.dim)
        ids.resize(e.dim + 1);
      if (!ids[e.dim].valid())
        ++dims;
      ids[e.dim] = ram_engine::add_dimension(e.info);
    } else if (e.kind == journal_event::point && e.dim < ids.size()
               && ids[e.dim].valid()) {
      // Points the file already holds are overwritten with themselves.
      if (ram_engine::append(ids[e.dim], e.x))
        ++points;
      else
        ++skipped;
    }
  }
  replaying_ = false;
  recovery_ = "journal replayed: " + std::to_string(points) + " points of "
              + std::to_string(dims) + " dimensions from "
              + std::to_string(j.records) + " records ("
              + std::to_string(skipped) + " too old)";
  if (j.dropped_bytes > 0)
    recovery_ += ", dropped " + std::to_string(j.dropped_bytes)
                 + " bytes at offset " + std::to_string(j.good_bytes) + " ("
                 + j.problem.message + ")";
  journal_.bytes = j.size();
  // Fold it into the file, which also cuts a torn tail.
  journal_.broken = true;
  if (rotate())
    journal_.broken = false;
}

dimension_handle save_engine::add_dimension(const dimension_info& info) {
  auto h = ram_engine::add_dimension(info);
  if (journaled_.size() <= h.id)
    journaled_.resize(h.id + 1, false);
  // A changed update_every restarts the ring: the journal must say so.
  if (journaled_[h.id] && !journal_.broken)
    batch_.dimension(h.id, *this->info(h), 0);
  return h;
}

size_t save_engine::append_rows(const dimension_handle* hs, const sample* xs,
                                size_t rows, size_t width) {
  // Row by row on purpose: ram_engine's column path would not journal.
  // NOLINTNEXTLINE(bugprone-parent-virtual-call)
  return engine::append_rows(hs, xs, rows, width);
}

bool save_engine::append(dimension_handle h, const sample& x) {
  if (!ram_engine::append(h, x))
    return false;
  ++unsaved_points_;
  if (!replaying_ && !journal_.broken) {
    if (journaled_.size() <= h.id)
      journaled_.resize(h.id + 1, false);
    if (!journaled_[h.id]) {
      journaled_[h.id] = true;
      auto copy = *info(h);
      copy.update_every = update_every(h);
      batch_.dimension(h.id, copy, 0);
    }
    batch_.point(h.id, x);
    if (batch_.size() >= journal_flush_bytes)
      maintain();
  }
  return true;
}

void save_engine::note_failure(const error& err) {
  ++failed_writes_;
  last_error_ = err.message;
  degraded_ = true;
}

bool save_engine::rotate() {
  if (flush())
    return false;
  if (auto err = fs_->remove(journal_path())) {
    note_failure(err);
    return false;
  }
  journaled_.assign(journaled_.size(), false);
  batch_.clear();
  journal_.bytes = 0;
  return true;
}

void save_engine::maintain() {
  if (closed_)
    return;
  auto limit = std::max<uint64_t>(file_bytes_, uint64_t{1} << 20);
  // A failed append: the next generation (a saved file) covers the batch.
  bool ok = flush_journal(
                journal_, batch_, *fs_, journal_path(), limit, false,
                [this] { return rotate(); },
                [this](const error& err) { note_failure(err); })
                .done;
  if (ok)
    degraded_ = false;
}

storage_health save_engine::health() const {
  storage_health h;
  h.degraded = degraded_;
  h.last_error = last_error_;
  h.failed_writes = failed_writes_;
  h.pending_points = unsaved_points_;
  h.journal_bytes = journal_.bytes;
  h.disk_bytes = file_bytes_ + journal_.bytes;
  return h;
}

error save_engine::flush() {
  if (closed_)
    return {};
  if (auto err = fs_->make_directories(directory_)) {
    note_failure(err);
    return err;
  }
  // Written in parts of about 1 MiB: every host saving at once (they all
  // backfill at once after an outage) held its whole file, twice.
  auto handles = dimensions();
  size_t next = 0;
  uint64_t bytes = 0;
  saved_dimension d;
  auto err = write_atomic_in_parts(*fs_, path_, [&](std::string& part) {
    if (next == 0)
      part = encode_save_header(host_guid_, slots(), handles.size());
    while (next < handles.size() && part.size() < (size_t{1} << 20)) {
      auto h = handles[next++];
      d.info = *info(h);
      d.info.update_every = update_every(h);
      auto* r = static_cast<const ram_engine*>(this)->ring(h);
      d.last_time_s = r->last_time_s();
      d.slots = r->raw();
      append_save_record(part, d);
    }
    bytes += part.size();
    return next < handles.size();
  });
  if (err) {
    note_failure(err);
    return err;
  }
  file_bytes_ = bytes;
  unsaved_points_ = 0;
  return {};
}

error save_engine::close() {
  if (closed_)
    return {};
  // The journal first: if the file cannot be saved, a restart replays it.
  if (!journal_.broken && batch_.events() > 0)
    maintain();
  auto err = flush();
  if (!err)
    fs_->remove(journal_path());
  closed_ = true;
  return err;
}

} // namespace tributary::storage
