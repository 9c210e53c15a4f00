#include "actors/proc_collector.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

namespace tributary {

namespace {

// -- reading /proc the way Netdata's procfile does ---------------------------

bool read_file(const std::string& path, std::string& out) {
  // POSIX reads: some /sys attributes fail with EINVAL at read(), which
  // must read as "unavailable", not throw.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  out.clear();
  char buf[4096];
  bool ok = true;
  for (;;) {
    auto n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      ok = false;
      break;
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return ok;
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), R_OK) == 0;
}

/// One line cut into words at any of `seps` (runs of separators count once).
using line_words = std::vector<std::string_view>;

std::vector<line_words> split(std::string_view text, std::string_view seps) {
  std::vector<line_words> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string_view::npos)
      eol = text.size();
    auto line = text.substr(pos, eol - pos);
    line_words ws;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && seps.find(line[i]) != std::string_view::npos)
        ++i;
      size_t start = i;
      while (i < line.size() && seps.find(line[i]) == std::string_view::npos)
        ++i;
      if (i > start)
        ws.push_back(line.substr(start, i - start));
    }
    lines.push_back(std::move(ws));
    pos = eol + 1;
  }
  return lines;
}

std::string_view word(const line_words& ws, size_t i) {
  return i < ws.size() ? ws[i] : std::string_view{};
}

