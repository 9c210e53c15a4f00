#pragma once

#include "actors/context.hpp"
#include "config/destination.hpp"

#include <caf/fwd.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace tributary {

/// Tries `dests` in order on its own thread (connect blocks), skipping those
/// postponed past `now` (seconds), each with `timeout_s` to connect. Answers
/// `(atom::get)` once with the connected socket and the destination's index,
/// or an error when none connected; then quits.
caf::behavior connector(caf::event_based_actor* self,
                        std::vector<config::destination> dests,
                        std::vector<int64_t> postponed_until, int64_t now,
                        std::string default_port, int64_t timeout_s,
                        std::string who, daemon_context ctx);

} // namespace tributary
