#pragma once

#include "actors/context.hpp"
#include "api/http_request.hpp"
#include "base/read_size.hpp"

#include <caf/actor.hpp>
#include <caf/io/broker.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace tributary::tls {
class session;
} // namespace tributary::tls

namespace tributary {

/// State of one accepted socket.
struct connection_state {
  enum class phase { request, deciding, streaming, answering };
  phase ph = phase::request;
  /// Bytes of the first request, or stream bytes waiting for the receiver.
  std::string buf;
  std::unique_ptr<http_request_reader> http;
  receiver_actor receiver;
  std::string ip;
  uint16_t port = 0;
  /// "[ip]:port", as log lines name the peer.
  std::string peer;
  /// False for a unix socket (never TLS).
  bool tcp = true;
  /// The listener's `^SSL=` mode: "", "optional" or "force".
  std::string ssl_mode;
  /// True once the first bytes told TLS from plain text.
  bool transport_known = false;
  /// The TLS session of an encrypted connection; null for plain text.
  std::shared_ptr<tls::session> tls;
  bool tls_established = false;
  /// Stream bytes handed to the receiver whose rows are not yet stored.
  int64_t in_flight = 0;
  /// The most bytes the next socket read takes.
  read_size next_read;
  /// Reading is stopped until the receiver catches up.
  bool halted = false;
  int64_t halts = 0;
  /// The listener, which times API requests for us.
  listener_actor listener;
  /// The actor building the answer to the API request, while it runs.
  api_request_actor api;
  /// When the socket was accepted (steady clock).
  std::chrono::steady_clock::time_point accepted_at;
  /// The API request actor of an answer sent in parts.
  api_request_actor answer_source;
  /// The next part is asked for once the socket took the previous ones.
  bool part_wanted = false;
  connection_state();
  ~connection_state();
  static inline const char* name = "connection";
};

/// One accepted socket: reads the first request, answers HTTP API requests,
/// or runs the STREAM access check and hands the stream to a receiver. Only
/// moves bytes: decompression and parsing run in the receiver, on the
/// scheduler's workers (all brokers share one I/O thread).
/// `unix_path` names the unix socket the connection came in on (empty for
/// TCP): CAF 0.17 aborts on remote_port() of an AF_UNIX handle. On a TCP
/// socket of a server with TLS, a first byte that starts a TLS record
/// makes the connection encrypted; `ssl_mode` is the port's `^SSL=` mode.
/// An API request is timed by `listener` (`(atom::query, atom::timeout,
/// actor_id)`; it answers `(atom::timeout, atom::query)` after
/// `api_answer_deadline_s`), and answered 503 if it has not finished by then.
/// Messages: `connection_actor`.
connection_actor::behavior_type
connection(connection_actor::stateful_broker_pointer<connection_state> self,
           caf::io::connection_handle hdl, const daemon_context& ctx,
           const std::string& unix_path, std::string ssl_mode,
           listener_actor listener);

} // namespace tributary
