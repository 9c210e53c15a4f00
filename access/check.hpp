#pragma once

// Who may stream: the STREAM access decision of a v1.37.1 parent
// (docs/protocol.md "Parent checks", steps 2-4), as a plain function: the
// registry actor supplies the facts it owns (live receivers, the rate-limit
// timestamp), this decides and words the log line.

#include "config/settings.hpp"
#include "protocol/handshake.hpp"
#include "protocol/host_info.hpp"

#include <cstdint>
#include <string>

namespace tributary {

/// A child's STREAM request as the connection actor hands it to the registry.
struct stream_hello {
  host_info host;
  std::string api_key;
  /// The `ver` parameter: a capability bitmask or a legacy version.
  int64_t ver = 0;
  /// True if the request carried `ver` or NETDATA_PROTOCOL_VERSION.
  bool has_ver = false;
  std::string peer_ip;
  int64_t peer_port = 0;
};

/// The registry's decision on a STREAM request: the exact reply bytes and,
/// when accepted, the negotiated capabilities.
struct access_decision {
  bool accepted = false;
  /// Written to the child as is, in one write.
  std::string reply;
  /// The negotiated capability bitmask (accepted only).
  uint32_t capabilities = 0;
  bool compression = false;
};

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
