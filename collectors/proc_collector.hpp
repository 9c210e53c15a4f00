#pragma once

// The built-in collector of localhost: reads /proc (and /sys) the way Netdata
// 1.37.1's proc.plugin does and produces the same charts with the same raw
// collected integers, so that the chart algorithms (incremental,
// percentage-of-incremental-row, ...) give Netdata's numbers.
//
// Plain C++: no CAF, no threads, no clock of its own. The caller (the
// collector actor) calls `collect()` once per update_every with the time.

#include "protocol/chart_def.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tributary {

namespace procfs {
struct netdev;
struct disk;
} // namespace procfs

/// Where a proc_collector reads from; defaults are the live system.
struct proc_collector_config {
  /// Directory standing for /proc (e.g. a directory of fixture files).
  std::string proc_root = "/proc";
  /// Directory standing for /sys (interface and block device attributes).
  std::string sys_root = "/sys";
  /// Seconds between collections (Netdata's `update every`).
  int64_t update_every = 1;
  /// Bytes of a memory page (multiplier of system.swapio); 0 = sysconf.
  int64_t page_size = 0;
};

/// Reads /proc once per `collect()` and yields one row per chart.
///
/// Charts (ids, metadata and dimension order as proc.plugin 1.37.1 creates
/// them): from /proc/stat system.cpu, cpu.cpuN, system.intr, system.ctxt,
/// system.forks, system.processes; /proc/uptime system.uptime; /proc/loadavg
/// system.load (every 5 s at most, like Netdata), system.active_processes;
/// /proc/vmstat system.swapio (when swap was used), system.pgpgio,
/// mem.pgfaults; /proc/meminfo system.ram, mem.available, system.swap (when
/// there is swap), mem.committed, mem.writeback, mem.kernel, mem.slab;
/// /proc/diskstats disk.<dev>, disk_ops.<dev> (physical and virtual disks with
/// traffic), system.io (physical disks); /proc/net/dev net.<iface>,
/// net_speed/net_duplex/net_operstate/net_carrier/net_mtu.<iface> (from /sys),
/// net_packets.<iface>, system.net (physical interfaces).
///
/// Charts appear when Netdata would create them (e.g. net.<iface> once the
/// interface moved bytes); a chart never disappears.
class proc_collector {
public:
  explicit proc_collector(proc_collector_config cfg = {});
  ~proc_collector();

  proc_collector(const proc_collector&) = delete;
  proc_collector& operator=(const proc_collector&) = delete;

  /// Every chart found so far, in the order they were created (Netdata's
  /// order). Empty before the first `collect()`.
  std::vector<chart_def> definitions() const;

  /// Reads the files once and appends one row per chart collected now, with
  /// the raw values in the chart's dimension order; `microseconds` is the
  /// time since that chart's previous row (0 on its first), `now_usec` the
  /// given time. Files that are missing or unreadable produce no rows.
  void collect(uint64_t now_usec, std::vector<chart_row>& out);

  /// Ids of the charts created by the last `collect()` (their definitions
  /// must reach the host before their rows).
  const std::vector<std::string>& new_charts() const noexcept {
    return new_charts_;
  }

  /// The definition of a chart, or nullptr.
  const chart_def* find(const std::string& chart_id) const;

private:
  struct chart_entry {
    chart_def def;
    uint64_t last_usec = 0;
    bool collected = false;
  };

  using netdev = procfs::netdev;
  using disk = procfs::disk;

  /// Returns the chart `id`, creating it with `make()` the first time.
  template <class Make>
  chart_entry& chart(const std::string& id, Make make);

  /// Appends a row of `e` with `values`.
  void row(chart_entry& e, std::vector<int64_t> values);

  void do_stat();
  void do_uptime();
  void do_loadavg();
  void do_vmstat();
  void do_meminfo();
  void do_diskstats();
  void do_net_dev();

  netdev& net_device(const std::string& name);
  void net_bandwidth_charts(netdev& d, int64_t rbytes, int64_t tbytes);
  void net_state_charts(netdev& d);
  void net_packets_chart(netdev& d, int64_t rpackets, int64_t tpackets,
                         int64_t rmulticast);
  disk& block_device(const std::string& name, unsigned long major,
                     unsigned long minor);
  void read_mounts();

  std::string proc(const char* rel) const;
  std::string sys(const std::string& rel) const;

  proc_collector_config cfg_;
  std::map<std::string, chart_entry> charts_;
  std::vector<std::string> order_;
  std::vector<std::string> new_charts_;

  // Per-collect scratch.
  uint64_t now_ = 0;
  uint64_t dt_ = 0;
  uint64_t last_collect_ = 0;
  bool first_collect_ = true;
  std::vector<chart_row>* out_ = nullptr;

  // Module state, as Netdata keeps it in statics.
  uint64_t next_loadavg_dt_ = 0;
  bool meminfo_first_read_ = true;
  bool meminfo_has_percpu_ = false;
  bool do_swap_ = false;
  bool do_swapio_ = false;
  bool do_system_io_ = false;
  bool do_system_net_ = false;
  std::map<std::string, std::unique_ptr<netdev>> netdevs_;
  std::map<std::string, std::unique_ptr<disk>> disks_;
  struct mount {
    unsigned long major = 0;
    unsigned long minor = 0;
    std::string source; // basename of the mount source
    std::string point;
  };
  std::vector<mount> mounts_;
  bool mounts_read_ = false;
};

} // namespace tributary
