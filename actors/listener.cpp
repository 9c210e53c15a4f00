#include "actors/listener.hpp"

#include "actors/connection.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

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
  return {
    [=](const caf::io::new_connection_msg& msg) {
      self->fork(connection, msg.handle, ctx);
    },
    [=](atom::get, atom::info) { return bound; },
  };
}

} // namespace tributary
