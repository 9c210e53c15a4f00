#pragma once

#include "actors/context.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <string>

namespace tributary {

/// State of an acceptor: a listening socket it accepts on itself.
struct acceptor_state {
  int fd = -1;
  /// A descriptor kept open (/dev/null) to give back when the process runs
  /// out of them, so that the pending connection can be accepted and closed.
  int spare = -1;
  caf::actor listener;
  daemon_context ctx;
  /// The address, as log lines name it.
  std::string where;
  /// Connections closed at once for want of descriptors.
  int64_t refused = 0;
  /// `refused` when it was last logged.
  int64_t refused_logged = 0;
  /// When the last "accept() failed" line was written (steady seconds).
  int64_t logged_at = 0;
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
/// logged (once, then at most once a minute with a count), the pending
/// connection is accepted on the spare descriptor and closed at once (it
/// would otherwise keep the socket readable), and accepting pauses for a
/// second: existing connections keep their descriptors and keep working.
caf::behavior acceptor(caf::stateful_actor<acceptor_state>* self, int fd,
                       caf::actor listener, std::string where,
                       daemon_context ctx);

} // namespace tributary
