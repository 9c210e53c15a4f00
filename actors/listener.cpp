#include "actors/listener.hpp"

#include "actors/connection.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <memory>
#include <set>

namespace tributary {

caf::behavior listener(caf::io::broker* self, std::string address,
                       uint16_t port, daemon_context ctx) {
  auto res = self->add_tcp_doorman(port, address.c_str(), true);
  if (!res) {
    TRIBUTARY_ERROR(*ctx.log, "WEB", "cannot listen on [", address, "]:", port,
                    ": ", self->system().render(res.error()));
    self->quit(res.error());
    return {};
  }
  auto bound = res->second;
  TRIBUTARY_INFO(*ctx.log, "WEB", "listening on [", address, "]:", bound);
  // Forked connections are not linked to us: track them, so that a shutdown
  // closes every socket.
  auto live = std::make_shared<std::set<caf::actor>>();
  self->set_down_handler([=](const caf::down_msg& dm) {
    live->erase(caf::actor_cast<caf::actor>(dm.source));
  });
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    for (auto& c : *live)
      self->send_exit(c, msg.reason);
    live->clear();
    self->quit(msg.reason);
  });
  return {
    [=](const caf::io::new_connection_msg& msg) {
      auto c = self->fork(connection, msg.handle, ctx);
      self->monitor(c);
      live->insert(c);
    },
    [=](atom::get, atom::info) { return bound; },
  };
}

} // namespace tributary
