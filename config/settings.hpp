#pragma once

#include "base/memory_mode.hpp"
#include "config/defaults.hpp"
#include "config/simple_pattern.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::config {

// -- enums
// ----------------------------------------------------------------------

/// A Netdata memory mode (`[db] mode`, `memory mode`): the shared
/// vocabulary of base/.
using tributary::memory_mode;
using tributary::parse_memory_mode;
using tributary::to_string;

/// Health for a received host: three-valued (`health enabled by default`).
enum class health_mode : uint8_t {
  /// `no`: no alerts.
  no,
  /// `yes`: alerts always.
  yes,
  /// `auto` / `on demand`: alerts only while the child is connected.
  automatic,
};

/// Parses `yes`, `no`, `auto` or `on demand` (case-sensitive, as 1.37.1's
/// `appconfig_get_boolean_ondemand`).
std::optional<health_mode> parse_health_mode(std::string_view x);

/// Returns "yes", "no" or "auto".
std::string_view to_string(health_mode x) noexcept;

/// Parses a Netdata boolean: `yes`, `true`, `on`, `auto`, `on demand` are true,
/// `no`, `false`, `off` are false (any case). Netdata reads every other word as
/// false; we return nullopt so that it can be reported.
std::optional<bool> parse_bool(std::string_view x);

/// Parses a Netdata number like `strtoll(x, NULL, 0)` does (so `0x10` is 16
/// and `010` is 8), but requires the whole value to be a number.
std::optional<int64_t> parse_number(std::string_view x);

// -- netdata.conf
// ----------------------------------------------------------------

/// The netdata.conf settings tributary acts on.
struct global_settings {
  // [global]
  /// [global] hostname; empty = the system's host name.
  std::string hostname;
  /// [global] run as user.
  std::string run_as_user{defaults::run_as_user};
  /// True if the configuration sets `run as user`: only then does a daemon
  /// started as root switch to it (Debian's netdata.conf sets it; the
  /// embedded default and a file without it keep the starting user).
  bool run_as_user_set = false;
  /// [global] host access prefix: where the monitored node's /proc, /sys and
  /// /etc/os-release are (a container monitoring its node mounts them under
  /// e.g. /host); empty = this system's own.
  std::string host_access_prefix;

  // [logs] (Netdata v1.44 and later)
  /// [logs] level as tributary's log level (error, warning, info, debug);
  /// empty when not set.
  std::string log_level;

  // [db] (legacy names in [global] are accepted)
  /// [db] mode.
  memory_mode mode = memory_mode::dbengine;
  /// [db] retention: entries per dimension for ram/save/map/alloc.
  int64_t history = defaults::history;
  /// [db] update every, seconds.
  int64_t update_every = defaults::update_every;
  /// [db] enable replication.
  bool enable_replication = defaults::enable_replication;
  /// [db] seconds to replicate.
  int64_t seconds_to_replicate = defaults::seconds_to_replicate;
  /// [db] seconds per replication step.
  int64_t seconds_per_replication_step = defaults::seconds_per_replication_step;
  /// [db] replication threads.
  int64_t replication_threads = defaults::replication_threads;
  /// [db] cleanup orphan hosts after secs.
  int64_t cleanup_orphan_hosts_after_secs
      = defaults::cleanup_orphan_hosts_after_secs;
  /// [db] delete orphan hosts files: a cleaned-up orphan host's database
  /// files are deleted (yes) or kept (no).
  bool delete_orphan_hosts_files = defaults::delete_orphan_hosts_files;
  /// [db] max charts per host / max dimensions per host (0 = no limit):
  /// a streamed host's charts beyond them are refused.
  int64_t max_charts_per_host = defaults::max_charts_per_host;
  int64_t max_dimensions_per_host = defaults::max_dimensions_per_host;
  /// [db] cleanup obsolete charts after secs.
  int64_t cleanup_obsolete_charts_after_secs
      = defaults::cleanup_obsolete_charts_after_secs;
  /// [db] dbengine page cache size MB.
  int64_t dbengine_page_cache_size_mb = defaults::dbengine_page_cache_size_mb;
  /// [db] dbengine disk space MB.
  int64_t dbengine_disk_space_mb = defaults::dbengine_disk_space_mb;
  /// [db] dbengine multihost disk space MB.
  int64_t dbengine_multihost_disk_space_mb
      = defaults::dbengine_multihost_disk_space_mb;

