#pragma once

#include "actors/context.hpp"
#include "actors/http_request.hpp"

#include <caf/fwd.hpp>

namespace tributary {

/// One HTTP API request: gathers what it needs from the registry, hosts and
/// host databases, answers `(atom::get)` with the whole HTTP response, then
/// quits.
caf::behavior api_request(caf::event_based_actor* self, http_request req,
                          daemon_context ctx);

} // namespace tributary