/// Netdata's str2ull: leading decimal digits, anything else ends the number
/// ("-1" reads as 0).
uint64_t str2ull(std::string_view s) {
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      break;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

int64_t num(std::string_view s) {
  return static_cast<int64_t>(str2ull(s));
}

double str2d(std::string_view s) {
  std::string tmp{s};
  return std::strtod(tmp.c_str(), nullptr);
}

/// Netdata's read_single_number_file: false if unreadable.
bool read_number(const std::string& path, uint64_t& value) {
  std::string text;
  if (!read_file(path, text))
    return false;
  value = str2ull(text);
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size()
         && s.substr(s.size() - suffix.size()) == suffix;
}

// -- chart definitions --------------------------------------------------------

constexpr const char* plugin_name = "proc.plugin";

// The option slots as a 1.37.1 sender prints them.
constexpr const char* no_options = "   ";
constexpr const char* detail_options = " detail  ";
constexpr const char* no_dim_options = "  ";
constexpr const char* hidden_dim_options = " hidden ";

dimension_def dim(std::string id, const char* algorithm, int64_t multiplier,
                  int64_t divisor, std::string name = {}) {
  dimension_def d;
  d.name = name.empty() ? id : std::move(name);
  d.id = std::move(id);
  d.algorithm = algorithm;
  d.multiplier = multiplier;
  d.divisor = divisor;
  d.options = no_dim_options;
  return d;
}

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

chart_def make_chart(const chart_spec& s, std::vector<dimension_def> dims,
                     std::vector<std::pair<std::string, std::string>> extra
                     = {}) {
  chart_def c;
  c.id = s.type + "." + s.id;
  c.name = ""; // never renamed: the sender prints ""
  c.title = s.title;
  c.units = s.units;
  c.family = s.family;
  c.context = s.context.empty() ? c.id : s.context;
  c.chart_type = s.chart_type;
  c.priority = s.priority;
  c.update_every = s.update_every;
  c.options = s.detail ? detail_options : no_options;
  c.plugin = plugin_name;
  c.module = s.module;
  c.dimensions = std::move(dims);
  c.labels.emplace_back("_collect_plugin", plugin_name);
  c.labels.emplace_back("_collect_module", s.module);
  for (auto& kv : extra)
    c.labels.push_back(std::move(kv));
  return c;
}

// Priorities of Netdata 1.37.1 (collectors/all.h).
constexpr int64_t prio_system_cpu = 100;
constexpr int64_t prio_system_load = 100;
constexpr int64_t prio_system_io = 150;
constexpr int64_t prio_system_pgpgio = 151;
constexpr int64_t prio_system_ram = 200;
constexpr int64_t prio_system_swap = 201;
constexpr int64_t prio_system_swapio = 250;
constexpr int64_t prio_system_net = 500;
constexpr int64_t prio_system_processes = 600;
constexpr int64_t prio_system_forks = 700;
constexpr int64_t prio_system_active_processes = 750;
constexpr int64_t prio_system_ctxt = 800;
constexpr int64_t prio_system_intr = 900;
constexpr int64_t prio_system_uptime = 1000;
constexpr int64_t prio_cpu_per_core = 1000;
constexpr int64_t prio_mem_available = 1010;
constexpr int64_t prio_mem_committed = 1030;
constexpr int64_t prio_mem_pgfaults = 1040;
constexpr int64_t prio_mem_kernel = 1100;
constexpr int64_t prio_mem_slab = 1200;
constexpr int64_t prio_disk_io = 2000;
constexpr int64_t prio_disk_ops = 2010;
constexpr int64_t prio_first_net_iface = 7000;

constexpr int64_t min_loadavg_update_every = 5;
constexpr int64_t bits_in_a_kilobit = 1000;
constexpr int64_t kilobits_in_a_megabit = 1000;

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

operstate to_operstate(std::string_view s) {
  if (s == "up")
    return operstate::up;
  if (s == "down")
    return operstate::down;
  if (s == "notpresent")
    return operstate::notpresent;
  if (s == "lowerlayerdown")
    return operstate::lowerlayerdown;
  if (s == "testing")
    return operstate::testing;
  if (s == "dormant")
    return operstate::dormant;
  return operstate::unknown;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// Netdata's "disable by default interfaces matching" default.
bool netdev_disabled_by_default(std::string_view name) {
  return name == "lo" || starts_with(name, "fireqos") || ends_with(name, "-ifb")
         || starts_with(name, "fwpr") || starts_with(name, "fwbr")
         || starts_with(name, "fwln");
}

/// Netdata's "exclude disks" default.
bool disk_excluded_by_default(std::string_view name) {
  return starts_with(name, "loop") || starts_with(name, "ram");
}

} // namespace

// -- per-device state -----------------------------------------------------------

struct proc_collector::netdev {
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

struct proc_collector::disk {
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

// -- proc_collector -------------------------------------------------------------

proc_collector::proc_collector(proc_collector_config cfg)
  : cfg_(std::move(cfg)) {
  if (cfg_.update_every < 1)
    cfg_.update_every = 1;
  if (cfg_.page_size <= 0) {
    auto ps = ::sysconf(_SC_PAGESIZE);
    cfg_.page_size = ps > 0 ? ps : 4096;
  }
}

proc_collector::~proc_collector() = default;

std::vector<chart_def> proc_collector::definitions() const {
  std::vector<chart_def> result;
  result.reserve(order_.size());
  for (auto& id : order_)
    result.push_back(charts_.at(id).def);
  return result;
}

const chart_def* proc_collector::find(const std::string& chart_id) const {
  auto i = charts_.find(chart_id);
  return i == charts_.end() ? nullptr : &i->second.def;
}

std::string proc_collector::proc(const char* rel) const {
  return cfg_.proc_root + rel;
}

std::string proc_collector::sys(const std::string& rel) const {
  return cfg_.sys_root + rel;
}

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

void proc_collector::row(chart_entry& e, std::vector<int64_t> values) {
  chart_row r;
  r.chart_id = e.def.id;
  r.microseconds = e.collected && now_ > e.last_usec ? now_ - e.last_usec : 0;
  r.now_usec = now_;
  r.is_set.assign(values.size(), 1);
  r.values = std::move(values);
  e.last_usec = now_;
  e.collected = true;
  out_->push_back(std::move(r));
}

void proc_collector::collect(uint64_t now_usec, std::vector<chart_row>& out) {
  new_charts_.clear();
  now_ = now_usec;
  dt_ = first_collect_ || now_usec < last_collect_ ? 0
                                                   : now_usec - last_collect_;
  last_collect_ = now_usec;
  first_collect_ = false;
  out_ = &out;
  // proc.plugin's module order; /proc/net/dev runs in its own thread there.
  do_stat();
  do_uptime();
  do_loadavg();
  do_vmstat();
  do_meminfo();
  do_diskstats();
  do_net_dev();
  out_ = nullptr;
}

// /proc/stat -------------------------------------------------------------------

void proc_collector::do_stat() {
  std::string text;
  if (!read_file(proc("/stat"), text))
    return;
  const char* module = "/proc/stat";
  auto ue = cfg_.update_every;
  uint64_t processes = 0, running = 0, blocked = 0;
  for (auto& ws : split(text, " \t:")) {
    if (ws.empty())
      continue;
    auto key = ws[0];
    if (starts_with(key, "cpu")) {
      if (ws.size() < 9)
        continue;
      bool total = key.size() == 3;
      uint64_t core = total ? 0 : str2ull(key.substr(3)) + 1;
      uint64_t user = str2ull(word(ws, 1));
      uint64_t nice = str2ull(word(ws, 2));
      uint64_t system = str2ull(word(ws, 3));
      uint64_t idle = str2ull(word(ws, 4));
      uint64_t iowait = str2ull(word(ws, 5));
      uint64_t irq = str2ull(word(ws, 6));
      uint64_t softirq = str2ull(word(ws, 7));
      uint64_t steal = str2ull(word(ws, 8));
      uint64_t guest = str2ull(word(ws, 9));
      user -= guest;
      uint64_t guest_nice = str2ull(word(ws, 10));
      nice -= guest_nice;
      std::string id{key};
      std::string type = total ? "system" : "cpu";
      auto& e = chart(type + "." + id, [&] {
        chart_spec s{type,
                     id,
                     total ? id : "utilization",
                     total ? "system.cpu" : "cpu.cpu",
                     total ? "Total CPU utilization" : "Core utilization",
                     "percentage",
                     module,
                     (total ? prio_system_cpu : prio_cpu_per_core)
                       + static_cast<int64_t>(core),
                     ue,
                     "stacked"};
        const char* alg = "percentage-of-incremental-row";
        std::vector<dimension_def> dims;
        for (auto name : {"guest_nice", "guest", "steal", "softirq", "irq",
                          "user", "system", "nice", "iowait", "idle"})
          dims.push_back(dim(name, alg, 1, 1));
        dims.back().options = hidden_dim_options;
        return make_chart(s, std::move(dims));
      });
      auto v = [](uint64_t x) { return static_cast<int64_t>(x); };
      row(e, {v(guest_nice), v(guest), v(steal), v(softirq), v(irq), v(user),
              v(system), v(nice), v(iowait), v(idle)});
    } else if (key == "intr") {
      auto& e = chart("system.intr", [&] {
        chart_spec s{"system",       "intr",        "interrupts",
                     "",             "CPU Interrupts", "interrupts/s",
                     module,         prio_system_intr, ue,
                     "line",         true};
        return make_chart(s, {dim("interrupts", "incremental", 1, 1)});
      });
      row(e, {num(word(ws, 1))});
    } else if (key == "ctxt") {
      auto& e = chart("system.ctxt", [&] {
        chart_spec s{"system", "ctxt",   "processes", "",
                     "CPU Context Switches", "context switches/s", module,
                     prio_system_ctxt, ue, "line"};
        return make_chart(s, {dim("switches", "incremental", 1, 1)});
      });
      row(e, {num(word(ws, 1))});
    } else if (key == "processes" && processes == 0) {
      processes = str2ull(word(ws, 1));
    } else if (key == "procs_running" && running == 0) {
      running = str2ull(word(ws, 1));
    } else if (key == "procs_blocked" && blocked == 0) {
      blocked = str2ull(word(ws, 1));
    }
  }
  {
    auto& e = chart("system.forks", [&] {
      chart_spec s{"system", "forks", "processes", "", "Started Processes",
                   "processes/s", module, prio_system_forks, ue, "line",
                   true};
      return make_chart(s, {dim("started", "incremental", 1, 1)});
    });
    row(e, {static_cast<int64_t>(processes)});
  }
  {
    auto& e = chart("system.processes", [&] {
      chart_spec s{"system", "processes", "processes", "", "System Processes",
                   "processes", module, prio_system_processes, ue, "line"};
      return make_chart(s, {dim("running", "absolute", 1, 1),
                            dim("blocked", "absolute", -1, 1)});
    });
    row(e, {static_cast<int64_t>(running), static_cast<int64_t>(blocked)});
  }
}

// /proc/uptime -----------------------------------------------------------------

void proc_collector::do_uptime() {
  std::string text;
  if (!read_file(proc("/uptime"), text))
    return;
  auto lines = split(text, " \t");
  if (lines.empty() || lines[0].empty())
    return;
  auto& e = chart("system.uptime", [&] {
    chart_spec s{"system", "uptime", "uptime", "", "System Uptime", "seconds",
                 "/proc/uptime", prio_system_uptime, cfg_.update_every,
                 "line"};
    return make_chart(s, {dim("uptime", "absolute", 1, 1000)});
  });
  row(e, {static_cast<int64_t>(str2d(lines[0][0]) * 1000.0)});
}

// /proc/loadavg ----------------------------------------------------------------

void proc_collector::do_loadavg() {
  std::string text;
  if (!read_file(proc("/loadavg"), text))
    return;
  auto lines = split(text, " \t,:|/");
  if (lines.empty() || lines[0].size() < 6)
    return;
  auto& ws = lines[0];
  const char* module = "/proc/loadavg";
  // Linux updates the load every 5 s; Netdata collects it that often.
  if (next_loadavg_dt_ <= dt_) {
    auto ue = std::max(cfg_.update_every, min_loadavg_update_every);
    auto& e = chart("system.load", [&] {
      chart_spec s{"system", "load", "load", "", "System Load Average", "load",
                   module, prio_system_load, ue, "line"};
      return make_chart(s, {dim("load1", "absolute", 1, 1000),
                            dim("load5", "absolute", 1, 1000),
                            dim("load15", "absolute", 1, 1000)});
    });
    row(e, {static_cast<int64_t>(str2d(ws[0]) * 1000),
            static_cast<int64_t>(str2d(ws[1]) * 1000),
            static_cast<int64_t>(str2d(ws[2]) * 1000)});
    next_loadavg_dt_ = static_cast<uint64_t>(e.def.update_every) * 1000000u;
  } else {
    next_loadavg_dt_ -= dt_;
  }
  auto& e = chart("system.active_processes", [&] {
    chart_spec s{"system", "active_processes", "processes", "",
                 "System Active Processes", "processes", module,
                 prio_system_active_processes, cfg_.update_every, "line"};
    return make_chart(s, {dim("active", "absolute", 1, 1)});
  });
  row(e, {num(ws[4])});
}

// /proc/vmstat -----------------------------------------------------------------

void proc_collector::do_vmstat() {
  std::string text;
  if (!read_file(proc("/vmstat"), text))
    return;
  const char* module = "/proc/vmstat";
  auto ue = cfg_.update_every;
  int64_t pgpgin = 0, pgpgout = 0, pswpin = 0, pswpout = 0, pgfault = 0,
          pgmajfault = 0;
  for (auto& ws : split(text, " \t:")) {
    if (ws.size() < 2)
      continue;
    auto k = ws[0];
    auto v = num(ws[1]);
    if (k == "pgpgin")
      pgpgin = v;
    else if (k == "pgpgout")
      pgpgout = v;
    else if (k == "pswpin")
      pswpin = v;
    else if (k == "pswpout")
      pswpout = v;
    else if (k == "pgfault")
      pgfault = v;
    else if (k == "pgmajfault")
      pgmajfault = v;
  }
  if (do_swapio_ || pswpin != 0 || pswpout != 0) {
    do_swapio_ = true;
    auto& e = chart("system.swapio", [&] {
      chart_spec s{"system", "swapio", "swap", "", "Swap I/O", "KiB/s",
                   module, prio_system_swapio, ue, "area"};
      return make_chart(s, {dim("in", "incremental", cfg_.page_size, 1024),
                            dim("out", "incremental", -cfg_.page_size, 1024)});
    });
    row(e, {pswpin, pswpout});
  }
  {
    auto& e = chart("system.pgpgio", [&] {
      chart_spec s{"system", "pgpgio", "disk", "", "Memory Paged from/to disk",
                   "KiB/s", module, prio_system_pgpgio, ue, "area"};
      return make_chart(s, {dim("in", "incremental", 1, 1),
                            dim("out", "incremental", -1, 1)});
    });
    row(e, {pgpgin, pgpgout});
  }
  {
    auto& e = chart("mem.pgfaults", [&] {
      chart_spec s{"mem", "pgfaults", "system", "", "Memory Page Faults",
                   "faults/s", module, prio_mem_pgfaults, ue, "line", true};
      return make_chart(s, {dim("minor", "incremental", 1, 1),
                            dim("major", "incremental", -1, 1)});
    });
    row(e, {pgfault, pgmajfault});
  }
}

// /proc/meminfo ----------------------------------------------------------------

void proc_collector::do_meminfo() {
  std::string text;
  if (!read_file(proc("/meminfo"), text))
    return;
  const char* module = "/proc/meminfo";
  auto ue = cfg_.update_every;
  std::map<std::string_view, uint64_t> m;
  for (auto& ws : split(text, " \t:")) {
    if (ws.size() < 2)
      continue;
    if (meminfo_first_read_ && ws[0] == "Percpu")
      meminfo_has_percpu_ = true;
    m.emplace(ws[0], str2ull(ws[1]));
  }
  meminfo_first_read_ = false;
  auto get = [&](std::string_view k) -> uint64_t {
    auto i = m.find(k);
    return i == m.end() ? 0 : i->second;
  };
  auto v = [](uint64_t x) { return static_cast<int64_t>(x); };
  uint64_t mem_total = get("MemTotal"), mem_free = get("MemFree"),
           buffers = get("Buffers"), cached = get("Cached"),
           sreclaimable = get("SReclaimable"), shmem = get("Shmem");
  uint64_t mem_cached = cached + sreclaimable - shmem;
  uint64_t mem_used = mem_total - mem_free - mem_cached - buffers;
  {
    auto& e = chart("system.ram", [&] {
      chart_spec s{"system", "ram", "ram", "", "System RAM", "MiB", module,
                   prio_system_ram, ue, "stacked"};
      return make_chart(s, {dim("free", "absolute", 1, 1024),
                            dim("used", "absolute", 1, 1024),
                            dim("cached", "absolute", 1, 1024),
                            dim("buffers", "absolute", 1, 1024)});
    });
    row(e, {v(mem_free), v(mem_used), v(mem_cached), v(buffers)});
  }
  if (m.count("MemAvailable") != 0) {
    auto& e = chart("mem.available", [&] {
      chart_spec s{"mem", "available", "system", "",
                   "Available RAM for applications", "MiB", module,
                   prio_mem_available, ue, "area"};
      return make_chart(s,
                        {dim("MemAvailable", "absolute", 1, 1024, "avail")});
    });
    row(e, {v(get("MemAvailable"))});
  }
  uint64_t swap_total = get("SwapTotal"), swap_free = get("SwapFree");
  uint64_t swap_used = swap_total - swap_free;
  if (do_swap_ || swap_total != 0 || swap_used != 0 || swap_free != 0) {
    do_swap_ = true;
    auto& e = chart("system.swap", [&] {
      chart_spec s{"system", "swap", "swap", "", "System Swap", "MiB", module,
                   prio_system_swap, ue, "stacked", true};
      return make_chart(s, {dim("free", "absolute", 1, 1024),
                            dim("used", "absolute", 1, 1024)});
    });
    row(e, {v(swap_free), v(swap_used)});
  }
  {
    auto& e = chart("mem.committed", [&] {
      chart_spec s{"mem", "committed", "system", "",
                   "Committed (Allocated) Memory", "MiB", module,
                   prio_mem_committed, ue, "area", true};
      return make_chart(s, {dim("Committed_AS", "absolute", 1, 1024)});
    });
    row(e, {v(get("Committed_AS"))});
  }
  {
    auto& e = chart("mem.writeback", [&] {
      chart_spec s{"mem", "writeback", "kernel", "", "Writeback Memory", "MiB",
                   module, prio_mem_kernel, ue, "line", true};
      return make_chart(s, {dim("Dirty", "absolute", 1, 1024),
                            dim("Writeback", "absolute", 1, 1024),
                            dim("FuseWriteback", "absolute", 1, 1024),
                            dim("NfsWriteback", "absolute", 1, 1024),
                            dim("Bounce", "absolute", 1, 1024)});
    });
    row(e, {v(get("Dirty")), v(get("Writeback")), v(get("WritebackTmp")),
            v(get("NFS_Unstable")), v(get("Bounce"))});
  }
  {
    auto& e = chart("mem.kernel", [&] {
      chart_spec s{"mem", "kernel", "kernel", "", "Memory Used by Kernel",
                   "MiB", module, prio_mem_kernel + 1, ue, "stacked", true};
      std::vector<dimension_def> dims{dim("Slab", "absolute", 1, 1024),
                                      dim("KernelStack", "absolute", 1, 1024),
                                      dim("PageTables", "absolute", 1, 1024),
                                      dim("VmallocUsed", "absolute", 1, 1024)};
      if (meminfo_has_percpu_)
        dims.push_back(dim("Percpu", "absolute", 1, 1024));
      return make_chart(s, std::move(dims));
    });
    std::vector<int64_t> vals{v(get("Slab")), v(get("KernelStack")),
                              v(get("PageTables")), v(get("VmallocUsed"))};
    if (e.def.dimensions.size() > 4)
      vals.push_back(v(get("Percpu")));
    row(e, std::move(vals));
  }
  {
    auto& e = chart("mem.slab", [&] {
      chart_spec s{"mem", "slab", "slab", "", "Reclaimable Kernel Memory",
                   "MiB", module, prio_mem_slab, ue, "stacked", true};
      return make_chart(s, {dim("reclaimable", "absolute", 1, 1024),
                            dim("unreclaimable", "absolute", 1, 1024)});
    });
    row(e, {v(sreclaimable), v(get("SUnreclaim"))});
  }
}

// /proc/diskstats --------------------------------------------------------------

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
    unsigned long major = static_cast<unsigned long>(str2ull(ws[0]));
    unsigned long minor = static_cast<unsigned long>(str2ull(ws[1]));
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
    auto& slot = disks_[name];
    if (!slot) {
      slot = std::make_unique<disk>();
      auto& d = *slot;
      d.device = name;
      d.major = major;
      d.minor = minor;
      auto mm = "/dev/block/" + std::to_string(major) + ":"
                + std::to_string(minor);
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
      if (!mounts_read_) {
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
      // The first mount of this major:minor whose source is this device.
      for (auto& m : mounts_) {
        if (m.major == major && m.minor == minor && m.source == name) {
          d.mount_point = m.point;
          break;
        }
      }
      d.performance = !disk_excluded_by_default(name)
                      && d.type != disk_type::partition;
    }
    auto& d = *slot;
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
        chart_spec s{"disk", d.device, family, "disk.io", "Disk I/O Bandwidth",
                     "KiB/s", module, prio_disk_io, ue, "area"};
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
        chart_spec s{"disk_ops", d.device, family, "disk.ops",
                     "Disk Completed I/O Operations", "operations/s", module,
                     prio_disk_ops, ue, "line", true};
        return make_chart(s, {dim("reads", "incremental", 1, 1),
                              dim("writes", "incremental", -1, 1)},
                          labels());
      });
      row(e, {reads, writes});
    }
  }
  if (do_system_io_ || system_read_kb != 0 || system_write_kb != 0) {
    do_system_io_ = true;
    auto& e = chart("system.io", [&] {
      chart_spec s{"system", "io", "disk", "", "Disk I/O", "KiB/s", module,
                   prio_system_io, ue, "area"};
      return make_chart(s, {dim("in", "incremental", 1, 1),
                            dim("out", "incremental", -1, 1)});
    });
    row(e, {system_read_kb, system_write_kb});
  }
}

