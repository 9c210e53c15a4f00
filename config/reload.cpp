#include "config/reload.hpp"

#include <set>
#include <tuple>

namespace tributary::config {

namespace {

std::string show(const std::string& x) {
  return "'" + x + "'";
}

std::string show(int64_t x) {
  return std::to_string(x);
}

std::string show(bool x) {
  return x ? "yes" : "no";
}

std::string show(memory_mode x) {
  return std::string{to_string(x)};
}

std::string show(const simple_pattern& x) {
  return "'" + x.source() + "'";
}

template <class T>
std::string show(const T&) {
  return {};
}

/// Walks the settings of one section (`[web]`, `[stream]`, ...): a live
/// setting is copied from the files, a restart-only one is reported when it
/// differs and keeps its running value.
template <class Section>
struct walker {
  const Section& running;
  const Section& fresh;
  Section& next;
  reload_plan& plan;
  std::string section;

  template <class T>
  void live(std::string_view key, T Section::*field) {
    if (running.*field == fresh.*field)
      return;
    next.*field = fresh.*field;
    plan.applied.push_back(change(key, running.*field, fresh.*field));
  }

  template <class T>
  void restart(std::string_view key, T Section::*field) {
    if (running.*field == fresh.*field)
      return;
    plan.needs_restart.push_back(change(key, running.*field, fresh.*field));
  }

