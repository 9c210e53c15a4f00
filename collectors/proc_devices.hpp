#pragma once

// What proc_collector remembers per network interface and block device.

#include "collectors/proc_charts.hpp"
#include "collectors/proc_collector.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tributary {
namespace procfs {

/// An interface of /proc/net/dev.
struct netdev {
  std::string name;
  bool enabled = true;
  bool is_virtual = false;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string filename_speed;
  std::string filename_duplex;
  std::string filename_operstate;
  std::string filename_carrier;
  std::string filename_mtu;
  bool do_bandwidth = false; // auto until traffic seen
  bool do_packets = false;
  bool carrier_file_exists = false;
  bool speed_file_exists = false;
  bool has_bandwidth_chart = false;
  uint64_t carrier = 0;
  uint64_t mtu = 0;
  uint64_t speed = 0;
  duplex dup = duplex::unknown;
  operstate state = operstate::unknown;
};

/// A block device of /proc/diskstats.
struct disk {
  std::string device;
  unsigned long major = 0;
  unsigned long minor = 0;
  disk_type type = disk_type::unknown;
  std::string mount_point;
  bool performance = false;
  bool do_io = false;
  bool do_ops = false;
  int64_t sector_size = 512; // Netdata 1.37.1 always assumes 512
};

} // namespace procfs

template <class Make>
proc_collector::chart_entry& proc_collector::chart(const std::string& id,
                                                   Make make) {
  auto i = charts_.find(id);
  if (i != charts_.end())
    return i->second;
  auto& e = charts_[id];
  e.def = make();
  order_.push_back(id);
  new_charts_.push_back(id);
  return e;
}

} // namespace tributary
