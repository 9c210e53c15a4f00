#include "storage/map_engine.hpp"

#include "storage/byte_io.hpp"
#include "storage/crc32c.hpp"

#include <cstdio>
#include <cstring>

namespace tributary::storage {

namespace {

// The map file layout (docs/storage.md, "Map files").
constexpr std::string_view magic = "TRIBMAP1";
constexpr uint32_t version = 1;
constexpr size_t header_size = 4096;
constexpr size_t position_at = 4032;
constexpr size_t position_covered = 32; // head, size, last, clean, slots crc

size_t file_size_for(size_t slots) {
  return header_size + slots * sizeof(storage_number);
}

std::string sanitize(const std::string& x) {
  std::string out = x;
  for (auto& c : out)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      c = '_';
  return out;
}

bool ends_with(const std::string& x, std::string_view suffix) {
  return x.size() >= suffix.size()
         && x.compare(x.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

map_engine::map_engine(const engine_options& opts)
    : registered_engine(opts.update_every),
      fs_(opts.fs != nullptr ? opts.fs : &posix_filesystem()),
      directory_(opts.directory.empty() ? "." : opts.directory),
      slots_(static_cast<size_t>(
          aligned_history(memory_mode::map, opts.history))) {
  load();
}

map_engine::~map_engine() {
  if (!closed_)
    close();
}

memory_mode map_engine::mode() const noexcept {
  return memory_mode::map;
}

std::string map_engine::path_of(const dimension_key& key) const {
  auto id = key.chart_id + '\0' + key.dim_id;
  char crc[16];
  std::snprintf(crc, sizeof(crc), "-%08x.tmap", crc32c(id.data(), id.size()));
  return directory_ + "/" + sanitize(key.chart_id) + "." + sanitize(key.dim_id)
         + crc;
}

// -- opening
// ------------------------------------------------------------------------

void map_engine::load() {
  if (auto err = fs_->make_directories(directory_))
    diagnostics_.push_back(err);
  auto names = fs_->list(directory_);
  if (!names) {
    diagnostics_.push_back(names.err());
    return;
  }
  for (auto& name : *names)
    if (ends_with(name, ".tmap"))
      load_file(name);
}

bool map_engine::load_file(const std::string& name) {
  auto path = directory_ + "/" + name;
  auto reject = [&](ec code, size_t at, const std::string& what) {
    diagnostics_.emplace_back(code,
                              path + ": " + what + " at offset "
                                  + std::to_string(at)
                                  + "; the dimension starts empty",
                              at);
    fs_->remove(path);
    return false;
  };
  auto size = fs_->file_size(path);
  if (!size) {
    diagnostics_.push_back(size.err());
    return false;
  }
  if (*size < header_size)
    return reject(ec::truncated, *size, "file ends in the header");
  auto head = fs_->read_range(path, 0, header_size);
  if (!head || head->size() != header_size)
    return reject(ec::io_error, 0, "cannot read the header");
  byte_reader r{*head};
  std::string_view m;
  uint32_t ver = 0;
  uint32_t hsize = 0;
  uint64_t slots = 0;
  uint32_t ue = 0;
  uint32_t reserved = 0;
  dimension_info info;
  r.bytes(magic.size(), m);
  if (m != magic)
    return reject(ec::corruption, 0, "wrong magic (not a map file)");
  r.uint(ver);
  r.uint(hsize);
  r.uint(slots);
  r.uint(ue);
  r.uint(reserved);
  bool ok = r.str16(info.key.chart_id) && r.str16(info.key.dim_id)
            && r.str16(info.chart_name) && r.str16(info.dim_name);
  auto covered = r.pos();
  uint32_t crc = 0;
  if (!ok || covered + 4 > position_at || !r.uint(crc)
      || crc != crc32c(head->data(), covered))
    return reject(ec::corruption, covered, "header checksum mismatch");
  if (ver != version || hsize != header_size || ue == 0 || ue > 86400)
    return reject(ec::corruption, 8, "unsupported header");
  if (path_of(info.key) != path)
    return reject(ec::corruption, 32, "file name does not match its key");
  if (slots != slots_) {
    // The history setting changed: start over, as Netdata does.
    fs_->remove(path);
    return false;
  }
  auto want = file_size_for(slots_);
  if (*size < want)
    return reject(ec::truncated, *size, "file ends in the slots");
  if (*size > want)
    return reject(ec::corruption, want, "trailing bytes after the slots");
  byte_reader p{std::string_view{*head}.substr(position_at)};
  dimension_ring::position at;
  uint32_t clean = 0;
  uint32_t slots_crc = 0;
  uint32_t pos_crc = 0;
  p.uint(at.head);
  p.uint(at.size);
  p.i64(at.last_time_s);
  p.uint(clean);
  p.uint(slots_crc);
  p.uint(pos_crc);
  if (pos_crc != crc32c(head->data() + position_at, position_covered)
      || at.head >= slots_ || at.size > slots_ || clean > 1)
    return reject(ec::corruption, position_at, "position checksum mismatch");
  auto mapped = fs_->map(path, want);
  if (!mapped) {
    diagnostics_.push_back(mapped.err());
    return false;
  }
  auto& file = *mapped;
  auto* data = reinterpret_cast<storage_number*>(file->data() + header_size);
  if (clean == 1
      && slots_crc != crc32c(data, slots_ * sizeof(storage_number))) {
    file.reset();
    return reject(ec::corruption, header_size, "slot checksum mismatch");
  }
  info.update_every = static_cast<int>(ue);
  register_dimension(info);
  dims_.push_back(dim{path, std::move(file),
                      dimension_ring{data, slots_, static_cast<int>(ue), at},
                      clean == 1});
  return true;
}

map_engine::dim map_engine::open_dimension(const dimension_info& info) {
  auto path = path_of(info.key);
  fs_->remove(path);
  auto mapped = fs_->map(path, file_size_for(slots_));
  if (!mapped) {
    ++failed_writes_;
    last_error_ = mapped.err().message;
    diagnostics_.emplace_back(mapped.err().code,
                              mapped.err().message
                                  + "; keeping the dimension in memory");
    return dim{path, nullptr, dimension_ring{slots_, info.update_every}, false};
  }
  auto* data
      = reinterpret_cast<storage_number*>((*mapped)->data() + header_size);
  dim d{path, std::move(*mapped),
        dimension_ring{data, slots_, info.update_every, {}}, false};
  write_header(d, info);
  if (d.file != nullptr)
    write_position(d, false);
  return d;
}

void map_engine::write_header(dim& d, const dimension_info& info) {
  if (d.file == nullptr)
    return;
  std::string out{magic};
  put_u32(out, version);
  put_u32(out, header_size);
  put_u64(out, slots_);
  put_u32(out, static_cast<uint32_t>(info.update_every));
  put_u32(out, 0);
  for (auto* x :
       {&info.key.chart_id, &info.key.dim_id, &info.chart_name, &info.dim_name})
    put_str16(out, x->size() < 1024 ? *x : std::string{});
  put_u32(out, crc32c(out.data(), out.size()));
  if (out.size() > position_at || info.key.chart_id.size() >= 1024
      || info.key.dim_id.size() >= 1024) {
    // An id this long does not fit the header: keep the ring in memory.
    diagnostics_.emplace_back(ec::internal,
                              d.path
                                  + ": names too long for a map file; "
                                    "keeping the dimension in memory");
    auto ring = dimension_ring{d.ring};
    fs_->remove(d.path);
    d.file.reset();
    d.ring = std::move(ring);
    return;
  }
  std::memcpy(d.file->data(), out.data(), out.size());
}

void map_engine::write_position(dim& d, bool clean) {
  if (d.file == nullptr)
    return;
  auto at = d.ring.where();
  uint32_t slots_crc
      = clean ? crc32c(d.ring.data(), slots_ * sizeof(storage_number)) : 0;
  std::string out;
  put_u64(out, at.head);
  put_u64(out, at.size);
  put_u64(out, static_cast<uint64_t>(at.last_time_s));
  put_u32(out, clean ? 1 : 0);
  put_u32(out, slots_crc);
  put_u32(out, crc32c(out.data(), out.size()));
  std::memcpy(d.file->data() + position_at, out.data(), out.size());
  d.clean = clean;
}

// -- registration and data
// -------------------------------------------------------

dimension_handle map_engine::add_dimension(const dimension_info& info) {
  auto r = register_dimension(info);
  auto& now = *registry_.info(r.h);
  if (r.is_new) {
    dims_.push_back(open_dimension(now));
    return r.h;
  }
  auto& d = dims_[r.h.id];
  if (r.before.update_every != now.update_every) {
    d.file.reset();
    d = open_dimension(now);
  } else {
    write_header(d, now);
  }
  return r.h;
}

bool map_engine::append(dimension_handle h, const sample& x) {
  if (closed_ || !h.valid() || h.id >= dims_.size())
    return false;
  auto& d = dims_[h.id];
  if (!d.ring.put(x))
    return false;
  write_position(d, false);
  return true;
}

std::vector<sample> map_engine::query(dimension_handle h, int64_t after_s,
                                      int64_t before_s) const {
  if (!h.valid() || h.id >= dims_.size())
    return {};
  return dims_[h.id].ring.range(after_s, before_s);
}

int64_t map_engine::first_time_s(dimension_handle h) const {
  return h.valid() && h.id < dims_.size() ? dims_[h.id].ring.first_time_s() : 0;
}

int64_t map_engine::last_time_s(dimension_handle h) const {
  return h.valid() && h.id < dims_.size() ? dims_[h.id].ring.last_time_s() : 0;
}

error map_engine::flush() {
  if (closed_)
    return {};
  error first;
  for (auto& d : dims_) {
    if (d.file == nullptr || d.clean)
      continue;
    write_position(d, true);
    if (auto err = d.file->sync(); err && !first)
      first = std::move(err);
  }
  return first;
}

storage_health map_engine::health() const {
  storage_health h;
  h.last_error = last_error_;
  h.failed_writes = failed_writes_;
  for (auto& d : dims_) {
    if (d.file == nullptr) {
      h.degraded = true;
      h.pending_points += d.ring.size();
    } else {
      h.disk_bytes += d.file->size();
    }
  }
  return h;
}

error map_engine::close() {
  if (closed_)
    return {};
  auto err = flush();
  closed_ = true;
  return err;
}

} // namespace tributary::storage
