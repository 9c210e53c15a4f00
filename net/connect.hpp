#pragma once

#include "base/error.hpp"
#include "config/destination.hpp"

#include <chrono>
#include <string>

namespace tributary {

/// Opens a connected stream socket to `d` (tcp: every address the name
/// resolves to, in order; unix: the path), giving up after `timeout` per
/// address. Blocks the calling thread: run it in a detached actor, never in a
/// broker. Returns the socket descriptor; the caller owns it.
expected<int> connect_destination(const config::destination& d,
                                  const std::string& default_port,
                                  std::chrono::milliseconds timeout);

} // namespace tributary