  // [web]
  /// [web] bind to: space-separated `[PROTOCOL:]IP[:PORT][=MODES][^SSL=...]`,
  /// verbatim.
  std::string bind_to{defaults::bind_to};
  /// [web] mode: `none` runs no web server (no API, no listener: a
  /// collector-only child); anything else serves on `bind to`.
  std::string web_mode = "static-threaded";
  /// [web] default port.
  int64_t default_port = defaults::default_port;
  /// [web] allow connections from.
  simple_pattern allow_connections_from;
  /// [web] allow streaming from.
  simple_pattern allow_streaming_from;
  /// [web] accept a streaming request every seconds (0 = off).
  int64_t accept_a_streaming_request_every_seconds
      = defaults::accept_a_streaming_request_every_seconds;
  /// [web] timeout for first request.
  int64_t timeout_for_first_request = defaults::timeout_for_first_request;
  /// [web] disconnect idle clients after seconds.
  int64_t disconnect_idle_clients_after_seconds
      = defaults::disconnect_idle_clients_after_seconds;
  /// [web] ssl key; default `<config>/ssl/key.pem`.
  std::string ssl_key;
  /// [web] ssl certificate; default `<config>/ssl/cert.pem`.
  std::string ssl_certificate;
  /// [web] tls version: the highest TLS version the web server offers.
  std::string tls_version{defaults::tls_version};
  /// [web] tls ciphers: `none` keeps OpenSSL's list (TLS <= 1.2 only).
  std::string tls_ciphers{defaults::tls_ciphers};

  // [directories] (legacy `... directory` names in [global] are accepted)
  /// [directories] config.
  std::string config_dir{defaults::config_dir};
  /// [directories] stock config.
  std::string stock_config_dir{defaults::stock_config_dir};
  /// [directories] log.
  std::string log_dir{defaults::log_dir};
  /// [logs] access (legacy: [global] access log): the access.log path;
  /// empty = `<log dir>/access.log`, `none` = no access log.
  std::string access_log;
  /// [logs] errors flood protection period (legacy: [global]); 0 = off.
  int64_t errors_flood_protection_period = 1200;
  /// [logs] errors to trigger flood protection (legacy: [global]).
  int64_t errors_to_trigger_flood_protection = 200;
  /// [directories] cache.
  std::string cache_dir{defaults::cache_dir};
  /// [directories] lib.
  std::string lib_dir{defaults::lib_dir};
  /// [directories] web.
  std::string web_dir{defaults::web_dir};
  /// [directories] plugins.
  std::string plugins_dir{defaults::plugins_dir};
  /// [plugins] NAME = yes|no: external plugins (NAME.plugin in plugins_dir)
  /// tributary runs. Unlike Netdata, a plugin runs only when enabled here:
  /// many of Debian's plugins probe the network.
  std::map<std::string, bool> plugins;
  /// [plugins] proc: the built-in /proc collector of localhost.
  bool proc_plugin = true;
  /// [host labels] NAME = VALUE: labels of localhost, streamed upstream
  /// (e.g. `_is_ephemeral = true` for ephemeral nodes).
  std::vector<std::pair<std::string, std::string>> host_labels;

  // [registry]
  /// [registry] enabled.
  bool registry_enabled = defaults::registry_enabled;
  /// [registry] netdata unique id file; default
  /// `<lib>/registry/netdata.public.unique.id`.
  std::string netdata_unique_id_file;

  // [health]
  /// [health] enabled: the default for received hosts.
  bool health_enabled = defaults::health_enabled;
  /// [health] enable stock health configuration.
  bool health_enable_stock_config = true;
  /// [health] run at least every seconds (min 1).
  int64_t health_run_at_least_every_seconds = 10;
  /// [health] in memory max health log entries (min 10).
  int64_t health_max_log_entries = 1000;
  /// [health] script to execute on alarm. Empty: notifications are only
  /// logged (Netdata runs its alarm-notify.sh, which sends mail and calls
  /// web hooks; tributary runs a script only when it is named).
  std::string health_script_on_alarm;
  /// [directories] health config; default `<config>/health.d`.
  std::string health_config_dir;
  /// [directories] stock health config; default `<stock config>/health.d`.
  std::string stock_health_config_dir;

