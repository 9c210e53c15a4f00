#pragma once

#include "actors/context.hpp"
#include "config/bind_to.hpp"

#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>
#include <cstdint>
#include <string>

namespace tributary {

/// The listening socket of one `[web] bind to` address (TCP, or a unix
/// socket when `address.unix_path` is set). Forks a connection actor per
/// accepted socket. Answers `(atom::get, atom::info)` with its TCP port (0
/// for a unix socket).
/// Answers `(atom::reload, reload_request)`: connections accepted from then
/// on are checked against the reloaded settings. Uses `address.fd` when it
/// is a socket already listening (see `listen_socket`).
caf::behavior listener(caf::io::broker* self,
                       const config::bind_address& address, daemon_context ctx);

/// Binds and listens on `address` (TCP, or a unix socket that replaces an
/// old socket file), for a listener to take over through `address.fd`.
expected<int> listen_socket(const config::bind_address& address);

} // namespace tributary
