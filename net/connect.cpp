#include "net/connect.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace tributary {

namespace {

error sys_error(const std::string& what) {
  return error{ec::io_error, what + ": " + std::strerror(errno)};
}

/// Waits for a non-blocking connect; returns 0 or an errno value.
int finish_connect(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLOUT, 0};
  auto n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (n == 0)
    return ETIMEDOUT;
  if (n < 0)
    return errno;
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return errno;
  return err;
}

expected<int> connect_unix(const std::string& path,
                           std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path))
    return error{ec::config_bad_value, "unix socket path too long: " + path};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return sys_error("socket");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno == EINPROGRESS ? finish_connect(fd, timeout) : errno;
    if (err != 0) {
      ::close(fd);
      errno = err;
      return sys_error("cannot connect to unix:" + path);
    }
  }
  return fd;
}

} // namespace

expected<int> connect_destination(const config::destination& d,
                                  const std::string& default_port,
                                  std::chrono::milliseconds timeout) {
  if (d.protocol == config::destination::kind::unix_socket)
    return connect_unix(d.host, timeout);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  auto port = d.port.empty() ? default_port : d.port;
  if (auto rc = ::getaddrinfo(d.host.c_str(), port.c_str(), &hints, &res);
      rc != 0)
    return error{ec::io_error, "cannot resolve '" + d.host + "' port '" + port
                                   + "': " + ::gai_strerror(rc)};
  error last{ec::io_error, "no address for '" + d.host + "'"};
  for (auto* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family,
                      ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      ai->ai_protocol);
    if (fd < 0) {
      last = sys_error("socket");
      continue;
    }
    if (!d.interface.empty()) {
      // A link-local IPv6 address needs its scope; anything else is bound to
      // the device.
      if (ai->ai_family == AF_INET6) {
        auto* sa6 = reinterpret_cast<sockaddr_in6*>(ai->ai_addr);
        sa6->sin6_scope_id = ::if_nametoindex(d.interface.c_str());
      }
      if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, d.interface.c_str(),
                       static_cast<socklen_t>(d.interface.size()))
          != 0) {
        last = sys_error("cannot bind to interface '" + d.interface + "'");
        ::close(fd);
        continue;
      }
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // `timeout seconds` also bounds how long sent metrics may stay
    // unacknowledged: across a network cut the kernel ends the connection
    // instead of retransmitting for ~15 minutes, the sender reconnects and
    // the parent asks for the gap (replication) instead of receiving a late
    // burst it can only place at "now".
    auto user_timeout_ms = static_cast<unsigned int>(timeout.count());
    ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms,
                 sizeof(user_timeout_ms));
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      int err = errno == EINPROGRESS ? finish_connect(fd, timeout) : errno;
      if (err != 0) {
        errno = err;
        last = sys_error("cannot connect to '" + d.to_string() + "'");
        ::close(fd);
        continue;
      }
    }
    ::freeaddrinfo(res);
    return fd;
  }
  ::freeaddrinfo(res);
  return last;
}

} // namespace tributary
