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
/// once (see connector_actor). Spawn it detached.
connector_actor::behavior_type
connector(connector_actor::pointer self,
          const std::vector<config::destination>& dests,
          const std::vector<int64_t>& postponed_until, int64_t now,
          const std::string& default_port, int64_t timeout_s,
          const std::string& who, const daemon_context& ctx);

} // namespace tributary
