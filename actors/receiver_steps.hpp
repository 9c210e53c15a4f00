#pragma once

// The parts of the receiver actor shared by its files: handling the commands
// of the stream, and asking the child for replication.

#include "actors/receiver.hpp"

#include <caf/stateful_actor.hpp>
#include <string>

namespace tributary::receiver_steps {

using receiver_ptr = receiver_actor::stateful_pointer<receiver_state>;
using chart_entry = receiver_state::chart_entry;

/// What handling one command decided.
struct outcome {
  bool ok = true;
  std::string why;
};

inline outcome fail(std::string why) {
  return {false, std::move(why)};
}

/// Sends the host the definition changed since it was last sent, if any.
void flush_definition(receiver_ptr self);

/// Finishes the replicated point in progress, if any, into the batch of
/// points for the host (sent at once when it closes a response or is full).
void flush_replay(receiver_ptr self);

/// Sends the batch of finished replicated points to the host.
void send_replays(receiver_ptr self);

/// Sends the batch of finished rows to the host.
void send_rows(receiver_ptr self);

/// Sends the host every finished row and point not yet sent: before any
/// other message to the host, so that it sees the stream's order.
void send_pending(receiver_ptr self);

/// Handles one command of the stream.
outcome dispatch(receiver_ptr self, const protocol::command& cmd);

/// Handles a SET (read by the fast path or as a command).
outcome handle_set(receiver_ptr self, const protocol::set_view& x);

/// Handles an RSET (read by the fast path or as a command).
outcome handle_rset(receiver_ptr self, const protocol::rset_view& x);

/// Handles an RBEGIN (read by the fast path or as a command).
outcome handle_rbegin(receiver_ptr self, const protocol::rbegin& x);

/// Asks the child for the part of `chart` the host db lacks (see
/// receiver_replication.cpp).
void request_replication(receiver_ptr self, const std::string& chart,
                         int64_t child_first, int64_t child_last,
                         int64_t child_now, bool follow_up);

} // namespace tributary::receiver_steps
