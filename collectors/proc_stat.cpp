// /proc/stat: charts as proc.plugin 1.37.1 makes them.

#include "collectors/proc_devices.hpp"
#include "collectors/procfile.hpp"

namespace tributary {

using namespace procfs;

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
        chart_spec s{"system",
                     "intr",
                     "interrupts",
                     "",
                     "CPU Interrupts",
                     "interrupts/s",
                     module,
                     prio_system_intr,
                     ue,
                     "line",
                     true};
        return make_chart(s, {dim("interrupts", "incremental", 1, 1)});
      });
      row(e, {num(word(ws, 1))});
    } else if (key == "ctxt") {
      auto& e = chart("system.ctxt", [&] {
        chart_spec s{"system",
                     "ctxt",
                     "processes",
                     "",
                     "CPU Context Switches",
                     "context switches/s",
                     module,
                     prio_system_ctxt,
                     ue,
                     "line"};
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
      chart_spec s{
          "system",      "forks", "processes",       "", "Started Processes",
          "processes/s", module,  prio_system_forks, ue, "line",
          true};
      return make_chart(s, {dim("started", "incremental", 1, 1)});
    });
    row(e, {static_cast<int64_t>(processes)});
  }
  {
    auto& e = chart("system.processes", [&] {
      chart_spec s{"system", "processes",           "processes",
                   "",       "System Processes",    "processes",
                   module,   prio_system_processes, ue,
                   "line"};
      return make_chart(s, {dim("running", "absolute", 1, 1),
                            dim("blocked", "absolute", -1, 1)});
    });
    row(e, {static_cast<int64_t>(running), static_cast<int64_t>(blocked)});
  }
}

} // namespace tributary
