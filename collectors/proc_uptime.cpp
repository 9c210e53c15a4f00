// /proc/uptime: charts as proc.plugin 1.37.1 makes them.

#include "collectors/proc_devices.hpp"
#include "collectors/procfile.hpp"

namespace tributary {

using namespace procfs;

void proc_collector::do_uptime() {
  std::string text;
  if (!read_file(proc("/uptime"), text))
    return;
  auto lines = split(text, " \t");
  if (lines.empty() || lines[0].empty())
    return;
  auto& e = chart("system.uptime", [&] {
    chart_spec s{
        "system",          "uptime",  "uptime",       "",
        "System Uptime",   "seconds", "/proc/uptime", prio_system_uptime,
        cfg_.update_every, "line"};
    return make_chart(s, {dim("uptime", "absolute", 1, 1000)});
  });
  row(e, {static_cast<int64_t>(str2d(lines[0][0]) * 1000.0)});
}

} // namespace tributary
