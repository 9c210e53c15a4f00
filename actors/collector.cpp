#include "actors/collector.hpp"

#include "config/settings.hpp"

#include <caf/all.hpp>

namespace tributary {

namespace {

/// Time until the next multiple of `every` seconds, so that collections
/// land on the update_every grid as Netdata's do.
caf::timespan until_next_tick(uint64_t now_usec, int64_t every) {
  auto period = static_cast<uint64_t>(every) * 1000000;
  auto next = (now_usec / period + 1) * period;
  return std::chrono::microseconds(next - now_usec);
}

} // namespace

collector_actor::behavior_type
collector(collector_actor::stateful_pointer<proc_collector_state> self,
          host_actor host, int64_t update_every, daemon_context ctx) {
  auto& st = self->state;
  st.host = std::move(host);
  st.ctx = std::move(ctx);
  st.update_every = update_every > 0 ? update_every : 1;
  proc_collector_config cfg;
  cfg.update_every = st.update_every;
  // [global] host access prefix: a container monitoring its node reads the
  // node's /proc and /sys where they are mounted, as Netdata does.
  if (st.ctx.settings) {
    auto& prefix = st.ctx.settings->global.host_access_prefix;
    cfg.proc_root = prefix + "/proc";
    cfg.sys_root = prefix + "/sys";
  }
  st.proc = std::make_unique<proc_collector>(cfg);
  self->delayed_send(self, until_next_tick(st.ctx.now_usec(), st.update_every),
                     atom::timeout::value);
  return {
      [=](atom::timeout) {
        auto& st = self->state;
        auto now = st.ctx.now_usec();
        st.rows.clear();
        st.proc->collect(now, st.rows);
        for (auto& id : st.proc->new_charts())
          if (auto* def = st.proc->find(id))
            self->send(st.host, atom::define::value, *def);
        for (auto& row : st.rows)
          self->send(st.host, std::move(row));
        ++st.iterations;
        self->delayed_send(self,
                           until_next_tick(st.ctx.now_usec(), st.update_every),
                           atom::timeout::value);
      },
      [=](atom::status) {
        actor_status s;
        s.name = "proc";
        s.kind = "collector";
        s.counters = {{"iterations", self->state.iterations}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
  };
}

} // namespace tributary
