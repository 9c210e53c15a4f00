// /proc/loadavg: charts as proc.plugin 1.37.1 makes them.

#include "collectors/proc_devices.hpp"
#include "collectors/procfile.hpp"

namespace tributary {

using namespace procfs;

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
      chart_spec s{
          "system", "load", "load",           "", "System Load Average",
          "load",   module, prio_system_load, ue, "line"};
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
    chart_spec s{"system", "active_processes",           "processes",
                 "",       "System Active Processes",    "processes",
                 module,   prio_system_active_processes, cfg_.update_every,
                 "line"};
    return make_chart(s, {dim("active", "absolute", 1, 1)});
  });
  row(e, {num(ws[4])});
}

} // namespace tributary
