#pragma once

#include "actors/bind_address.hpp"
#include "actors/context.hpp"

#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>

#include <cstdint>
#include <string>

namespace tributary {

/// The listening socket of one `[web] bind to` address (TCP, or a unix
/// socket when `address.unix_path` is set). Forks a connection actor per
/// accepted socket. Answers `(atom::get, atom::info)` with its TCP port (0
/// for a unix socket).
caf::behavior listener(caf::io::broker* self, bind_address address,
                       daemon_context ctx);

} // namespace tributary
