#include "actors/listener.hpp"

#include "actors/connection.hpp"
#include "config/settings.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <cerrno>
#include <cstring>
#include <memory>
#include <map>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace tributary {

namespace {

/// A listening AF_UNIX socket at `path` (an old socket file is replaced).
expected<int> listen_unix(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path))
    return error{ec::config_bad_value, "unix socket path too long: " + path};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return error{ec::io_error, std::string{"socket: "} + std::strerror(errno)};
  ::unlink(path.c_str());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || ::listen(fd, 128) != 0) {
    auto why = std::string{std::strerror(errno)};
    ::close(fd);
    return error{ec::io_error, "cannot listen on unix:" + path + ": " + why};
  }
  return fd;
}

/// How often the receivers check for an idle stream.
constexpr auto receiver_idle_check = std::chrono::seconds(60);

} // namespace

caf::behavior listener(caf::io::broker* self, bind_address address,
                       daemon_context ctx) {
  uint16_t bound = 0;
  auto unix_path = address.unix_path;
  if (!unix_path.empty()) {
    auto fd = listen_unix(unix_path);
    if (!fd) {
      TRIBUTARY_ERROR(*ctx.log, "WEB", fd.err().message);
      self->quit(caf::make_error(fd.err().code, fd.err().message));
      return {};
    }
    self->add_doorman(*fd);
    TRIBUTARY_INFO(*ctx.log, "WEB", "listening on unix:", unix_path);
  } else {
    auto host = address.host.empty() ? std::string{"0.0.0.0"} : address.host;
    auto res = self->add_tcp_doorman(address.port, host.c_str(), true);
    if (!res) {
      TRIBUTARY_ERROR(*ctx.log, "WEB", "cannot listen on [", host, "]:",
                      address.port, ": ", self->system().render(res.error()));
      self->quit(res.error());
      return {};
    }
    bound = res->second;
    TRIBUTARY_INFO(*ctx.log, "WEB", "listening on [", host, "]:", bound);
  }
  // Forked connections are not linked to us: track them, so that a shutdown
  // closes every socket.
  // Keyed by actor id: the timers below name a connection by its id only,
  // so that no pending timer keeps a closed connection's memory.
  auto live = std::make_shared<std::map<caf::actor_id, caf::actor>>();
  self->set_down_handler([=](const caf::down_msg& dm) {
    live->erase(dm.source.id());
  });
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    for (auto& [id, c] : *live)
      self->send_exit(c, msg.reason);
    live->clear();
    if (!unix_path.empty())
      ::unlink(unix_path.c_str());
    self->quit(msg.reason);
  });
  self->delayed_send(self, receiver_idle_check, atom::timeout::value,
                     atom::stream::value);
  return {
    [=](const caf::io::new_connection_msg& msg) {
      auto c = self->fork(connection, msg.handle, ctx, unix_path, address.ssl);
      self->monitor(c);
      live->emplace(c->id(), c);
      // `[web] timeout for first request`, timed here: CAF 0.17.6 never
      // frees an actor that a delayed message reaches after its end, and
      // most connections end long before this timeout.
      if (auto s = ctx.settings->global.timeout_for_first_request; s > 0)
        self->delayed_send(self, std::chrono::seconds(s), atom::timeout::value,
                           c->id());
    },
    [=](atom::timeout, atom::stream) {
      // The receivers' idle check (Netdata's 600 s SO_RCVTIMEO), timed here
      // for the same reason.
      for (auto& [id, c] : *live)
        self->send(c, atom::timeout::value, atom::stream::value);
      self->delayed_send(self, receiver_idle_check, atom::timeout::value,
                         atom::stream::value);
    },
    [=](atom::timeout, caf::actor_id id) {
      if (auto i = live->find(id); i != live->end())
        self->send(i->second, atom::timeout::value);
    },
    [=](atom::get, atom::info) { return bound; },
  };
}

} // namespace tributary
