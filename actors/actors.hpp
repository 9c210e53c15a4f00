#pragma once

// Every actor interface of tributary, in one place. A newcomer reads the
// whole topology here (see docs/DESIGN.md for the data flow).

#include "actors/messages.hpp"
#include "base/error.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tributary::config {
struct settings;
} // namespace tributary::config

namespace tributary::health {
struct load_result;
} // namespace tributary::health

namespace tributary {

// -- atoms
// ---------------------------------------------------------------------

namespace atom {

using attach = caf::atom_constant<caf::atom("attach")>;
using charts = caf::atom_constant<caf::atom("charts")>;
using close = caf::atom_constant<caf::atom("close")>;
using collected = caf::atom_constant<caf::atom("collected")>;
using data = caf::atom_constant<caf::atom("data")>;
using define = caf::atom_constant<caf::atom("define")>;
using detach = caf::atom_constant<caf::atom("detach")>;
using get = caf::atom_constant<caf::atom("get")>;
using health = caf::atom_constant<caf::atom("health")>;
using hosts = caf::atom_constant<caf::atom("hosts")>;
using info = caf::atom_constant<caf::atom("info")>;
using next = caf::atom_constant<caf::atom("next")>;
using postpone = caf::atom_constant<caf::atom("postpone")>;
using query = caf::atom_constant<caf::atom("query")>;
using reload = caf::atom_constant<caf::atom("reload")>;
using replay = caf::atom_constant<caf::atom("replay")>;
using resume = caf::atom_constant<caf::atom("resume")>;
using retry = caf::atom_constant<caf::atom("retry")>;
using status = caf::atom_constant<caf::atom("status")>;
using store = caf::atom_constant<caf::atom("store")>;
using subscribe = caf::atom_constant<caf::atom("subscribe")>;
using timeout = caf::atom_constant<caf::atom("timeout")>;
using stream = caf::atom_constant<caf::atom("stream")>;
using sync = caf::atom_constant<caf::atom("sync")>;
using takeover = caf::atom_constant<caf::atom("takeover")>;
/// A listener joins the console's walk.
using listen = caf::atom_constant<caf::atom("listen")>;
using write = caf::atom_constant<caf::atom("write")>;

} // namespace atom

// -- message payloads that need actor handles
// ----------------------------------

/// A configuration reloaded on SIGHUP, for the actors that make new
/// decisions from it (the registry, the listeners, the hosts' health).
/// Local only: it carries shared pointers to immutable data.
struct reload_request {
  std::shared_ptr<const config::settings> settings;
  /// New health.d definitions; null when they did not change.
  std::shared_ptr<const health::load_result> health;
};

// -- actor interfaces
// ------------------------------------------------------------

/// Every long-lived actor answers a status request for the console and API.
using status_client_actor
    = caf::typed_actor<caf::replies_to<atom::status>::with<actor_status>>;

/// What a host sends to those that subscribed to its charts (its senders).
using stream_subscriber_actor = caf::typed_actor<
    // A chart definition: each one the host had when the subscriber came,
    // then each new or redefined chart.
    caf::reacts_to<atom::define, chart_def>,
    // One collected row.
    caf::reacts_to<chart_row>>;

/// One upstream connection on a connected socket, from the STREAM request
/// on (a child's or a proxy's sender). Its socket broker
/// (`sender_connection_actor`) reports the reads, write progress, EOF and
/// TLS failures.
using sender_actor = caf::typed_actor<
    // Bytes read from the parent.
    caf::reacts_to<atom::data, std::string>,
    // The sender's bytes handed to the kernel so far.
    caf::reacts_to<atom::write, uint64_t>,
    // `send charts matching` reloaded (the pattern's text).
    caf::reacts_to<atom::reload, std::string>,
    // (From the supervisor, every second) check for `timeout seconds` of
    // silence.
    caf::reacts_to<atom::timeout>,
    // The parent closed the connection.
    caf::reacts_to<atom::close>,
    // TLS failed: the detail to log ("" = none), the reason, and the seconds
    // to leave this destination alone.
    caf::reacts_to<atom::close, std::string, std::string, int64_t>>::
    extend_with<stream_subscriber_actor, status_client_actor>;

/// One accepted socket (a broker on CAF's I/O thread): reads the first
/// request, answers HTTP API requests, or hands a STREAM to a receiver.
using connection_actor = caf::typed_actor<
    // (From the listener) `[web] timeout for first request` passed.
    caf::reacts_to<atom::timeout>,
    // (From the listener) the daemon is out of descriptors: close if still
    // waiting for a first request after a while.
    caf::reacts_to<atom::close, atom::timeout>,
    // (From the listener) the API request's deadline passed: answer 503.
    caf::reacts_to<atom::timeout, atom::query>,
    // (From the listener, every 60 s) the receiver's idle check, passed on.
    caf::reacts_to<atom::timeout, atom::stream>,
    // (From the receiver) bytes to write to the child.
    caf::reacts_to<atom::write, std::string>,
    // (From the receiver) this many stream bytes are stored: read again
    // once few enough are in flight.
    caf::reacts_to<atom::sync, int64_t>,
    // The socket's events.
    caf::reacts_to<caf::io::new_data_msg>,
    caf::reacts_to<caf::io::data_transferred_msg>,
    caf::reacts_to<caf::io::connection_closed_msg>>::
    extend_with<status_client_actor>;

/// The listening socket of one `[web] bind to` address (a broker on CAF's
/// I/O thread); forks a connection per accepted socket.
using listener_actor = caf::typed_actor<
    // (From its acceptor) an accepted socket.
    caf::reacts_to<atom::attach, int>,
    // (From its acceptor) out of descriptors: connections that still wait
    // for a first request make room.
    caf::reacts_to<atom::close, atom::timeout>,
    // A reloaded configuration: connections accepted from now on follow it.
    caf::reacts_to<atom::reload, reload_request>,
    // (From a connection) its API request started: time its deadline.
    caf::reacts_to<atom::query, atom::timeout, caf::actor_id>,
    // (To itself, every second while requests run) the API deadlines.
    caf::reacts_to<atom::timeout, atom::query>,
    // (To itself, every 60 s) the receivers' idle check.
    caf::reacts_to<atom::timeout, atom::stream>,
    // (To itself) this connection's first request is due.
    caf::reacts_to<atom::timeout, caf::actor_id>,
    // The TCP port it listens on (0 for a unix socket).
    caf::replies_to<atom::get, atom::info>::with<uint16_t>,
    // Its own status, then each open connection's (the console's walk).
    caf::replies_to<atom::get, atom::status>::with<std::vector<actor_status>>,
    // CAF's test multiplexer: a virtual doorman's connections.
    caf::reacts_to<caf::io::new_connection_msg>,
    caf::reacts_to<caf::io::acceptor_closed_msg>>;

/// The socket of a sender (a broker on CAF's I/O thread): moves bytes, through
/// TLS when the sender's destination asked for it. Reports to its sender
/// (see `sender_actor`).
using sender_connection_actor = caf::typed_actor<
    // Bytes of the sender to write.
    caf::reacts_to<atom::write, std::string>,
    // Close at once, dropping what is unsent (as Netdata does: a graceful
    // close would wait for a parent that does not read).
    caf::reacts_to<atom::close>,
    // The socket's events.
    caf::reacts_to<caf::io::new_data_msg>,
    caf::reacts_to<caf::io::data_transferred_msg>,
    caf::reacts_to<caf::io::connection_closed_msg>>;

/// Tries a sender's destinations in order on its own thread, once.
using connector_actor = caf::typed_actor<
    // The connected socket and the index of its destination, or an error
    // when none connected; then it quits.
    caf::replies_to<atom::get>::with<int, uint64_t>>;

/// Keeps one sender of a host alive: connects, spawns, reconnects.
using sender_supervisor_actor = caf::typed_actor<
    // (To itself) connect again after `reconnect delay seconds`.
    caf::reacts_to<atom::retry>,
    // `send charts matching` reloaded (the pattern's text), passed on to the
    // running sender.
    caf::reacts_to<atom::reload, std::string>,
    // (To itself, every second) ticks the current sender's idle check.
    caf::reacts_to<atom::timeout>,
    // From the sender before it quits: the seconds to leave its destination
    // alone (0 = none), the bytes it wrote, and why it ended.
    caf::reacts_to<atom::detach, int64_t, uint64_t,
                   std::string>>::extend_with<status_client_actor>;

/// The built-in /proc collector of localhost.
using collector_actor = caf::typed_actor<
    // (To itself, aligned to the second) collect once, then again.
    caf::reacts_to<atom::timeout>>::extend_with<status_client_actor>;

/// The alerts of one host (its health loop).
using health_monitor_actor = caf::typed_actor<
    // Hold evaluation until this time (seconds; int64 max: the host
    // disconnected). The monitor's own 1 s tick resumes it: no timer actor
    // per connect, whose delayed message would keep it in memory after a
    // reconnect ended it.
    caf::reacts_to<atom::postpone, int64_t>,
    // Evaluate again now.
    caf::reacts_to<atom::resume>,
    // (To itself, every second) one round of due alerts.
    caf::reacts_to<atom::timeout>,
    // New health.d definitions (the log is kept, alerts linked again).
    caf::reacts_to<atom::reload, reload_request>,
    // The host has new or redefined charts.
    caf::reacts_to<atom::charts>,
    // The JSON of /api/v1/alarms, alarm_log, alarm_count, alarms_values or
    // alarm_totals, with the query's name=value pairs; not_found for another.
    caf::replies_to<atom::health, std::string, std::vector<std::string>>::with<
        std::string>>::extend_with<status_client_actor>;

/// One running external plugin (detached: it polls the plugin's stdout).
using plugin_collector_actor = caf::typed_actor<
    // (To itself) poll the plugin's stdout once, then again.
    caf::reacts_to<atom::data>>::extend_with<status_client_actor>;

/// Keeps one external plugin running.
using plugin_supervisor_actor = caf::typed_actor<
    // (To itself) start the plugin again after its restart delay.
    caf::reacts_to<atom::retry>>::extend_with<status_client_actor>;

/// Runs one notification script to its end, off the scheduler's threads.
using notify_runner_actor = caf::typed_actor<
    // Runs it once: its exit status (128 + signal when killed, -1 when it
    // could not start); then it quits.
    caf::replies_to<atom::get>::with<int>>;

/// The web console's sampler (one per daemon).
using console_actor = caf::typed_actor<
    // (To itself, every second) walk the registry's actor directory.
    caf::reacts_to<atom::timeout>,
    // The JSON of /api/v1/console/<what> ("actors", "streams", "series";
    // `after`: series points after that second), or ec::not_found.
    caf::replies_to<atom::get, std::string, int64_t>::with<std::string>,
    // The JSON of one host's chart actors (hostname or GUID; the drill-down
    // of /api/v1/console/actors?host=...&charts=1), or ec::not_found.
    caf::replies_to<atom::get, atom::charts, std::string>::with<std::string>,
    // A listener joins the walk (its connections with it).
    caf::reacts_to<atom::listen, listener_actor>>;

/// One storage engine instance for one host (its memory mode).
using host_db_actor = caf::typed_actor<
    // Registers or updates a chart and its dimensions.
    caf::reacts_to<atom::define, shared_chart_def>,
    // Stores one computed point per dimension of a chart at a time (seconds),
    // for a chart that found the engine's lock taken (a chart appends its
    // rows itself otherwise: host_store). The answer: stored.
    caf::replies_to<atom::store, stored_row>::with<bool>,
    // The same for a batch of computed points of one chart (replication).
    caf::replies_to<atom::store, stored_points>::with<bool>,
    // Answers a query for a chart.
    caf::replies_to<atom::query, data_query, chart_def>::with<data_result>,
    // Flushes to disk and quits (orderly shutdown).
    caf::reacts_to<atom::close>,
    // Closes and, if true, deletes the host's files; answers once done, then
    // quits (an orphan host cleaned up).
    caf::replies_to<atom::close, bool>::with<bool>,
    // Once a second: commit the crash journal, retry failed writes.
    caf::reacts_to<atom::timeout>,
    // The spool (memory mode none / short ram): false when a parent link went
    // away (keep rows on disk), true when a parent replicated everything
    // (clear it).
    caf::reacts_to<atom::stream, atom::write, bool>,
    // The storage health for /api/v1/info.
    caf::replies_to<atom::get, atom::store>::with<storage_status>,
    // Answers once every message received before it is handled (a fence).
    caf::replies_to<atom::sync>::with<bool>>::extend_with<status_client_actor>;

/// One chart of a host: definition, collection state, value math.
using chart_actor = caf::typed_actor<
    // Redefines the chart: the host's merged definition.
    caf::reacts_to<atom::define, shared_chart_def>,
    // One collected row (BEGIN..END).
    caf::reacts_to<chart_row>,
    // Replicated points, in stream order.
    caf::reacts_to<replay_batch>,
    // The chart's summary for /api/v1/charts.
    caf::replies_to<atom::get, atom::charts>::with<chart_summary>,
    // What each dimension last collected (allmetrics as-collected).
    caf::replies_to<atom::get, atom::collected>::with<chart_collected>,
    // Answers once the rows received before it are stored (through the host
    // db if some went that way).
    caf::replies_to<atom::sync>::with<bool>>::extend_with<status_client_actor>;

/// A node: localhost or a streamed child, keyed by machine GUID.
using host_actor = caf::typed_actor<
    // A chart definition from a collector.
    caf::reacts_to<atom::define, chart_def>,
    // A chart definition from a receiver, which copies it before it changes
    // it: a new chart keeps it as its merged definition.
    caf::reacts_to<atom::define, shared_chart_def>,
    // One collected row, routed to its chart.
    caf::reacts_to<chart_row>,
    // The rows of one read of a receiver, each routed to its chart.
    caf::reacts_to<row_batch>,
    // Replicated points of one chart, routed to it.
    caf::reacts_to<replay_batch>,
    // The receiver asked the child to replicate this chart (its
    // CHART_DEFINITION_END): senders get the chart, its rows and its
    // definition only once this replication finished, so that a proxy offers
    // its parent what it got from the child (docs/protocol.md "Storing
    // replicated points").
    caf::reacts_to<atom::replay, std::string>,
    // (The host's own) time to end the holds that waited too long.
    caf::reacts_to<atom::replay, atom::timeout>,
    // Host labels replaced (OVERWRITE labels).
    caf::reacts_to<atom::info, host_info>,
    // A receiver attached (true, with compression) or went away (false).
    caf::reacts_to<atom::stream, bool, bool>,
    // This host's sender: connected to a parent, and whether it compresses
    // (negotiated when connected, configured when not).
    caf::reacts_to<atom::stream, atom::write, bool, bool>,
    // A sender's parent (its supervisor's id) finished replicating every
    // chart: the spool may go once no other sender's parent is behind.
    caf::reacts_to<atom::replay, atom::write, caf::actor_id>,
    // A sender wants every chart definition (those known now, then each new
    // one) and every row from now on.
    caf::reacts_to<atom::subscribe, stream_subscriber_actor>,
    // The host's summary for /api/v1/info.
    caf::replies_to<atom::get, atom::info>::with<host_summary>,
    // Every chart of the host for /api/v1/charts and allmetrics.
    caf::replies_to<atom::get, atom::charts>::with<chart_listing>,
    // These charts only (unknown ids are left out).
    caf::replies_to<atom::get, atom::charts,
                    std::vector<std::string>>::with<std::vector<chart_summary>>,
    // Every chart's definition as the host has it, without asking the chart
    // actors (no stored range: first and last entry are 0). The health
    // monitor asks after the host told it `(atom::charts)`: a chart is new or
    // redefined.
    caf::replies_to<atom::get, atom::define>::with<std::vector<chart_summary>>,
    // Stored data of one chart.
    caf::replies_to<atom::query, data_query>::with<data_result>,
    // What each dimension of this chart last collected (not_found: no such
    // chart).
    caf::replies_to<atom::query, atom::collected,
                    std::string>::with<chart_collected>,
    // A health endpoint (alarms, alarm_log, alarm_count, alarms_values) with
    // the query's name=value pairs: the JSON body, or not_found without
    // health.
    caf::replies_to<atom::health, std::string,
                    std::vector<std::string>>::with<std::string>,
    // The host's health monitor and postpone timer, if running (the console).
    caf::replies_to<atom::get, atom::health>::with<std::vector<caf::actor>>,
    // The status of its chart actors, the first `limit` by id (the console's
    // charts drill-down, asked on demand only).
    caf::replies_to<atom::status, atom::charts,
                    int64_t>::with<std::vector<actor_status>>,
    // Removes the host: stops its charts and health, closes its database and,
    // if true, deletes its files; answers once done, then quits.
    caf::replies_to<atom::close, bool>::with<bool>,
    // Reloaded health.d definitions (SIGHUP) for the health monitor.
    caf::reacts_to<atom::reload, reload_request>,
    // Answers once every row and replicated point received before it is
    // stored: the receiver's read backpressure.
    caf::replies_to<atom::sync>::with<bool>>::extend_with<status_client_actor>;

/// One accepted child's stream: decompresses and parses it, feeds its host.
/// Its connection gets `(atom::sync, int64_t)` for the bytes whose rows are
/// stored.
using receiver_actor = caf::typed_actor<
    // Stream bytes from the connection.
    caf::reacts_to<atom::data, std::string>,
    // The child closed the connection.
    caf::reacts_to<atom::close>,
    // (From the connection, every 60 s) check for 600 s of silence.
    caf::reacts_to<atom::timeout>>::extend_with<status_client_actor>;

/// One HTTP API request; it quits once answered.
using api_request_actor = caf::typed_actor<
    // The whole HTTP response, or its first part: the bytes, and whether
    // more follow.
    caf::replies_to<atom::get>::with<std::string, bool>,
    // The next part of an answer sent in parts (same meaning).
    caf::replies_to<atom::get, atom::next>::with<std::string, bool>>;

/// Accepts on one listening socket (detached, it waits in poll()).
using acceptor_actor = caf::typed_actor<
    // (To itself) poll and accept once more.
    caf::reacts_to<atom::resume>>::extend_with<status_client_actor>;

/// The host registry: machine GUID -> host, access checks for STREAM.
using registry_actor = caf::typed_actor<
    // Runs the access check for a STREAM request and, if accepted, attaches
    // the stream to its host (created on first sight).
    caf::replies_to<atom::stream, stream_hello>::with<access_decision,
                                                      host_actor>,
    // The receiver of an accepted stream for this GUID took over.
    caf::reacts_to<atom::takeover, std::string, receiver_actor>,
    // The receiver for this GUID received data at this time (seconds; sent at
    // most every few seconds).
    caf::reacts_to<atom::data, std::string, int64_t>,
    // The receiver for this GUID is gone, and why ("" = the child closed).
    caf::reacts_to<atom::detach, std::string, receiver_actor, std::string>,
    // Every host, localhost first.
    caf::replies_to<atom::get, atom::hosts>::with<std::vector<host_summary>>,
    // A host by hostname or machine GUID.
    caf::replies_to<atom::get, std::string>::with<host_actor>,
    // The status of every long-lived actor it knows (the actor console).
    caf::replies_to<atom::get, atom::status>::with<std::vector<actor_status>>,
    // Removes hosts orphaned longer than `cleanup orphan hosts after secs`
    // (sent to itself every second).
    caf::reacts_to<atom::timeout>,
    // A reloaded configuration (SIGHUP): new decisions follow it, established
    // streams stay.
    caf::reacts_to<atom::reload,
                   reload_request>>::extend_with<status_client_actor>;

} // namespace tributary

