#pragma once

// Chart definitions as proc.plugin 1.37.1 creates them: names, priorities,
// option slots and labels.

#include "protocol/chart_def.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::procfs {

inline constexpr const char* plugin_name = "proc.plugin";

// The option slots as a 1.37.1 sender prints them.
inline constexpr const char* no_options = "   ";
inline constexpr const char* detail_options = " detail  ";
inline constexpr const char* no_dim_options = "  ";
inline constexpr const char* hidden_dim_options = " hidden ";

/// A dimension with proc.plugin's option slots; `name` empty = the id.
dimension_def dim(std::string id, const char* algorithm, int64_t multiplier,
                  int64_t divisor, std::string name = {});

struct chart_spec {
  std::string type;
  std::string id;
  std::string family;
  std::string context; // empty: type.id
  std::string title;
  std::string units;
  const char* module;
  int64_t priority;
  int64_t update_every;
  const char* chart_type;
  bool detail = false;
};

/// The definition of a chart with its labels (_collect_plugin,
/// _collect_module, then `extra`).
chart_def make_chart(const chart_spec& s, std::vector<dimension_def> dims,
                     std::vector<std::pair<std::string, std::string>> extra
                     = {});

// Priorities of Netdata 1.37.1 (collectors/all.h).
inline constexpr int64_t prio_system_cpu = 100;
inline constexpr int64_t prio_system_load = 100;
inline constexpr int64_t prio_system_io = 150;
inline constexpr int64_t prio_system_pgpgio = 151;
inline constexpr int64_t prio_system_ram = 200;
inline constexpr int64_t prio_system_swap = 201;
inline constexpr int64_t prio_system_swapio = 250;
inline constexpr int64_t prio_system_net = 500;
inline constexpr int64_t prio_system_processes = 600;
inline constexpr int64_t prio_system_forks = 700;
inline constexpr int64_t prio_system_active_processes = 750;
inline constexpr int64_t prio_system_ctxt = 800;
inline constexpr int64_t prio_system_intr = 900;
inline constexpr int64_t prio_system_uptime = 1000;
inline constexpr int64_t prio_cpu_per_core = 1000;
inline constexpr int64_t prio_mem_available = 1010;
inline constexpr int64_t prio_mem_committed = 1030;
inline constexpr int64_t prio_mem_pgfaults = 1040;
inline constexpr int64_t prio_mem_kernel = 1100;
inline constexpr int64_t prio_mem_slab = 1200;
inline constexpr int64_t prio_disk_io = 2000;
inline constexpr int64_t prio_disk_ops = 2010;
inline constexpr int64_t prio_first_net_iface = 7000;

inline constexpr int64_t min_loadavg_update_every = 5;
inline constexpr int64_t bits_in_a_kilobit = 1000;
inline constexpr int64_t kilobits_in_a_megabit = 1000;

enum class disk_type { unknown, physical, partition, virtual_disk };

enum class duplex { unknown, half, full };

enum class operstate {
  unknown,
  notpresent,
  down,
  lowerlayerdown,
  testing,
  dormant,
  up
};

operstate to_operstate(std::string_view s);

/// Netdata's "disable by default interfaces matching" default.
bool netdev_disabled_by_default(std::string_view name);

/// Netdata's "exclude disks" default.
bool disk_excluded_by_default(std::string_view name);

} // namespace tributary::procfs
