#include "actors/plugin_collector.hpp"

#include <caf/all.hpp>
#include <poll.h>
#include <unistd.h>

namespace tributary {

namespace {

/// How long one poll of the plugin's stdout may block this detached actor;
/// exit messages are handled between polls.
constexpr int poll_ms = 200;

} // namespace

plugin_collector_actor::behavior_type plugin_collector(
    plugin_collector_actor::stateful_pointer<plugin_collector_state> self,
    host_actor host, std::string plugin, const std::string& path,
    int64_t update_every, daemon_context ctx) {
  auto& st = self->state;
  st.plugin = std::move(plugin);
  st.host = std::move(host);
  st.ctx = std::move(ctx);
  st.reader = std::make_unique<plugin_reader>(st.plugin, update_every);
  auto who = "PLUGINSD[" + st.plugin + "]";
  auto proc = start_plugin({path, std::to_string(update_every)}, "/dev/null");
  if (!proc) {
    TRIBUTARY_ERROR(*st.ctx.log, who, "cannot start ", path, ": ",
                    proc.err().message);
    self->quit(caf::make_error(proc.err().code, proc.err().message));
    return plugin_collector_actor::behavior_type::make_empty_behavior();
  }
  st.proc = *proc;
  TRIBUTARY_INFO(*st.ctx.log, who, "started ", path, " (pid ", st.proc.pid,
                 ")");
  self->attach_functor([self] { stop_plugin(self->state.proc); });
  self->send(self, atom::data::value);
  return {
      [=](atom::data) {
        auto& st = self->state;
        pollfd p{st.proc.stdout_fd, POLLIN, 0};
        if (::poll(&p, 1, poll_ms) > 0) {
          char buf[65536];
          auto n = ::read(st.proc.stdout_fd, buf, sizeof(buf));
          std::vector<plugin_event> events;
          if (n > 0)
            st.reader->feed({buf, static_cast<size_t>(n)}, st.ctx.now_usec(),
                            events);
          else
            st.reader->finish(events);
          for (auto& ev : events) {
            if (auto* def = std::get_if<chart_def>(&ev)) {
              ++st.charts;
              self->send(st.host, atom::define::value, std::move(*def));
            } else if (auto* row = std::get_if<chart_row>(&ev)) {
              ++st.rows;
              self->send(st.host, std::move(*row));
            } else if (auto* err = std::get_if<error>(&ev)) {
              TRIBUTARY_ERROR(*st.ctx.log, who,
                              "disabling the plugin: ", to_string(*err));
              self->quit(caf::make_error(err->code, err->message));
              return;
            } else if (std::holds_alternative<plugin_disable>(ev)) {
              TRIBUTARY_INFO(*st.ctx.log, who,
                             "the plugin asked to be disabled");
              self->quit();
              return;
            }
          }
          if (n <= 0) {
            TRIBUTARY_ERROR(*st.ctx.log, who, "the plugin exited");
            self->quit(caf::make_error(ec::io_error, "plugin exited"));
            return;
          }
        }
        self->send(self, atom::data::value);
      },
      [=](atom::status) {
        actor_status s;
        s.name = self->state.plugin;
        s.kind = "collector";
        s.counters
            = {{"charts", self->state.charts}, {"rows", self->state.rows}};
        return s;
      },
  };
}

} // namespace tributary
