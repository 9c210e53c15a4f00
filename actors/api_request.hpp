#pragma once

#include "actors/context.hpp"
#include "api/http_request.hpp"

#include <caf/typed_event_based_actor.hpp>

namespace tributary {

/// Seconds a whole API request may take before its connection answers 503
/// Service Unavailable and frees its descriptor (a step that never answers
/// leaves no client hanging). The listener times it: CAF 0.17.6 never frees
/// a short-lived actor that a delayed message or a finite request timeout
/// reaches after its end.
constexpr int64_t api_answer_deadline_s = 30;

/// One HTTP API request: gathers what it needs from the registry, hosts and
/// host databases, answers `(atom::get)` with the whole HTTP response, then
/// quits.
api_request_actor::behavior_type api_request(api_request_actor::pointer self,
                                             const http_request& req,
                                             const daemon_context& ctx);

} // namespace tributary
