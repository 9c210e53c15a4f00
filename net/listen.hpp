#pragma once

// Listening sockets for `[web] bind to` (plain POSIX sockets, no actors):
// the daemon binds them, as root if it must, before a listener actor takes
// each one over.

#include "base/error.hpp"
#include "config/bind_to.hpp"

#include <cstdint>

namespace tributary {

/// Binds and listens on `address` (TCP, or a unix socket that replaces an
/// old socket file), for a listener to take over through `address.fd`.
expected<int> listen_socket(const config::bind_address& address);

/// The port a bound TCP socket listens on (what port 0 became).
uint16_t local_port(int fd);

} // namespace tributary
