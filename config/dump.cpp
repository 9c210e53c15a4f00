#include "config/dump.hpp"

namespace tributary::config {

namespace {

class printer {
public:
  void section(const std::string& name) {
    out_ += "[" + name + "]\n";
  }

  void kv(const char* key, const std::string& value, bool set = false) {
    out_ += "  ";
    out_ += key;
    out_ += " = " + value;
    if (set)
      out_ += "  (set)";
    out_ += '\n';
  }

  void kv(const char* key, const char* value, bool set = false) {
    kv(key, std::string{value}, set);
  }

  void kv(const char* key, std::string_view value, bool set = false) {
    kv(key, std::string{value}, set);
  }

  void kv(const char* key, int64_t value, bool set = false) {
    kv(key, std::to_string(value), set);
  }

  void kv(const char* key, bool value, bool set = false) {
    kv(key, value ? "yes" : "no", set);
  }

  void kv(const char* key, const simple_pattern& value, bool set = false) {
    kv(key, value.source(), set);
  }

  std::string& str() {
    return out_;
  }

private:
  std::string out_;
};

void print(printer& p, const receiver_settings& r) {
  using f = receiver_field;
  auto s = [&](f x) { return r.is_set(x); };
  p.kv("type", r.type, s(f::type));
  p.kv("enabled", r.enabled, s(f::enabled));
  p.kv("allow from", r.allow_from, s(f::allow_from));
  p.kv("update every",
       r.update_every ? std::to_string(*r.update_every) : std::string{"child"},
       s(f::update_every));
  p.kv("history", r.history, s(f::history));
  p.kv("memory mode", to_string(r.memory_mode), s(f::memory_mode));
  p.kv("health enabled", to_string(r.health_enabled), s(f::health_enabled));
  p.kv("postpone alarms on connect seconds",
       r.postpone_alarms_on_connect_seconds,
       s(f::postpone_alarms_on_connect_seconds));
  p.kv("proxy enabled", r.proxy_enabled, s(f::proxy_enabled));
  p.kv("proxy destination", r.proxy_destination, s(f::proxy_destination));
  p.kv("proxy parallel destinations", r.proxy_parallel_destinations,
       s(f::proxy_parallel_destinations));
  p.kv("proxy api key", r.proxy_api_key, s(f::proxy_api_key));
  p.kv("proxy send charts matching", r.proxy_send_charts_matching,
       s(f::proxy_send_charts_matching));
  p.kv("enable compression", r.enable_compression, s(f::enable_compression));
  p.kv("enable replication", r.enable_replication, s(f::enable_replication));
  p.kv("seconds to replicate", r.seconds_to_replicate,
       s(f::seconds_to_replicate));
  p.kv("seconds per replication step", r.seconds_per_replication_step,
       s(f::seconds_per_replication_step));
  p.kv("host tags", r.host_tags, s(f::host_tags));
}

} // namespace

std::string dump(const receiver_settings& x) {
  printer p;
  print(p, x);
  return std::move(p.str());
}

std::string dump(const settings& x) {
  printer p;
  const auto& g = x.global;
  p.section("global");
  p.kv("hostname", g.hostname);
  p.kv("run as user", g.run_as_user);
  p.kv("host access prefix", g.host_access_prefix);
  p.section("db");
  p.kv("mode", to_string(g.mode));
  p.kv("retention", g.history);
  p.kv("update every", g.update_every);
  p.kv("enable replication", g.enable_replication);
  p.kv("seconds to replicate", g.seconds_to_replicate);
  p.kv("seconds per replication step", g.seconds_per_replication_step);
  p.kv("replication threads", g.replication_threads);
  p.kv("cleanup orphan hosts after secs", g.cleanup_orphan_hosts_after_secs);
  p.kv("delete orphan hosts files", g.delete_orphan_hosts_files);
  p.kv("max charts per host", g.max_charts_per_host);
  p.kv("max dimensions per host", g.max_dimensions_per_host);
  p.kv("cleanup obsolete charts after secs",
       g.cleanup_obsolete_charts_after_secs);
  p.kv("dbengine page cache size MB", g.dbengine_page_cache_size_mb);
  p.kv("dbengine disk space MB", g.dbengine_disk_space_mb);
  p.kv("dbengine multihost disk space MB", g.dbengine_multihost_disk_space_mb);
  p.section("web");
  p.kv("bind to", g.bind_to);
  p.kv("default port", g.default_port);
  p.kv("allow connections from", g.allow_connections_from);
  p.kv("allow streaming from", g.allow_streaming_from);
  p.kv("accept a streaming request every seconds",
       g.accept_a_streaming_request_every_seconds);
  p.kv("timeout for first request", g.timeout_for_first_request);
  p.kv("disconnect idle clients after seconds",
       g.disconnect_idle_clients_after_seconds);
  p.kv("ssl key", g.ssl_key);
  p.kv("ssl certificate", g.ssl_certificate);
  p.kv("tls version", g.tls_version);
  p.kv("tls ciphers", g.tls_ciphers);
  p.section("directories");
  p.kv("config", g.config_dir);
  p.kv("stock config", g.stock_config_dir);
  p.kv("log", g.log_dir);
  p.kv("cache", g.cache_dir);
  p.kv("lib", g.lib_dir);
  p.kv("web", g.web_dir);
  p.kv("plugins", g.plugins_dir);
  p.kv("health config", g.health_config_dir);
  p.kv("stock health config", g.stock_health_config_dir);
  p.section("plugins");
  p.kv("proc", g.proc_plugin);
  for (const auto& [name, on] : g.plugins)
    p.kv(name.c_str(), on);
  p.section("registry");
  p.kv("enabled", g.registry_enabled);
  p.kv("netdata unique id file", g.netdata_unique_id_file);
  p.section("health");
  p.kv("enabled", g.health_enabled);
  p.kv("enable stock health configuration", g.health_enable_stock_config);
  p.kv("run at least every seconds", g.health_run_at_least_every_seconds);
  p.kv("in memory max health log entries", g.health_max_log_entries);
  p.kv("script to execute on alarm", g.health_script_on_alarm);
  p.section("logs");
  p.kv("level", g.log_level);
  p.section("ml");
  p.kv("enabled", g.ml_enabled);
  p.kv("stream anomaly detection charts", g.ml_stream_anomaly_detection_charts);
  const auto& s = x.stream;
  p.section("stream");
  p.kv("enabled", s.enabled);
  p.kv("destination", s.destination);
  p.kv("force ssl", s.force_ssl);
  p.kv("api key", s.api_key);
  p.kv("timeout seconds", s.timeout_seconds);
  p.kv("default port", s.default_port);
  p.kv("send charts matching", s.send_charts_matching);
  p.kv("buffer size bytes", s.buffer_size_bytes);
  p.kv("spool disk space MB", s.spool_disk_space_mb);
  p.kv("reconnect delay seconds", s.reconnect_delay_seconds);
  p.kv("initial clock resync iterations", s.initial_clock_resync_iterations);
  p.kv("enable compression", s.enable_compression);
  p.kv("ssl skip certificate verification",
       s.ssl_skip_certificate_verification);
  p.kv("CApath", s.ca_path);
  p.kv("CAfile", s.ca_file);
  p.kv("destination order",
       std::string{s.destination_order_rendezvous ? "rendezvous" : "listed"});
  p.kv("parallel destinations", s.parallel_destinations);
  for (const auto& [name, r] : x.api_keys) {
    p.section("api key " + name);
    print(p, r);
  }
  for (const auto& [name, r] : x.machine_guids) {
    p.section("machine guid " + name);
    print(p, r);
  }
  return std::move(p.str());
}

} // namespace tributary::config
