#pragma once

#include "actors/actors.hpp"
#include "log/logger.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tributary::config {
struct settings;
} // namespace tributary::config

namespace tributary::tls {
class context;
} // namespace tributary::tls

namespace tributary::health {
struct load_result;
} // namespace tributary::health

namespace tributary {

/// The most bytes one socket read of a sender takes (CAF 0.17.6 zero-fills
/// the read buffer back to this size after every read; a parent's
/// connections size theirs by `read_size`). A Netdata child compresses at
/// most 16 KiB a block.
constexpr size_t socket_read_bytes = size_t{16} * 1024;

/// What every actor of a running daemon shares: read-only settings, the
/// logger and the registry. Spawned actors copy it; the logger outlives the
/// actor system (owned by `run_daemon`). A reload (SIGHUP) sends new
/// settings to the registry, the listeners and the hosts; a connection takes
/// its listener's current copy. Any other copy may be older, which is safe
/// because the settings a reload may change are read only where decisions
/// are made (config/reload.hpp): keep it that way.
struct daemon_context {
  logger* log = nullptr;
  std::shared_ptr<const config::settings> settings;
  registry_actor registry;
  /// The web console's sampler (actors/console.hpp); null in tests that
  /// do not start one (the console endpoints then answer 503).
  console_actor console;
  /// Wall clock in microseconds since the epoch; tests inject their own.
  std::function<uint64_t()> now_usec;
  /// The web server's TLS context (`[web] ssl certificate` and `ssl key`);
  /// null when the server runs without TLS.
  std::shared_ptr<const tls::context> web_tls;
  /// The senders' TLS context (`[stream] CAfile`, `CApath`, `ssl skip
  /// certificate verification`); null until TLS is asked for.
  std::shared_ptr<const tls::context> stream_tls;
  /// The health.d definitions, loaded once at start; null without health.
  std::shared_ptr<const health::load_result> health_definitions;
  /// Set by `run_daemon` once every listener is bound and localhost's
  /// storage is open; `/ready` answers 503 until then. Null in tests.
  std::shared_ptr<std::atomic<bool>> ready;
  /// API requests run as detached actors (their own thread), so a big
  /// answer never holds a scheduler thread; tests on CAF's deterministic
  /// test scheduler turn it off.
  bool api_on_own_thread = true;
  /// Listeners accept with our own acceptor (see acceptor.hpp); tests on
  /// CAF's test multiplexer turn it off to use its virtual doorman.
  bool own_acceptor = true;
};

/// The Netdata version tributary answers as, wherever a Netdata client reads
/// one (/api/v1/info "version", netdata_info, the stream handshake).
inline constexpr const char* netdata_compatible_version = "v1.37.1";

/// tributary's own release (the project version; `--version`).
const char* tributary_version();

/// The system clock, for `daemon_context::now_usec`.
uint64_t system_now_usec();

/// "[ip]:port" as Netdata's log lines name a peer.
inline std::string peer_name(const std::string& ip, uint16_t port) {
  return "[" + ip + "]:" + std::to_string(port);
}

} // namespace tributary