// -- type IDs
// --------------------------------------------------------------------

CAF_BEGIN_TYPE_ID_BLOCK(tributary, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(tributary, (tributary::dimension_def))
  CAF_ADD_TYPE_ID(tributary, (tributary::chart_def))
  CAF_ADD_TYPE_ID(tributary, (tributary::chart_row))
  CAF_ADD_TYPE_ID(tributary, (tributary::replay_batch))
  CAF_ADD_TYPE_ID(tributary, (tributary::row_batch))
  CAF_ADD_TYPE_ID(tributary, (tributary::stored_points))
  CAF_ADD_TYPE_ID(tributary, (tributary::stored_row))
  CAF_ADD_TYPE_ID(tributary, (tributary::host_info))
  CAF_ADD_TYPE_ID(tributary, (tributary::data_query))
  CAF_ADD_TYPE_ID(tributary, (tributary::data_result))
  CAF_ADD_TYPE_ID(tributary, (tributary::chart_summary))
  CAF_ADD_TYPE_ID(tributary, (tributary::chart_collected))
  CAF_ADD_TYPE_ID(tributary, (tributary::host_summary))
  CAF_ADD_TYPE_ID(tributary, (tributary::storage_status))
  CAF_ADD_TYPE_ID(tributary, (tributary::actor_status))
  CAF_ADD_TYPE_ID(tributary, (tributary::stream_hello))
  CAF_ADD_TYPE_ID(tributary, (tributary::access_decision))
  CAF_ADD_TYPE_ID(tributary, (std::vector<tributary::chart_summary>))
  CAF_ADD_TYPE_ID(tributary, (std::vector<tributary::host_summary>))
  CAF_ADD_TYPE_ID(tributary, (std::vector<tributary::actor_status>))
  CAF_ADD_TYPE_ID(tributary, (tributary::shared_chart_def))
CAF_END_TYPE_ID_BLOCK(tributary)

CAF_ERROR_CODE_ENUM(tributary::ec, "tributary")

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::reload_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::chart_listing)
