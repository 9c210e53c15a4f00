#pragma once

#include "actors/context.hpp"
#include "api/console_model.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/stateful_actor.hpp>
#include <functional>
#include <vector>

namespace tributary {

struct console_state {
  daemon_context ctx;
  console_model model;
  /// The listeners whose connections join the walk.
  std::vector<listener_actor> listeners;
  /// A walk of the registry is under way.
  bool walking = false;
  /// The 1 s tick is scheduled (only while someone watches).
  bool ticking = false;
  /// When a console endpoint was last asked (daemon clock).
  uint64_t last_asked_usec = 0;
  /// Answers waiting for the walk under way (the first after idling).
  std::vector<std::function<void()>> after_walk;
  static inline const char* name = "console";
};

/// Seconds after the last console request that the sampler keeps walking.
constexpr int64_t console_watch_s = 60;

/// The web console's sampler (long-lived, one per daemon): walks the
/// registry's actor directory and the listeners' connections once a second
/// while someone asked a console endpoint in the last `console_watch_s`
/// seconds, into a `console_model`. See console_actor for what it answers.
console_actor::behavior_type
console_sampler(console_actor::stateful_pointer<console_state> self,
                daemon_context ctx);

} // namespace tributary
