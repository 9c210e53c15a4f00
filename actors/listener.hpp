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
/// accepted socket (messages: `listener_actor`). Uses `address.fd` when it
/// is a socket already listening (see `listen_socket`).
listener_actor::behavior_type listener(listener_actor::broker_pointer self,
                                       const config::bind_address& address,
                                       daemon_context ctx);

} // namespace tributary
