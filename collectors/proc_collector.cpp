#include "collectors/proc_collector.hpp"

#include "collectors/proc_devices.hpp"

#include <unistd.h>
#include <utility>

namespace tributary {

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

} // namespace tributary