  // [ml]
  /// [ml] enabled.
  bool ml_enabled = defaults::ml_enabled;
  /// [ml] stream anomaly detection charts: ML charts bypass `send charts
  /// matching` and are streamed iff this is on.
  bool ml_stream_anomaly_detection_charts
      = defaults::ml_stream_anomaly_detection_charts;

  global_settings();
};

// -- stream.conf [stream]
// --------------------------------------------------------

/// stream.conf [stream]: the sending side, plus defaults for received hosts.
struct stream_settings {
  /// enabled. Netdata turns it off when destination or api key is empty.
  bool enabled = defaults::stream_enabled;
  /// destination: `[PROTOCOL:]HOST[%IF][:PORT][:SSL]` entries separated by
  /// spaces or commas. Cut at the first `:SSL` as 1.37.1 does (docs/protocol.md
  /// "Transport and destinations").
  std::string destination;
  /// True if the configured destination contained `:SSL` (TLS for all
  /// streaming, 1.37.1 quirk).
  bool force_ssl = false;
  /// api key.
  std::string api_key;
  /// timeout seconds.
  int64_t timeout_seconds = defaults::timeout_seconds;
  /// default port.
  int64_t default_port = defaults::stream_default_port;
  /// send charts matching.
  simple_pattern send_charts_matching;
  /// buffer size bytes.
  int64_t buffer_size_bytes = defaults::buffer_size_bytes;
  /// spool disk space MB (tributary's own key): disk for the rows of a host
  /// with `memory mode = none` or `ram` while no parent has them; 0: none.
  int64_t spool_disk_space_mb = defaults::spool_disk_space_mb;
  /// reconnect delay seconds.
  int64_t reconnect_delay_seconds = defaults::reconnect_delay_seconds;
  /// initial clock resync iterations.
  int64_t initial_clock_resync_iterations
      = defaults::initial_clock_resync_iterations;
  /// enable compression (sender, and the parent's global switch).
  bool enable_compression = defaults::enable_compression;
  /// ssl skip certificate verification.
  bool ssl_skip_certificate_verification
      = defaults::ssl_skip_certificate_verification;
  /// CApath; empty = OpenSSL's default.
  std::string ca_path;
  /// CAfile; empty = none.
  std::string ca_file;
  /// destination order (tributary's own key): `listed` (Netdata's order, the
  /// default) or `rendezvous`: each host tries the destinations in the order
  /// of their rendezvous hash with its hostname (localhost's `[global]
  /// hostname`, a proxied child's own name for `proxy destination`), so
  /// children spread over parents and fail over to the next one.
  bool destination_order_rendezvous = false;
  /// parallel destinations (tributary's own key): more groups of
  /// destinations, separated by `|`, each streamed at the same time as
  /// `destination` (every group fails over in its own order, with its own
  /// sender, buffer and replication). Empty = Netdata's single stream.
  std::string parallel_destinations;

  stream_settings();
};

// -- stream.conf [API_KEY] / [MACHINE_GUID]
// ---------------------------------------

/// The fields of a receiver section, for `receiver_settings::is_set`.
enum class receiver_field : uint8_t {
  type,
  enabled,
  allow_from,
  update_every,
  history,
  memory_mode,
  health_enabled,
  postpone_alarms_on_connect_seconds,
  proxy_enabled,
  proxy_destination,
  proxy_api_key,
  proxy_send_charts_matching,
  enable_compression,
  enable_replication,
  seconds_to_replicate,
  seconds_per_replication_step,
  host_tags,
  proxy_parallel_destinations,
};

