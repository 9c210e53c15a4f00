#include "net/listen.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string>
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

/// A listening TCP socket on `host`:`port` (the first address that binds).
expected<int> listen_tcp(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
      rc != 0)
    return error{ec::io_error, "cannot listen on [" + host + "]:" + service
                                   + ": " + ::gai_strerror(rc)};
  std::string why = "no address";
  int fd = -1;
  for (auto* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                  ai->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0
        || ::listen(fd, SOMAXCONN) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0)
    return error{ec::io_error,
                 "cannot listen on [" + host + "]:" + service + ": " + why};
  return fd;
}

} // namespace

/// The port a bound TCP socket listens on (0 if it cannot be read).
uint16_t local_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return 0;
  if (addr.ss_family == AF_INET)
    return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

expected<int> listen_socket(const config::bind_address& address) {
  if (!address.unix_path.empty())
    return listen_unix(address.unix_path);
  return listen_tcp(address.host.empty() ? std::string{"0.0.0.0"}
                                         : address.host,
                    address.port);
}

} // namespace tributary
