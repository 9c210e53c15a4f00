// /proc/vmstat: charts as proc.plugin 1.37.1 makes them.

#include "collectors/proc_devices.hpp"
#include "collectors/procfile.hpp"

namespace tributary {

using namespace procfs;

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
      chart_spec s{"system",   "swapio", "swap", "",
                   "Swap I/O", "KiB/s",  module, prio_system_swapio,
                   ue,         "area"};
      return make_chart(s, {dim("in", "incremental", cfg_.page_size, 1024),
                            dim("out", "incremental", -cfg_.page_size, 1024)});
    });
    row(e, {pswpin, pswpout});
  }
  {
    auto& e = chart("system.pgpgio", [&] {
      chart_spec s{"system",
                   "pgpgio",
                   "disk",
                   "",
                   "Memory Paged from/to disk",
                   "KiB/s",
                   module,
                   prio_system_pgpgio,
                   ue,
                   "area"};
      return make_chart(s, {dim("in", "incremental", 1, 1),
                            dim("out", "incremental", -1, 1)});
    });
    row(e, {pgpgin, pgpgout});
  }
  {
    auto& e = chart("mem.pgfaults", [&] {
      chart_spec s{
          "mem",      "pgfaults", "system",          "", "Memory Page Faults",
          "faults/s", module,     prio_mem_pgfaults, ue, "line",
          true};
      return make_chart(s, {dim("minor", "incremental", 1, 1),
                            dim("major", "incremental", -1, 1)});
    });
    row(e, {pgfault, pgmajfault});
  }
}

} // namespace tributary
