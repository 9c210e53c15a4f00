#pragma once

#include "actors/context.hpp"

#include <caf/fwd.hpp>
#include <caf/io/fwd.hpp>

#include <cstdint>
#include <string>

namespace tributary {

/// The listening socket of one `[web] bind to` address. Forks a connection
/// actor per accepted socket. Answers `(atom::get, atom::info)` with its port.
caf::behavior listener(caf::io::broker* self, std::string address,
                       uint16_t port, daemon_context ctx);

} // namespace tributary