  template <class T>
  setting_change change(std::string_view key, const T& was, const T& is) {
    return {"[" + section + "] " + std::string{key}, show(was), show(is)};
  }
};

/// A section's unset fields hold the globals it was loaded with; after the
/// globals were merged they must hold the merged ones.
void inherit(receiver_settings& r, const receiver_settings& d);

/// Equal in what the two sections set themselves.
bool same_section(const receiver_settings& x, const receiver_settings& y) {
  const receiver_settings blank;
  auto a = x;
  auto b = y;
  inherit(a, blank);
  inherit(b, blank);
  auto fields = [](const receiver_settings& r) {
    return std::tie(
        r.type, r.enabled, r.allow_from, r.update_every, r.history,
        r.memory_mode, r.health_enabled, r.postpone_alarms_on_connect_seconds,
        r.proxy_enabled, r.proxy_destination, r.proxy_parallel_destinations,
        r.proxy_api_key, r.proxy_send_charts_matching, r.enable_compression,
        r.enable_replication, r.seconds_to_replicate,
        r.seconds_per_replication_step, r.host_tags, r.set_mask);
  };
  return fields(a) == fields(b);
}

using sections = std::map<std::string, receiver_settings>;

/// Reports the stream.conf sections added, removed or changed (an untyped
/// section is both an API key and a machine GUID: reported once).
void diff_sections(const settings& running, const settings& fresh,
                   reload_plan& plan) {
  std::set<std::string> names;
  for (auto* m : {&running.api_keys, &running.machine_guids, &fresh.api_keys,
                  &fresh.machine_guids})
    for (auto& [name, r] : *m)
      names.insert(name);
  auto state = [](const sections& m, const std::string& name) {
    auto i = m.find(name);
    return i == m.end() ? nullptr : &i->second;
  };
  for (auto& name : names) {
    const receiver_settings* was[]
        = {state(running.api_keys, name), state(running.machine_guids, name)};
    const receiver_settings* is[]
        = {state(fresh.api_keys, name), state(fresh.machine_guids, name)};
    bool existed = was[0] || was[1];
    bool exists = is[0] || is[1];
    const char* what = nullptr;
    if (!existed)
      what = "added";
    else if (!exists)
      what = "removed";
    else
      for (int k = 0; k < 2 && what == nullptr; ++k)
        if ((was[k] == nullptr) != (is[k] == nullptr)
            || (was[k] && !same_section(*was[k], *is[k])))
          what = "changed";
    if (what != nullptr)
      plan.applied.push_back({"[" + name + "] " + what, {}, {}});
  }
}

void inherit(receiver_settings& r, const receiver_settings& d) {
  using f = receiver_field;
  auto take = [&](f field, auto member) {
    if (!r.is_set(field))
      r.*member = d.*member;
  };
  take(f::history, &receiver_settings::history);
  take(f::memory_mode, &receiver_settings::memory_mode);
  take(f::health_enabled, &receiver_settings::health_enabled);
  take(f::proxy_enabled, &receiver_settings::proxy_enabled);
  take(f::proxy_destination, &receiver_settings::proxy_destination);
  take(f::proxy_parallel_destinations,
       &receiver_settings::proxy_parallel_destinations);
  take(f::proxy_api_key, &receiver_settings::proxy_api_key);
  take(f::proxy_send_charts_matching,
       &receiver_settings::proxy_send_charts_matching);
  take(f::enable_compression, &receiver_settings::enable_compression);
  take(f::enable_replication, &receiver_settings::enable_replication);
  take(f::seconds_to_replicate, &receiver_settings::seconds_to_replicate);
  take(f::seconds_per_replication_step,
       &receiver_settings::seconds_per_replication_step);
  r.allow_connections_from = d.allow_connections_from;
  r.allow_streaming_from = d.allow_streaming_from;
  r.accept_a_streaming_request_every_seconds
      = d.accept_a_streaming_request_every_seconds;
}

} // namespace

reload_plan plan_reload(const settings& running, const settings& fresh) {
  reload_plan plan;
  plan.next = running;
  using G = global_settings;
  auto g = [&](std::string section) {
    return walker<G>{running.global, fresh.global, plan.next.global, plan,
                     std::move(section)};
  };
  auto global = g("global");
  global.restart("hostname", &G::hostname);
  global.restart("run as user", &G::run_as_user);
  global.restart("host access prefix", &G::host_access_prefix);
  g("logs").live("level", &G::log_level);
  g("plugins").restart("proc", &G::proc_plugin);
  g("logs").restart("access", &G::access_log);
  auto db = g("db");
  db.restart("mode", &G::mode);
  db.restart("retention", &G::history);
  db.restart("update every", &G::update_every);
  db.live("enable replication", &G::enable_replication);
  db.live("seconds to replicate", &G::seconds_to_replicate);
  db.live("seconds per replication step", &G::seconds_per_replication_step);
  db.restart("replication threads", &G::replication_threads);
  db.live("cleanup orphan hosts after secs",
          &G::cleanup_orphan_hosts_after_secs);
  db.live("delete orphan hosts files", &G::delete_orphan_hosts_files);
  db.live("max charts per host", &G::max_charts_per_host);
  db.live("max dimensions per host", &G::max_dimensions_per_host);
  db.restart("cleanup obsolete charts after secs",
             &G::cleanup_obsolete_charts_after_secs);
  db.restart("dbengine page cache size MB", &G::dbengine_page_cache_size_mb);
  db.restart("dbengine disk space MB", &G::dbengine_disk_space_mb);
  db.restart("dbengine multihost disk space MB",
             &G::dbengine_multihost_disk_space_mb);
  auto web = g("web");
  web.restart("bind to", &G::bind_to);
  web.restart("mode", &G::web_mode);
  web.restart("default port", &G::default_port);
  web.live("allow connections from", &G::allow_connections_from);
  web.live("allow streaming from", &G::allow_streaming_from);
  web.live("accept a streaming request every seconds",
           &G::accept_a_streaming_request_every_seconds);
  web.live("timeout for first request", &G::timeout_for_first_request);
  web.live("disconnect idle clients after seconds",
           &G::disconnect_idle_clients_after_seconds);
  web.restart("ssl key", &G::ssl_key);
  web.restart("ssl certificate", &G::ssl_certificate);
  web.restart("tls version", &G::tls_version);
  web.restart("tls ciphers", &G::tls_ciphers);
  auto dirs = g("directories");
  dirs.restart("config", &G::config_dir);
  dirs.restart("stock config", &G::stock_config_dir);
  dirs.restart("log", &G::log_dir);
  dirs.restart("cache", &G::cache_dir);
  dirs.restart("lib", &G::lib_dir);
  dirs.restart("web", &G::web_dir);
  dirs.restart("plugins", &G::plugins_dir);
  dirs.restart("health config", &G::health_config_dir);
  dirs.restart("stock health config", &G::stock_health_config_dir);
  g("plugins").restart("(the list of plugins)", &G::plugins);
  g("host labels").restart("(the labels)", &G::host_labels);
  auto reg = g("registry");
  reg.restart("enabled", &G::registry_enabled);
  reg.restart("netdata unique id file", &G::netdata_unique_id_file);
  auto health = g("health");
  health.restart("enabled", &G::health_enabled);
  health.live("enable stock health configuration",
              &G::health_enable_stock_config);
  health.restart("run at least every seconds",
                 &G::health_run_at_least_every_seconds);
  health.restart("in memory max health log entries",
                 &G::health_max_log_entries);
  health.live("script to execute on alarm", &G::health_script_on_alarm);
  auto ml = g("ml");
  ml.restart("enabled", &G::ml_enabled);
  ml.restart("stream anomaly detection charts",
             &G::ml_stream_anomaly_detection_charts);

  // [stream]: the child's own link to its parent is built once; only the
  // chart filter reaches a running sender.
  using S = stream_settings;
  walker<S> stream{running.stream, fresh.stream, plan.next.stream, plan,
                   "stream"};
  stream.restart("enabled", &S::enabled);
  stream.restart("destination", &S::destination);
  stream.restart("destination order", &S::destination_order_rendezvous);
  stream.restart("parallel destinations", &S::parallel_destinations);
  stream.restart("api key", &S::api_key);
  stream.restart("timeout seconds", &S::timeout_seconds);
  stream.restart("default port", &S::default_port);
  stream.live("send charts matching", &S::send_charts_matching);
  stream.restart("buffer size bytes", &S::buffer_size_bytes);
  stream.restart("spool disk space MB", &S::spool_disk_space_mb);
  stream.restart("reconnect delay seconds", &S::reconnect_delay_seconds);
  stream.restart("initial clock resync iterations",
                 &S::initial_clock_resync_iterations);
  stream.restart("enable compression", &S::enable_compression);
  stream.restart("ssl skip certificate verification",
                 &S::ssl_skip_certificate_verification);
  stream.restart("CApath", &S::ca_path);
  stream.restart("CAfile", &S::ca_file);

  // The receivers' sections apply to every new connection.
  diff_sections(running, fresh, plan);
  plan.next.api_keys = fresh.api_keys;
  plan.next.machine_guids = fresh.machine_guids;
  auto defaults = receiver_defaults(plan.next);
  for (auto& [name, r] : plan.next.api_keys)
    inherit(r, defaults);
  for (auto& [name, r] : plan.next.machine_guids)
    inherit(r, defaults);
  return plan;
}

} // namespace tributary::config
