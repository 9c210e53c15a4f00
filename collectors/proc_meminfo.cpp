// /proc/meminfo: charts as proc.plugin 1.37.1 makes them.

#include "collectors/proc_devices.hpp"
#include "collectors/procfile.hpp"

namespace tributary {

using namespace procfs;

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
      chart_spec s{"system", "ram",  "ram",           "", "System RAM",
                   "MiB",    module, prio_system_ram, ue, "stacked"};
      return make_chart(s, {dim("free", "absolute", 1, 1024),
                            dim("used", "absolute", 1, 1024),
                            dim("cached", "absolute", 1, 1024),
                            dim("buffers", "absolute", 1, 1024)});
    });
    row(e, {v(mem_free), v(mem_used), v(mem_cached), v(buffers)});
  }
  if (m.count("MemAvailable") != 0) {
    auto& e = chart("mem.available", [&] {
      chart_spec s{"mem",
                   "available",
                   "system",
                   "",
                   "Available RAM for applications",
                   "MiB",
                   module,
                   prio_mem_available,
                   ue,
                   "area"};
      return make_chart(s, {dim("MemAvailable", "absolute", 1, 1024, "avail")});
    });
    row(e, {v(get("MemAvailable"))});
  }
  uint64_t swap_total = get("SwapTotal"), swap_free = get("SwapFree");
  uint64_t swap_used = swap_total - swap_free;
  if (do_swap_ || swap_total != 0 || swap_used != 0 || swap_free != 0) {
    do_swap_ = true;
    auto& e = chart("system.swap", [&] {
      chart_spec s{"system", "swap", "swap",           "", "System Swap",
                   "MiB",    module, prio_system_swap, ue, "stacked",
                   true};
      return make_chart(s, {dim("free", "absolute", 1, 1024),
                            dim("used", "absolute", 1, 1024)});
    });
    row(e, {v(swap_free), v(swap_used)});
  }
  {
    auto& e = chart("mem.committed", [&] {
      chart_spec s{"mem",
                   "committed",
                   "system",
                   "",
                   "Committed (Allocated) Memory",
                   "MiB",
                   module,
                   prio_mem_committed,
                   ue,
                   "area",
                   true};
      return make_chart(s, {dim("Committed_AS", "absolute", 1, 1024)});
    });
    row(e, {v(get("Committed_AS"))});
  }
  {
    auto& e = chart("mem.writeback", [&] {
      chart_spec s{"mem", "writeback", "kernel",        "", "Writeback Memory",
                   "MiB", module,      prio_mem_kernel, ue, "line",
                   true};
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
      chart_spec s{"mem",
                   "kernel",
                   "kernel",
                   "",
                   "Memory Used by Kernel",
                   "MiB",
                   module,
                   prio_mem_kernel + 1,
                   ue,
                   "stacked",
                   true};
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
      chart_spec s{
          "mem", "slab", "slab",        "", "Reclaimable Kernel Memory",
          "MiB", module, prio_mem_slab, ue, "stacked",
          true};
      return make_chart(s, {dim("reclaimable", "absolute", 1, 1024),
                            dim("unreclaimable", "absolute", 1, 1024)});
    });
    row(e, {v(sreclaimable), v(get("SUnreclaim"))});
  }
}

} // namespace tributary
