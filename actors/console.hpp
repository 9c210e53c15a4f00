#pragma once

#include "actors/console_model.hpp"
#include "actors/context.hpp"

#include <caf/fwd.hpp>
#include <caf/stateful_actor.hpp>

namespace tributary {

struct console_state {
  daemon_context ctx;
  console_model model;
  /// A walk of the registry is under way.
  bool walking = false;
  static inline const char* name = "console";
};

/// The web console's sampler (long-lived, one per daemon): walks the
/// registry's actor directory once a second into a `console_model`.
/// Answers `(atom::get, std::string what, int64_t after)` with the JSON of
/// /api/v1/console/<what> ("actors", "streams", "series"; `after`: series
/// points after that second), or `ec::not_found` for another `what`.
caf::behavior console_sampler(caf::stateful_actor<console_state>* self,
                              daemon_context ctx);

} // namespace tributary