/// The settings of one stream.conf `[API_KEY]` or `[MACHINE_GUID]` section,
/// and, as returned by `resolve_receiver`, the effective settings for an
/// incoming stream. In an `[API_KEY]` section several keys carry a `default `
/// prefix (`default history`); in a `[MACHINE_GUID]` section they do not
/// (`history`). Fields the section does not set hold the value inherited
/// from the level above (globals for a key, globals for a GUID until
/// `resolve_receiver` layers it over its key); `is_set` tells them apart.
struct receiver_settings {
  /// The section name: the API key or the machine GUID.
  std::string name;
  /// type: "api" or "machine"; empty if the section does not set it (then
  /// it serves as either, as in Netdata).
  std::string type;
  /// enabled (API key default no, GUID default yes).
  bool enabled = defaults::api_key_enabled;
  /// allow from (default `*`); an empty pattern means "not checked".
  simple_pattern allow_from;
  /// update every (GUID only); nullopt = the child's own value.
  std::optional<int64_t> update_every;
  /// default history / history (at least 5).
  int64_t history = defaults::history;
  /// default memory mode / memory mode.
  config::memory_mode memory_mode = memory_mode::dbengine;
  /// health enabled by default / health enabled.
  health_mode health_enabled = health_mode::yes;
  /// default postpone alarms on connect seconds / postpone alarms on connect
  /// seconds.
  int64_t postpone_alarms_on_connect_seconds
      = defaults::postpone_alarms_on_connect_seconds;
  /// default proxy enabled / proxy enabled (default [stream] enabled).
  bool proxy_enabled = defaults::stream_enabled;
  /// default proxy destination / proxy destination.
  std::string proxy_destination;
  /// default proxy parallel destinations / proxy parallel destinations
  /// (default [stream] parallel destinations).
  std::string proxy_parallel_destinations;
  /// default proxy api key / proxy api key.
  std::string proxy_api_key;
  /// default proxy send charts matching / proxy send charts matching.
  simple_pattern proxy_send_charts_matching;
  /// enable compression; the effective value is also ANDed with
  /// [stream] enable compression by `resolve_receiver`.
  bool enable_compression = defaults::enable_compression;
  /// enable replication.
  bool enable_replication = defaults::enable_replication;
  /// seconds to replicate.
  int64_t seconds_to_replicate = defaults::seconds_to_replicate;
  /// seconds per replication step.
  int64_t seconds_per_replication_step = defaults::seconds_per_replication_step;
  /// host tags (GUID only).
  std::string host_tags;

  /// Copied from netdata.conf [web] allow connections from (resolved only).
  simple_pattern allow_connections_from;
  /// Copied from netdata.conf [web] allow streaming from (resolved only).
  simple_pattern allow_streaming_from;
  /// Copied from netdata.conf [web] accept a streaming request every seconds
  /// (resolved only; the limit is global, not per host).
  int64_t accept_a_streaming_request_every_seconds
      = defaults::accept_a_streaming_request_every_seconds;

  /// Where the section starts (empty/0 for a resolved or default value).
  std::string file;
  /// 1-based line of the section header.
  size_t line = 0;

  /// True if the section sets `x` explicitly.
  bool is_set(receiver_field x) const noexcept {
    return (set_mask & (uint32_t{1} << static_cast<unsigned>(x))) != 0;
  }

  /// Marks `x` as set explicitly.
  void mark_set(receiver_field x) noexcept {
    set_mask |= uint32_t{1} << static_cast<unsigned>(x);
  }

  /// Bit i set = `receiver_field(i)` set explicitly.
  uint32_t set_mask = 0;

  receiver_settings();
};

// -- everything
// --------------------------------------------------------------------

/// The typed configuration: netdata.conf + stream.conf (or the YAML file).
struct settings {
  /// netdata.conf.
  global_settings global;
  /// stream.conf [stream].
  stream_settings stream;
  /// stream.conf sections read as API keys (`type = api` or no type),
  /// by section name. Unset fields hold the global defaults.
  std::map<std::string, receiver_settings> api_keys;
  /// stream.conf sections read as machine GUIDs (`type = machine` or no
  /// type), by section name. Unset fields hold the global defaults.
  std::map<std::string, receiver_settings> machine_guids;
};

/// The receiver defaults that apply below the globals of `cfg`: what an
/// API key section inherits for each field it does not set (docs/protocol.md
/// "Settings lookup").
receiver_settings receiver_defaults(const settings& cfg);

} // namespace tributary::config
