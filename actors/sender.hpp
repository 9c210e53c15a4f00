#pragma once

#include "actors/context.hpp"
#include "base/handling_time.hpp"
#include "config/defaults.hpp"
#include "config/destination.hpp"
#include "config/simple_pattern.hpp"
#include "protocol/line_splitter.hpp"
#include "protocol/lz4_framing.hpp"

#include <caf/actor.hpp>
#include <caf/io/broker.hpp>
#include <functional>
#include <map>
#include <memory>

namespace tributary::tls {
class context;
} // namespace tributary::tls
#include <string>
#include <vector>

namespace tributary {

/// Seams for the deterministic actor tests: when set, a sender supervisor
/// calls these instead of spawning its detached connector (which blocks on
/// connect) and a sender on a real socket, so its restart policy runs one
/// message at a time in virtual time. The daemon never sets them.
struct sender_seams {
  /// Answers `(atom::get)` with a socket and a destination index, or fails.
  std::function<connector_actor(caf::local_actor* supervisor)> spawn_connector;
  /// Stands in for the sender of the socket `fd` to destination `index`.
  std::function<sender_actor(caf::local_actor* supervisor, int fd,
                             uint64_t index)>
      spawn_sender;
};

/// What a sender needs to know, resolved from `[stream]` (a child) or from
/// the `proxy ...` keys of a received host's sections (a proxy).
struct sender_settings {
  std::vector<config::destination> destinations;
  std::string default_port = "19999";
  std::string api_key;
  config::simple_pattern send_charts_matching;
  int64_t timeout_seconds = config::defaults::timeout_seconds;
  int64_t buffer_size_bytes = int64_t{10} * 1024 * 1024;
  int64_t reconnect_delay_seconds = 5;
  bool enable_compression = true;
  /// `[stream] initial clock resync iterations`: after a chart definition
  /// is sent, this many rows go without BEGIN's microseconds, so that the
  /// parent syncs the chart to its own clock first (as 1.37.1 children do).
  int64_t initial_clock_resync_iterations = 60;
  /// Bytes sent on earlier connections of this host (for the log lines).
  uint64_t bytes_sent_before = 0;
  /// The TLS client context for destinations with `ssl` set.
  std::shared_ptr<const tls::context> tls;
  /// Test seams (null in the daemon).
  std::shared_ptr<const sender_seams> seams;
};

/// State of a sender: one upstream connection, from the handshake on.
struct sender_state {
  enum class chart_mode { replicating, streaming };
  struct chart_entry {
    chart_def def;
    chart_mode mode = chart_mode::replicating;
    bool wanted = true;
    /// Rows until BEGIN carries microseconds again.
    int64_t resync_rows = 0;
    /// When a row of the chart was last dropped because it was not
    /// streaming yet (µs): a replication answer that may lack it must not
    /// end the replication.
    uint64_t dropped_row_usec = 0;
  };
  sender_settings cfg;
  daemon_context ctx;
  host_actor host;
  sender_connection_actor conn;
  /// The supervisor's id: names this sender's parent link to the host (a
  /// host streamed to several parents keeps its spool until each has it).
  caf::actor_id supervisor_id = 0;
  std::string who;
  std::string dest;
  host_info info;
  bool connected = false;
  /// Told the host that the parent has every chart's past (once).
  bool replicated_sent = false;
  uint32_t caps = 0;
  std::unique_ptr<protocol::lz4_encoder> lz4;
  std::string reply;
  protocol::line_splitter lines;
  std::map<std::string, chart_entry> charts;
  std::string out;
  uint64_t bytes_queued = 0;
  uint64_t bytes_written = 0;
  int64_t last_activity_s = 0;
  int64_t rows = 0;
  /// Handling time of every 16th message (docs/console.md).
  handling_time timing{16};
  static inline const char* name = "sender";
};

/// One upstream connection on an already connected socket `fd` (`encrypted`:
/// through TLS with `cfg.tls`): sends the STREAM request as a 1.37.1 child,
/// then definitions and rows of `host`, answers REPLAY_CHART. Quits with an
/// error on any failure; before that it sends `(atom::detach, int64_t
/// postpone_s, uint64_t bytes_written, std::string why)` to `supervisor`.
sender_actor::behavior_type
sender(sender_actor::stateful_pointer<sender_state> self, int fd,
       std::string destination, bool encrypted,
       const sender_supervisor_actor& supervisor, host_actor host,
       sender_settings cfg, daemon_context ctx);

/// The socket of a sender: moves bytes, through TLS when `tls` is set (the
/// parent's certificate is checked before any byte of the sender leaves).
/// Reports reads as `(atom::data, std::string)`, write progress as
/// `(atom::write, uint64_t)` (the sender's bytes handed to the kernel), EOF
/// as `(atom::close)` and a TLS failure as `(atom::close, std::string detail,
/// std::string reason, int64_t postpone_s)`.
sender_connection_actor::behavior_type
sender_connection(sender_connection_actor::broker_pointer self, int fd,
                  const sender_actor& sender,
                  const std::shared_ptr<const tls::context>& tls);

/// State of a sender supervisor.
struct sender_supervisor_state {
  sender_settings cfg;
  daemon_context ctx;
  host_actor host;
  std::string hostname;
  sender_actor current;
  connector_actor connector;
  /// Per destination: do not try before this time (seconds).
  std::vector<int64_t> postponed_until;
  size_t current_dest = 0;
  int64_t restarts = 0;
  /// Why the last sender ended or the last connect failed ("" = never).
  std::string last_reason;
  /// When the current sender was spawned (seconds since the epoch).
  int64_t connected_s = 0;
  bool stopping = false;
  static inline const char* name = "sender-supervisor";
};

/// Keeps one sender alive for `host`: connects (off the I/O thread, trying
/// the destinations in order), spawns a sender on the socket, and after the
/// sender fails waits `reconnect delay seconds` and starts again from the
/// first destination.
sender_supervisor_actor::behavior_type sender_supervisor(
    sender_supervisor_actor::stateful_pointer<sender_supervisor_state> self,
    host_actor host, std::string hostname, sender_settings cfg,
    daemon_context ctx);

} // namespace tributary
