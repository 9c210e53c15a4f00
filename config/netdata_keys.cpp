#include "config/netdata_keys.hpp"

#include "config/known_keys.hpp"

#include <unistd.h>
#include <utility>

namespace tributary::config::detail {

namespace {

constexpr int64_t max_port = 65535;

/// A TLS file the web server cannot read leaves it in clear text, as in
/// Netdata: worth saying before the daemon runs.
void note_unreadable(entry_ctx& c, const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0)
    c.note("cannot read " + path + "; the web server will run without TLS");
}

/// [logs] level (Netdata v1.44+: syslog priorities) as tributary's levels.
void log_level(entry_ctx& c, global_settings& g) {
  static constexpr std::pair<std::string_view, std::string_view> levels[] = {
      {"emergency", "error"}, {"emerg", "error"},     {"alert", "error"},
      {"critical", "error"},  {"crit", "error"},      {"error", "error"},
      {"err", "error"},       {"warning", "warning"}, {"warn", "warning"},
      {"notice", "info"},     {"info", "info"},       {"debug", "debug"},
  };
  for (auto& [name, ours] : levels)
    if (c.entry().value == name) {
      g.log_level = std::string{ours};
      return;
    }
  c.error("`" + c.entry().value
          + "` is not a log level (emergency, alert, critical, error, "
            "warning, notice, info, debug)");
}

// Canonical names.
const acted_key canonical[] = {
    {"global", "hostname",
     [](entry_ctx& c, global_settings& g) { c.text(g.hostname); }},
    {"global", "run as user",
     [](entry_ctx& c, global_settings& g) {
       g.run_as_user_set = c.text(g.run_as_user);
     }},
    {"global", "host access prefix",
     [](entry_ctx& c, global_settings& g) {
       c.text(g.host_access_prefix);
       while (g.host_access_prefix.size() > 1
              && g.host_access_prefix.back() == '/')
         g.host_access_prefix.pop_back();
     }},
    {"logs", "level",
     [](entry_ctx& c, global_settings& g) { log_level(c, g); }},
    // v1.43's name (info or error); v1.44's `level` wins when both are set.
    {"logs", "severity level",
     [](entry_ctx& c, global_settings& g) {
       if (g.log_level.empty())
         log_level(c, g);
     }},
    {"db", "mode", [](entry_ctx& c, global_settings& g) { c.mode(g.mode); }},
    {"db", "retention",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.history, defaults::min_history);
     }},
    {"db", "update every",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.update_every, 1, 86400);
     }},
    {"db", "enable replication",
     [](entry_ctx& c, global_settings& g) { c.boolean(g.enable_replication); }},
    {"db", "seconds to replicate",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.seconds_to_replicate, 0);
     }},
    {"db", "seconds per replication step",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.seconds_per_replication_step, 1);
     }},
    {"db", "replication threads",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.replication_threads, 1, 20);
     }},
    {"db", "cleanup orphan hosts after secs",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.cleanup_orphan_hosts_after_secs, 0);
     }},
    {"db", "cleanup orphan hosts after",
     [](entry_ctx& c, global_settings& g) {
       c.duration(g.cleanup_orphan_hosts_after_secs);
     }},
    {"db", "delete orphan hosts files",
     [](entry_ctx& c, global_settings& g) {
       c.boolean(g.delete_orphan_hosts_files);
     }},
    {"db", "max charts per host",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.max_charts_per_host, 0);
     }},
    {"db", "max dimensions per host",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.max_dimensions_per_host, 0);
     }},
    {"db", "cleanup obsolete charts after secs",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.cleanup_obsolete_charts_after_secs, 0);
     }},
    {"db", "dbengine page cache size MB",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.dbengine_page_cache_size_mb, 0);
     }},
    {"db", "dbengine disk space MB",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.dbengine_disk_space_mb, 0);
     }},
    {"db", "dbengine multihost disk space MB",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.dbengine_multihost_disk_space_mb, 0);
     }},
    {"web", "bind to",
     [](entry_ctx& c, global_settings& g) { c.text(g.bind_to); }},
    {"web", "mode",
     [](entry_ctx& c, global_settings& g) { c.text(g.web_mode); }},
    {"web", "default port",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.default_port, 1, max_port);
     }},
    {"web", "allow connections from",
     [](entry_ctx& c, global_settings& g) {
       c.pattern(g.allow_connections_from);
     }},
    {"web", "allow streaming from",
     [](entry_ctx& c, global_settings& g) {
       c.pattern(g.allow_streaming_from);
     }},
    {"web", "accept a streaming request every seconds",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.accept_a_streaming_request_every_seconds, 0);
     }},
    {"web", "timeout for first request",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.timeout_for_first_request, 0);
     }},
    {"web", "disconnect idle clients after seconds",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.disconnect_idle_clients_after_seconds, 0);
     }},
    {"web", "ssl key",
     [](entry_ctx& c, global_settings& g) {
       if (c.text(g.ssl_key))
         note_unreadable(c, g.ssl_key);
     }},
    {"web", "ssl certificate",
     [](entry_ctx& c, global_settings& g) {
       if (c.text(g.ssl_certificate))
         note_unreadable(c, g.ssl_certificate);
     }},
    {"web", "tls version",
     [](entry_ctx& c, global_settings& g) {
       if (c.text(g.tls_version) && g.tls_version != "1.3"
           && g.tls_version != "1.2" && g.tls_version != "1.1"
           && g.tls_version != "1.0" && g.tls_version != "1")
         c.note("not a TLS version (1.0 .. 1.3); Netdata and tributary offer "
                "up to 1.3");
     }},
    {"web", "tls ciphers",
     [](entry_ctx& c, global_settings& g) { c.text(g.tls_ciphers); }},
    {"logs", "access",
     [](entry_ctx& c, global_settings& g) { c.text(g.access_log); }},
    {"logs", "errors flood protection period",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.errors_flood_protection_period, 0);
     }},
    {"logs", "errors to trigger flood protection",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.errors_to_trigger_flood_protection, 0);
     }},
    {"directories", "config",
     [](entry_ctx& c, global_settings& g) { c.text(g.config_dir); }},
    {"directories", "stock config",
     [](entry_ctx& c, global_settings& g) { c.text(g.stock_config_dir); }},
    {"directories", "log",
     [](entry_ctx& c, global_settings& g) { c.text(g.log_dir); }},
    {"directories", "cache",
     [](entry_ctx& c, global_settings& g) { c.text(g.cache_dir); }},
    {"directories", "lib",
     [](entry_ctx& c, global_settings& g) { c.text(g.lib_dir); }},
    {"directories", "web",
     [](entry_ctx& c, global_settings& g) { c.text(g.web_dir); }},
    {"directories", "plugins",
     [](entry_ctx& c, global_settings& g) { c.text(g.plugins_dir); }},
    {"registry", "enabled",
     [](entry_ctx& c, global_settings& g) { c.boolean(g.registry_enabled); }},
    {"registry", "netdata unique id file",
     [](entry_ctx& c, global_settings& g) {
       c.text(g.netdata_unique_id_file);
     }},
    {"health", "enabled",
     [](entry_ctx& c, global_settings& g) { c.boolean(g.health_enabled); }},
    {"health", "enable stock health configuration",
     [](entry_ctx& c, global_settings& g) {
       c.boolean(g.health_enable_stock_config);
     }},
    {"health", "run at least every seconds",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.health_run_at_least_every_seconds, 1);
     }},
    {"health", "in memory max health log entries",
     [](entry_ctx& c, global_settings& g) {
       c.number(g.health_max_log_entries, 10);
     }},
    {"health", "script to execute on alarm",
     [](entry_ctx& c, global_settings& g) {
       c.text(g.health_script_on_alarm);
     }},
    {"directories", "health config",
     [](entry_ctx& c, global_settings& g) { c.text(g.health_config_dir); }},
    {"directories", "stock health config",
     [](entry_ctx& c, global_settings& g) {
       c.text(g.stock_health_config_dir);
     }},
    {"ml", "enabled",
     [](entry_ctx& c, global_settings& g) { c.boolean(g.ml_enabled); }},
    {"ml", "stream anomaly detection charts",
     [](entry_ctx& c, global_settings& g) {
       c.boolean(g.ml_stream_anomaly_detection_charts);
     }},
};

