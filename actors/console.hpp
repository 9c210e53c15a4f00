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
/// See console_actor for what it answers.
console_actor::behavior_type
console_sampler(console_actor::stateful_pointer<console_state> self,
                daemon_context ctx);

} // namespace tributary