// /proc/net/dev ----------------------------------------------------------------

void proc_collector::do_net_dev() {
  std::string text;
  if (!read_file(proc("/net/dev"), text))
    return;
  const char* module = "/proc/net/dev";
  auto ue = cfg_.update_every;
  int64_t system_rbytes = 0, system_tbytes = 0;
  auto lines = split(text, " \t,|");
  for (size_t l = 2; l < lines.size(); ++l) {
    auto ws = lines[l];
    // "eth0:123" (no blank after the colon) is one word: cut it.
    if (!ws.empty()) {
      auto colon = ws[0].find(':');
      if (colon != std::string_view::npos && colon + 1 < ws[0].size()) {
        auto w0 = ws[0];
        ws[0] = w0.substr(0, colon + 1);
        ws.insert(ws.begin() + 1, w0.substr(colon + 1));
      }
    }
    if (ws.size() < 17)
      continue;
    std::string name{ws[0]};
    if (!name.empty() && name.back() == ':')
      name.pop_back();
    auto& slot = netdevs_[name];
    if (!slot) {
      slot = std::make_unique<netdev>();
      auto& d = *slot;
      d.name = name;
      d.enabled = !netdev_disabled_by_default(name);
      d.is_virtual = exists(sys("/devices/virtual/net/" + name));
      d.labels.emplace_back("interface_type", d.is_virtual ? "virtual" : "real");
      d.labels.emplace_back("device", name);
      auto cls = "/class/net/" + name;
      if (!d.is_virtual) {
        d.filename_speed = sys(cls + "/speed");
        d.filename_duplex = sys(cls + "/duplex");
      }
      d.filename_operstate = sys(cls + "/operstate");
      d.filename_carrier = sys(cls + "/carrier");
      d.filename_mtu = sys(cls + "/mtu");
    }
    auto& d = *slot;
    if (!d.enabled)
      continue;
    int64_t rbytes = num(ws[1]), tbytes = num(ws[9]);
    if (!d.is_virtual) {
      system_rbytes += rbytes;
      system_tbytes += tbytes;
    }
    int64_t rpackets = num(ws[2]), rmulticast = num(ws[8]),
            tpackets = num(ws[10]);
    // /sys attributes, as Netdata reads them each iteration.
    if (!d.filename_carrier.empty())
      d.carrier_file_exists = read_number(d.filename_carrier, d.carrier);
    if (!d.filename_duplex.empty()) {
      std::string buf;
      if ((d.carrier != 0 || d.carrier_file_exists)
          && read_file(d.filename_duplex, buf)) {
        d.dup = buf.empty()       ? duplex::unknown
                : buf[0] == 'f' ? duplex::full
                : buf[0] == 'h' ? duplex::half
                                  : duplex::unknown;
      } else {
        d.dup = duplex::unknown;
      }
    }
    if (!d.filename_operstate.empty()) {
      std::string buf;
      if (read_file(d.filename_operstate, buf))
        d.state = to_operstate(trim(buf));
      else
        d.filename_operstate.clear(); // Netdata stops trying
    }
    if (!d.filename_mtu.empty() && !read_number(d.filename_mtu, d.mtu))
      d.filename_mtu.clear();

    auto chart_of = [&](const char* type, const char* ctx, const char* title,
                        const char* units, int64_t prio_offset,
                        const char* chart_type, bool detail,
                        std::vector<dimension_def> dims) {
      chart_spec s{type,      name,
                   name,      ctx,
                   title,     units,
                   module,    prio_first_net_iface + prio_offset,
                   ue,        chart_type,
                   detail};
      return make_chart(s, std::move(dims), d.labels);
    };

    if (!d.do_bandwidth && (rbytes != 0 || tbytes != 0))
      d.do_bandwidth = true;
    if (d.do_bandwidth) {
      auto& e = chart("net." + name, [&] {
        return chart_of("net", "net.net", "Bandwidth", "kilobits/s", 0, "area",
                        false,
                        {dim("received", "incremental", 8, bits_in_a_kilobit),
                         dim("sent", "incremental", -8, bits_in_a_kilobit)});
      });
      row(e, {rbytes, tbytes});
      if (!d.filename_speed.empty()) {
        bool ok = true;
        if (d.carrier != 0 || d.carrier_file_exists) {
          ok = read_number(d.filename_speed, d.speed);
        } else {
          d.speed = 0;
        }
        if (ok) {
          auto& s = chart("net_speed." + name, [&] {
            return chart_of("net_speed", "net.speed", "Interface Speed",
                            "kilobits/s", 7, "line", true,
                            {dim("speed", "absolute", 1, 1)});
          });
          row(s, {static_cast<int64_t>(d.speed) * kilobits_in_a_megabit});
        }
      }
    }
    if (!d.filename_duplex.empty()) {
      auto& e = chart("net_duplex." + name, [&] {
        return chart_of("net_duplex", "net.duplex", "Interface Duplex State",
                        "state", 8, "line", true,
                        {dim("full", "absolute", 1, 1),
                         dim("half", "absolute", 1, 1),
                         dim("unknown", "absolute", 1, 1)});
      });
      row(e, {d.dup == duplex::full, d.dup == duplex::half,
              d.dup == duplex::unknown});
    }
    if (!d.filename_operstate.empty()) {
      auto& e = chart("net_operstate." + name, [&] {
        std::vector<dimension_def> dims;
        for (auto n : {"up", "down", "notpresent", "lowerlayerdown", "testing",
                       "dormant", "unknown"})
          dims.push_back(dim(n, "absolute", 1, 1));
        return chart_of("net_operstate", "net.operstate",
                        "Interface Operational State", "state", 9, "line",
                        true, std::move(dims));
      });
      auto st = d.state;
      row(e, {st == operstate::up, st == operstate::down,
              st == operstate::notpresent, st == operstate::lowerlayerdown,
              st == operstate::testing, st == operstate::dormant,
              st == operstate::unknown});
    }
    if (d.carrier_file_exists) {
      auto& e = chart("net_carrier." + name, [&] {
        return chart_of("net_carrier", "net.carrier",
                        "Interface Physical Link State", "state", 10, "line",
                        true,
                        {dim("up", "absolute", 1, 1),
                         dim("down", "absolute", 1, 1)});
      });
      row(e, {d.carrier == 1, d.carrier != 1});
    }
    if (!d.filename_mtu.empty()) {
      auto& e = chart("net_mtu." + name, [&] {
        return chart_of("net_mtu", "net.mtu", "Interface MTU", "octets", 11,
                        "line", true, {dim("mtu", "absolute", 1, 1)});
      });
      row(e, {static_cast<int64_t>(d.mtu)});
    }
    if (!d.do_packets && (rpackets != 0 || tpackets != 0 || rmulticast != 0))
      d.do_packets = true;
    if (d.do_packets) {
      auto& e = chart("net_packets." + name, [&] {
        return chart_of("net_packets", "net.packets", "Packets", "packets/s", 1,
                        "line", true,
                        {dim("received", "incremental", 1, 1),
                         dim("sent", "incremental", -1, 1),
                         dim("multicast", "incremental", 1, 1)});
      });
      row(e, {rpackets, tpackets, rmulticast});
    }
  }
  if (do_system_net_ || system_rbytes != 0 || system_tbytes != 0) {
    do_system_net_ = true;
    auto& e = chart("system.net", [&] {
      chart_spec s{"system", "net", "network", "",
                   "Physical Network Interfaces Aggregated Bandwidth",
                   "kilobits/s", module, prio_system_net, ue, "area"};
      return make_chart(
        s, {dim("InOctets", "incremental", 8, bits_in_a_kilobit, "received"),
            dim("OutOctets", "incremental", -8, bits_in_a_kilobit, "sent")});
    });
    row(e, {system_rbytes, system_tbytes});
  }
}

} // namespace tributary
