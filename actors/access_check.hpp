#pragma once

// The STREAM access decision of a v1.37.1 parent (docs/protocol.md "Parent
// checks", steps 2-4), as a plain function: the registry actor supplies the
// facts it owns (live receivers, the rate-limit timestamp), this decides and
// words the log line.

#include "actors/actors.hpp"
#include "config/settings.hpp"
#include "protocol/handshake.hpp"

#include <cstdint>
#include <string>

namespace tributary {

/// What the registry knows about the GUID and the clock.
struct access_facts {
  /// The parent's own machine GUID.
  std::string own_guid;
  /// A receiver for this GUID is connected.
  bool already_streaming = false;
  /// Seconds since that receiver last received data.
  int64_t existing_idle_s = 0;
  /// Now, seconds since the epoch.
  int64_t now_s = 0;
  /// When the last stream was accepted (0 = never); updated on acceptance.
  int64_t last_accept_s = 0;
};

/// The outcome: the reply to send, what to log, and the negotiated link.
struct access_outcome {
  protocol::reply_kind kind = protocol::reply_kind::permission_denied;
  bool accepted = false;
  /// The existing receiver is dead (> 30 s idle) and must be replaced.
  bool replace_existing = false;
  /// Error-log text (empty if none); the caller prefixes the peer.
  std::string log_line;
  /// access.log-style status word, e.g. "ACCESS DENIED - KEY NOT ENABLED".
  std::string access_status;
  uint32_t capabilities = 0;
  bool compression = false;
};

/// Seconds after which a silent receiver no longer blocks a new connection
/// for its GUID (Netdata 1.37.1).
constexpr int64_t dead_receiver_seconds = 30;

/// Decides on a STREAM request. Updates `facts.last_accept_s` on acceptance.
access_outcome decide_access(const config::settings& cfg,
                             const stream_hello& hello, access_facts& facts);

} // namespace tributary
