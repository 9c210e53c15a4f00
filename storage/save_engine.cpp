#include "storage/save_engine.hpp"

#include "storage/save_file.hpp"

namespace tributary::storage {

std::string save_file_path(const engine_options& opts) {
  auto dir = opts.directory.empty() ? std::string{"."} : opts.directory;
  auto name = opts.host_guid.empty() ? std::string{"localhost"}
                                     : opts.host_guid;
  return dir + "/tributary-" + name + ".save";
}

save_engine::save_engine(const engine_options& opts)
  : ram_engine(opts, memory_mode::save),
    fs_(opts.fs != nullptr ? opts.fs : &posix_filesystem()),
    directory_(opts.directory.empty() ? "." : opts.directory),
    path_(save_file_path(opts)),
    host_guid_(opts.host_guid) {
  load();
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
  for (auto& d : snap->dimensions) {
    auto h = add_dimension(d.info);
    if (auto* r = ring(h))
      r->restore(d.slots, d.last_time_s);
  }
}

error save_engine::flush() {
  if (closed_)
    return {};
  save_snapshot snap;
  snap.host_guid = host_guid_;
  snap.slots_per_dimension = slots();
  for (auto h : dimensions()) {
    saved_dimension d;
    d.info = *info(h);
    d.info.update_every = update_every(h);
    auto* r = static_cast<const ram_engine*>(this)->ring(h);
    d.last_time_s = r->last_time_s();
    d.slots = r->raw();
    snap.dimensions.push_back(std::move(d));
  }
  if (auto err = fs_->make_directories(directory_))
    return err;
  return fs_->write_atomic(path_, encode_save_file(snap));
}

error save_engine::close() {
  if (closed_)
    return {};
  auto err = flush();
  closed_ = true;
  return err;
}

} // namespace tributary::storage