// Legacy names, in 1.37.1's `config_move` order.
constexpr legacy_key legacy[] = {
    {"global", "bind socket to IP", "web", "bind to"},
    {"global", "bind to", "web", "bind to"},
    {"global", "port", "web", "default port"},
    {"global", "default port", "web", "default port"},
    {"global", "disconnect idle web clients after seconds", "web",
     "disconnect idle clients after seconds"},
    {"global", "config directory", "directories", "config"},
    {"global", "stock config directory", "directories", "stock config"},
    {"global", "log directory", "directories", "log"},
    {"global", "web files directory", "directories", "web"},
    {"global", "cache directory", "directories", "cache"},
    {"global", "lib directory", "directories", "lib"},
    {"global", "plugins directory", "directories", "plugins"},
    {"global", "memory mode", "db", "mode"},
    {"global", "history", "db", "retention"},
    {"global", "update every", "db", "update every"},
    {"global", "page cache size", "db", "dbengine page cache size MB"},
    {"db", "page cache size", "db", "dbengine page cache size MB"},
    {"global", "dbengine disk space", "db", "dbengine disk space MB"},
    {"global", "dbengine multihost disk space", "db",
     "dbengine multihost disk space MB"},
    {"global", "cleanup obsolete charts after seconds", "db",
     "cleanup obsolete charts after secs"},
    {"global", "cleanup orphan hosts after seconds", "db",
     "cleanup orphan hosts after secs"},
    {"global", "delete orphan hosts files", "db", "delete orphan hosts files"},
    {"global", "access log", "logs", "access"},
    {"global", "errors flood protection period", "logs",
     "errors flood protection period"},
    {"global", "errors to trigger flood protection", "logs",
     "errors to trigger flood protection"},
    {"health", "health configuration directory", "directories",
     "health config"},
    {"health", "stock health configuration directory", "directories",
     "stock health config"},
};

} // namespace

const acted_key* find_canonical(std::string_view section,
                                std::string_view key) {
  for (const auto& x : canonical)
    if (x.section == section && x.key == key)
      return &x;
  return nullptr;
}

const std::vector<legacy_key>& legacy_names() {
  static const std::vector<legacy_key> all(std::begin(legacy),
                                           std::end(legacy));
  return all;
}

const legacy_key* find_legacy(std::string_view section, std::string_view key) {
  for (const auto& x : legacy)
    if (x.section == section && x.key == key)
      return &x;
  return nullptr;
}

std::vector<std::string_view> closed_keys(std::string_view section) {
  auto result = ignored_netdata_keys(section);
  for (const auto& x : canonical)
    if (x.section == section)
      result.push_back(x.key);
  for (const auto& x : legacy)
    if (x.section == section)
      result.push_back(x.key);
  return result;
}

} // namespace tributary::config::detail
