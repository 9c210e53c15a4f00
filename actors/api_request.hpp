#pragma once

#include "actors/context.hpp"
#include "actors/http_request.hpp"

#include <caf/fwd.hpp>

namespace tributary {

/// Seconds one step of a request (the registry, a host, its health) may
/// take before the request answers 504 Gateway Timeout.
constexpr int64_t api_step_deadline_s = 30;

/// Seconds a whole request may take before the connection answers 503
/// Service Unavailable (a request never leaves its client hanging).
constexpr int64_t api_answer_deadline_s = 60;

/// One HTTP API request: gathers what it needs from the registry, hosts and
/// host databases, answers `(atom::get)` with the whole HTTP response, then
/// quits.
caf::behavior api_request(caf::event_based_actor* self, http_request req,
                          daemon_context ctx);

} // namespace tributary
