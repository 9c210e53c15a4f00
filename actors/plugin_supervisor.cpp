#include "actors/plugin_collector.hpp"

#include <caf/all.hpp>

namespace tributary {

plugin_supervisor_actor::behavior_type plugin_supervisor(
    plugin_supervisor_actor::stateful_pointer<plugin_supervisor_state> self,
    const host_actor& host, const std::string& plugin, const std::string& path,
    int64_t update_every, int64_t restart_delay_s, const daemon_context& ctx) {
  auto start = [=] {
    self->state.current = self->spawn<caf::detached + caf::monitored>(
        plugin_collector, host, plugin, path, update_every, ctx);
  };
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source != st.current.address())
      return;
    st.current = nullptr;
    if (st.stopping || dm.reason == caf::exit_reason::normal)
      return;
    ++st.restarts;
    self->delayed_send(self, std::chrono::seconds(restart_delay_s),
                       atom::retry::value);
  });
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    self->state.stopping = true;
    if (self->state.current)
      self->send_exit(self->state.current, msg.reason);
    self->quit(msg.reason);
  });
  start();
  return {
      [=](atom::retry) {
        if (!self->state.stopping)
          start();
      },
      [=](atom::status) {
        actor_status s;
        s.name = plugin;
        s.kind = "plugin-supervisor";
        s.restarts = self->state.restarts;
        return s;
      },
  };
}

} // namespace tributary
