// /proc/diskstats: charts as proc.plugin 1.37.1 makes them.

#include "collectors/proc_devices.hpp"
#include "collectors/procfile.hpp"

#include <cstring>
#include <dirent.h>

namespace tributary {

using namespace procfs;

void proc_collector::read_mounts() {
  mounts_read_ = true;
  std::string mi;
  if (read_file(proc("/self/mountinfo"), mi)) {
    // id parent major:minor root mount_point options [tags] - fs source
    for (auto& mws : split(mi, " \t")) {
      if (mws.size() < 10)
        continue;
      auto mmn = mws[2];
      auto colon = mmn.find(':');
      if (colon == std::string_view::npos)
        continue;
      size_t sep = 6;
      while (sep < mws.size() && mws[sep] != "-")
        ++sep;
      if (sep + 2 >= mws.size())
        continue;
      auto src = mws[sep + 2];
      auto slash = src.rfind('/');
      if (slash != std::string_view::npos)
        src = src.substr(slash + 1);
      mount m;
      m.major = static_cast<unsigned long>(str2ull(mmn.substr(0, colon)));
      m.minor = static_cast<unsigned long>(str2ull(mmn.substr(colon + 1)));
      m.source = std::string{src};
      m.point = std::string{mws[4]};
      mounts_.push_back(std::move(m));
    }
  }
}

proc_collector::disk& proc_collector::block_device(const std::string& name,
                                                   unsigned long major,
                                                   unsigned long minor) {
  auto& slot = disks_[name];
  if (slot)
    return *slot;
  slot = std::make_unique<disk>();
  auto& d = *slot;
  d.device = name;
  d.major = major;
  d.minor = minor;
  auto mm = "/dev/block/" + std::to_string(major) + ":" + std::to_string(minor);
  if (exists(sys("/block/" + name)))
    d.type = disk_type::physical;
  if (exists(sys(mm + "/partition"))) {
    d.type = disk_type::partition;
  } else if (exists(sys("/devices/virtual/block/" + name))) {
    d.type = disk_type::virtual_disk;
  } else if (auto* dir = ::opendir(sys(mm + "/slaves/").c_str())) {
    while (auto* ent = ::readdir(dir)) {
      if (std::strcmp(ent->d_name, ".") == 0
          || std::strcmp(ent->d_name, "..") == 0)
        continue;
      d.type = disk_type::virtual_disk;
      break;
    }
    ::closedir(dir);
  }
  if (!mounts_read_)
    read_mounts();
  // The first mount of this major:minor whose source is this device.
  for (auto& m : mounts_) {
    if (m.major == major && m.minor == minor && m.source == name) {
      d.mount_point = m.point;
      break;
    }
  }
  d.performance
      = !disk_excluded_by_default(name) && d.type != disk_type::partition;
  return d;
}

void proc_collector::do_diskstats() {
  std::string text;
  if (!read_file(proc("/diskstats"), text))
    return;
  const char* module = "/proc/diskstats";
  auto ue = cfg_.update_every;
  int64_t system_read_kb = 0, system_write_kb = 0;
  for (auto& ws : split(text, " \t")) {
    if (ws.size() < 14)
      continue;
    auto major = static_cast<unsigned long>(str2ull(ws[0]));
    auto minor = static_cast<unsigned long>(str2ull(ws[1]));
    std::string name{ws[2]};
    int64_t reads = num(ws[3]), readsectors = num(ws[5]);
    int64_t writes = num(ws[7]), writesectors = num(ws[9]);
    int64_t discards = 0, discardsectors = 0, flushes = 0;
    if (ws.size() > 13) {
      discards = num(word(ws, 14));
      discardsectors = num(word(ws, 16));
    }
    if (ws.size() > 17)
      flushes = num(word(ws, 18));
    auto& d = block_device(name, major, minor);
    if (d.type == disk_type::physical) {
      system_read_kb += readsectors * d.sector_size / 1024;
      system_write_kb += writesectors * d.sector_size / 1024;
    }
    if (!d.performance)
      continue;
    std::string family = d.mount_point.empty() ? d.device : d.mount_point;
    auto labels = [&] {
      const char* type = "unknown";
      switch (d.type) {
      case disk_type::physical:
        type = "physical";
        break;
      case disk_type::partition:
        type = "partition";
        break;
      case disk_type::virtual_disk:
        type = "virtual";
        break;
      default:
        break;
      }
      return std::vector<std::pair<std::string, std::string>>{
          {"device", d.device},
          {"mount_point", d.mount_point.empty() ? "[none]" : d.mount_point},
          {"device_type", type}};
    };
    if (d.do_io || readsectors != 0 || writesectors != 0
        || discardsectors != 0) {
      d.do_io = true;
      auto& e = chart("disk." + d.device, [&] {
        chart_spec s{
            "disk",  d.device, family,       "disk.io", "Disk I/O Bandwidth",
            "KiB/s", module,   prio_disk_io, ue,        "area"};
        return make_chart(s,
                          {dim("reads", "incremental", d.sector_size, 1024),
                           dim("writes", "incremental", -d.sector_size, 1024)},
                          labels());
      });
      row(e, {readsectors, writesectors});
    }
    if (d.do_ops || reads != 0 || writes != 0 || discards != 0
        || flushes != 0) {
      d.do_ops = true;
      auto& e = chart("disk_ops." + d.device, [&] {
        chart_spec s{"disk_ops",
                     d.device,
                     family,
                     "disk.ops",
                     "Disk Completed I/O Operations",
                     "operations/s",
                     module,
                     prio_disk_ops,
                     ue,
                     "line",
                     true};
        return make_chart(s,
                          {dim("reads", "incremental", 1, 1),
                           dim("writes", "incremental", -1, 1)},
                          labels());
      });
      row(e, {reads, writes});
    }
  }
  if (do_system_io_ || system_read_kb != 0 || system_write_kb != 0) {
    do_system_io_ = true;
    auto& e = chart("system.io", [&] {
      chart_spec s{"system", "io",   "disk",         "", "Disk I/O",
                   "KiB/s",  module, prio_system_io, ue, "area"};
      return make_chart(s, {dim("in", "incremental", 1, 1),
                            dim("out", "incremental", -1, 1)});
    });
    row(e, {system_read_kb, system_write_kb});
  }
}

} // namespace tributary
