#pragma once

// Netdata 1.37.1's code defaults: the value that applies when a key is absent
// (docs/protocol.md "stream.conf defaults"; where the stock files or the docs
// show another value, the code wins and the difference is noted here).

#include <cstdint>
#include <string_view>

namespace tributary::config::defaults {

// -- netdata.conf [global] ----------------------------------------------------

/// [global] run as user.
inline constexpr std::string_view run_as_user = "netdata";

// -- netdata.conf [db] --------------------------------------------------------

/// [db] mode (legacy [global] memory mode). dbengine when compiled in.
inline constexpr std::string_view memory_mode = "dbengine";
/// [db] retention (legacy [global] history), in entries.
inline constexpr int64_t history = 3600;
/// Smallest accepted history; Netdata raises smaller values to this.
inline constexpr int64_t min_history = 5;
/// [db] update every (legacy [global] update every), in seconds.
inline constexpr int64_t update_every = 1;
/// [db] enable replication.
inline constexpr bool enable_replication = true;
/// [db] seconds to replicate (one day).
inline constexpr int64_t seconds_to_replicate = 86400;
/// [db] seconds per replication step. The stock stream.conf comment calls it
/// `replication_step`; the code reads `seconds per replication step`.
inline constexpr int64_t seconds_per_replication_step = 600;
/// [db] replication threads (1..20).
inline constexpr int64_t replication_threads = 1;
/// [db] cleanup orphan hosts after secs (legacy [global] cleanup orphan hosts
/// after seconds; Netdata v2 names it [db] cleanup orphan hosts after).
inline constexpr int64_t cleanup_orphan_hosts_after_secs = 3600;
/// [db] delete orphan hosts files (legacy [global] delete orphan hosts files).
inline constexpr bool delete_orphan_hosts_files = true;
/// [db] max charts per host: far above a real 1.37.1 child with every plugin
/// (a few thousand charts), low enough that one child cannot take the
/// parent's memory (~20 KB a chart in ram mode).
inline constexpr int64_t max_charts_per_host = 50000;
/// [db] max dimensions per host (10 per chart on average).
inline constexpr int64_t max_dimensions_per_host = 500000;
/// [db] cleanup obsolete charts after secs.
inline constexpr int64_t cleanup_obsolete_charts_after_secs = 3600;
/// [db] dbengine page cache size MB.
inline constexpr int64_t dbengine_page_cache_size_mb = 32;
/// [db] dbengine disk space MB (per child host).
inline constexpr int64_t dbengine_disk_space_mb = 256;
/// [db] dbengine multihost disk space MB.
inline constexpr int64_t dbengine_multihost_disk_space_mb = 256;

// -- netdata.conf [web] -------------------------------------------------------

/// [web] bind to (legacy [global] bind socket to IP / bind to).
inline constexpr std::string_view bind_to = "*";
/// [web] default port (legacy [global] port / default port).
inline constexpr int64_t default_port = 19999;
/// [web] allow connections from.
inline constexpr std::string_view allow_connections_from = "localhost *";
/// [web] allow streaming from.
inline constexpr std::string_view allow_streaming_from = "*";
/// [web] accept a streaming request every seconds (0 = no limit).
inline constexpr int64_t accept_a_streaming_request_every_seconds = 0;
/// [web] timeout for first request.
inline constexpr int64_t timeout_for_first_request = 60;
/// [web] disconnect idle clients after seconds.
inline constexpr int64_t disconnect_idle_clients_after_seconds = 60;

// -- netdata.conf [directories] (Debian's build)
// -------------------------------

/// [directories] config.
inline constexpr std::string_view config_dir = "/etc/netdata";
/// [directories] stock config.
inline constexpr std::string_view stock_config_dir = "/usr/lib/netdata/conf.d";
/// [directories] log.
inline constexpr std::string_view log_dir = "/var/log/netdata";
/// [directories] cache.
inline constexpr std::string_view cache_dir = "/var/cache/netdata";
/// [directories] lib.
inline constexpr std::string_view lib_dir = "/var/lib/netdata";
/// [directories] web.
inline constexpr std::string_view web_dir = "/usr/share/netdata/web";
/// [directories] plugins.
inline constexpr std::string_view plugins_dir = "/usr/lib/netdata/plugins.d";

// -- netdata.conf [registry], [health], [ml] ----------------------------------

/// [registry] enabled.
inline constexpr bool registry_enabled = false;
/// [health] enabled.
inline constexpr bool health_enabled = true;
/// [ml] enabled.
inline constexpr bool ml_enabled = true;
/// [ml] stream anomaly detection charts.
inline constexpr bool ml_stream_anomaly_detection_charts = true;

// -- stream.conf [stream]
// ------------------------------------------------------

/// [stream] enabled.
inline constexpr bool stream_enabled = false;
/// [stream] send charts matching.
inline constexpr std::string_view send_charts_matching = "*";
/// [stream] enable compression (lz4 builds).
inline constexpr bool enable_compression = true;
/// [stream] timeout seconds. The code default is 600; the stock stream.conf
/// sets 60. An absent key means 600.
inline constexpr int64_t timeout_seconds = 600;
/// [stream] default port.
inline constexpr int64_t stream_default_port = 19999;
/// [stream] spool disk space MB: the spool of a host without history.
inline constexpr int64_t spool_disk_space_mb = 256;
/// [stream] buffer size bytes (10 MiB).
inline constexpr int64_t buffer_size_bytes = 10485760;
/// [stream] reconnect delay seconds.
inline constexpr int64_t reconnect_delay_seconds = 5;
/// [stream] initial clock resync iterations.
inline constexpr int64_t initial_clock_resync_iterations = 60;
/// [web] tls version.
inline constexpr std::string_view tls_version = "1.3";
/// [web] tls ciphers.
inline constexpr std::string_view tls_ciphers = "none";
/// [stream] ssl skip certificate verification.
inline constexpr bool ssl_skip_certificate_verification = false;

// -- stream.conf [API_KEY] / [MACHINE_GUID]
// ------------------------------------

/// `type` of a section read as an API key.
inline constexpr std::string_view api_key_type = "api";
/// `type` of a section read as a machine GUID.
inline constexpr std::string_view machine_guid_type = "machine";
/// [API_KEY] enabled: an unknown or unset key is refused.
inline constexpr bool api_key_enabled = false;
/// [MACHINE_GUID] enabled. The stock template shows `enabled = no`, but the
/// code default for a GUID section is yes.
inline constexpr bool machine_guid_enabled = true;
/// [API_KEY] / [MACHINE_GUID] allow from.
inline constexpr std::string_view allow_from = "*";
/// default postpone alarms on connect seconds / postpone alarms on connect
/// seconds.
inline constexpr int64_t postpone_alarms_on_connect_seconds = 60;

// -- tributary's embedded configuration
// ----------------------------------------

/// `tributary run` without a configuration binds here.
inline constexpr std::string_view embedded_bind_to = "127.0.0.1";

} // namespace tributary::config::defaults
