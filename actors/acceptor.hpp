#pragma once

#include "actors/context.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <cstdint>
#include <string>

namespace tributary {

/// A connection out of descriptors closes when it has waited this long
/// without a complete first request.
constexpr int64_t shed_after_s = 1;

/// State of an acceptor: a listening socket it accepts on itself.
struct acceptor_state {
  int fd = -1;
  /// A descriptor kept open (/dev/null) to give back when the process runs
  /// out of them, so that the pending connection can be accepted and served.
  int spare = -1;
  listener_actor listener;
  daemon_context ctx;
  /// The address, as log lines name it.
  std::string where;
  /// accept() failures for want of descriptors.
  int64_t exhaustions = 0;
  /// Connections accepted on the spare descriptor.
  int64_t served_on_spare = 0;
  /// When the last "accept() failed" line was written (steady seconds).
  int64_t logged_at = 0;
  /// When accept() last failed for want of descriptors (steady seconds).
  int64_t last_exhausted_at = 0;
  bool exhausted = false;
  int64_t accepted = 0;
  acceptor_state() = default;
  acceptor_state(const acceptor_state&) = delete;
  acceptor_state& operator=(const acceptor_state&) = delete;
  ~acceptor_state();
  static inline const char* name = "acceptor";
};

/// Accepts connections on the listening socket `fd` (non-blocking; owned
/// from here on) and hands each to `listener` as `(atom::attach, int fd)`.
/// Runs detached: it waits in poll(), half a second at a time so that an
/// exit is seen.
///
/// CAF 0.17's doorman cannot be used for this: its accept policy returns
/// false on any error other than EAGAIN and the acceptor drops that result,
/// so with no descriptor left (EMFILE, ENFILE) the listening socket stays
/// readable and the multiplexer spins on it, silently. Here such an error is
/// logged (once per episode, at most once a minute), the pending connection
/// is accepted on the spare descriptor and served, the listener is asked to
/// close connections that have not sent a complete first request for
/// `shed_after_s` (`(atom::close, atom::timeout)`), and accepting pauses for
/// a second: existing streams keep their descriptors and keep working, and
/// an API request gets through while idle sockets hold every descriptor.
acceptor_actor::behavior_type
acceptor(acceptor_actor::stateful_pointer<acceptor_state> self, int fd,
         const listener_actor& listener, const std::string& where,
         const daemon_context& ctx);

} // namespace tributary
