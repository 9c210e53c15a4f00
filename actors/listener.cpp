#include "actors/listener.hpp"

#include "actors/acceptor.hpp"
#include "actors/connection.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <set>
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
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
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

/// A listening TCP socket on `host`:`port` (the first address of the name
/// that binds), non-blocking, with SO_REUSEADDR as CAF's doorman sets it.
/// Returns the socket and the bound port.
expected<std::pair<int, uint16_t>> listen_tcp(const std::string& host,
                                              uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0)
    return error{ec::io_error, std::string{"cannot resolve: "} + ::gai_strerror(rc)};
  std::string why = "no address";
  for (auto* a = res; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0
        || ::listen(fd, SOMAXCONN) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      continue;
    }
    sockaddr_storage local{};
    socklen_t len = sizeof(local);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    uint16_t bound = local.ss_family == AF_INET6
                       ? ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port)
                       : ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    ::freeaddrinfo(res);
    return std::make_pair(fd, bound);
  }
  ::freeaddrinfo(res);
  return error{ec::io_error, why};
}

} // namespace

caf::behavior listener(caf::io::broker* self, bind_address address,
                       daemon_context ctx) {
  uint16_t bound = 0;
  auto unix_path = address.unix_path;
  int listen_fd = -1;
  std::string where;
  if (!unix_path.empty()) {
    auto fd = listen_unix(unix_path);
    if (!fd) {
      TRIBUTARY_ERROR(*ctx.log, "WEB", fd.err().message);
      self->quit(caf::make_error(fd.err().code, fd.err().message));
      return {};
    }
    listen_fd = *fd;
    where = "unix:" + unix_path;
  } else {
    auto host = address.host.empty() ? std::string{"0.0.0.0"} : address.host;
    auto res = listen_tcp(host, address.port);
    if (!res) {
      TRIBUTARY_ERROR(*ctx.log, "WEB", "cannot listen on [", host, "]:",
                      address.port, ": ", res.err().message);
      self->quit(caf::make_error(res.err().code, res.err().message));
      return {};
    }
    listen_fd = res->first;
    bound = res->second;
    where = "[" + host + "]:" + std::to_string(bound);
  }
  TRIBUTARY_INFO(*ctx.log, "WEB", "listening on ", where);
  // Our own acceptor, not CAF's doorman: see acceptor.hpp (EMFILE).
  auto acc = self->spawn<caf::detached>(acceptor, listen_fd, caf::actor{self},
                                        where, ctx);
  // Forked connections are not linked to us: track them, so that a shutdown
  // closes every socket.
  auto live = std::make_shared<std::set<caf::actor>>();
  self->set_down_handler([=](const caf::down_msg& dm) {
    live->erase(caf::actor_cast<caf::actor>(dm.source));
  });
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    self->send_exit(acc, msg.reason);
    for (auto& c : *live)
      self->send_exit(c, msg.reason);
    live->clear();
    if (!unix_path.empty())
      ::unlink(unix_path.c_str());
    self->quit(msg.reason);
  });
  return {
    [=](atom::attach, int fd) {
      auto hdl = self->add_scribe(fd);
      auto c = self->fork(connection, hdl, ctx, unix_path, address.ssl);
      self->monitor(c);
      live->insert(c);
    },
    [=](atom::get, atom::info) { return bound; },
  };
}

} // namespace tributary
