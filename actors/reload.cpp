#include "actors/reload.hpp"

#include "config/reload.hpp"
#include "health/load_config.hpp"

#include <caf/all.hpp>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>

namespace tributary {

expected<config::load_result> load_daemon_settings(const daemon_options& opts) {
  if (!opts.yaml_file.empty())
    return config::load_yaml_file(opts.yaml_file);
  if (!opts.config_dir.empty())
    return config::load_config_dir(opts.config_dir);
  config::load_result res;
  res.cfg = config::default_settings();
  return res;
}

std::shared_ptr<const health::load_result>
load_health_definitions(const config::settings& cfg, logger& log) {
  auto& g = cfg.global;
  auto res
      = std::make_shared<health::load_result>(health::load_health_config(cfg));
  for (auto& d : res->diagnostics)
    if (d.level == config::diagnostic::error)
      TRIBUTARY_ERROR(log, "HEALTH", config::to_string(d));
  TRIBUTARY_INFO(log, "HEALTH", "loaded ", res->definitions.size(),
                 " alerts from ", res->files.size(), " files (",
                 g.health_config_dir, ", ", g.stock_health_config_dir, ")");
  return res;
}

size_t health_fingerprint(const config::settings& cfg,
                          const health::load_result& defs) {
  auto& g = cfg.global;
  std::string all = g.health_enable_stock_config ? "stock\n" : "no stock\n";
  all += g.health_script_on_alarm + '\n';
  for (auto& f : defs.files) {
    all += f + '\n';
    std::ifstream in{f, std::ios::binary};
    all.append(std::istreambuf_iterator<char>{in}, {});
    all += '\0';
  }
  return std::hash<std::string>{}(all);
}

namespace {

/// A health.d problem without its line: lines move when a file is edited.
std::set<std::string> health_errors(const health::load_result& defs) {
  std::set<std::string> out;
  for (auto& d : defs.diagnostics)
    if (d.level == config::diagnostic::error)
      out.insert(d.file + ": " + d.message);
  return out;
}

void failed(logger& log) {
  TRIBUTARY_ERROR(log, "CONFIG",
                  "configuration reload failed, keeping the "
                  "running configuration");
}

} // namespace

bool reload_daemon(const daemon_options& opts, running_config& running,
                   logger& log, const registry_actor& registry,
                   const std::vector<listener_actor>& listeners) {
  // Netdata's SIGHUP reopens its logs: logrotate relies on it.
  if (!log.reopen() && !log.file_path().empty())
    TRIBUTARY_ERROR(log, "MAIN", "cannot reopen ", log.file_path(),
                    "; logging to the old file");
  if (!log.access().reopen())
    TRIBUTARY_ERROR(log, "MAIN", "cannot reopen ", log.access().file_path(),
                    "; the access log goes to the old file");
  TRIBUTARY_INFO(log, "MAIN",
                 "SIGHUP received: log file reopened, "
                 "reloading the configuration");
  auto loaded = load_daemon_settings(opts);
  if (!loaded) {
    TRIBUTARY_ERROR(log, "CONFIG", to_string(loaded.err()));
    failed(log);
    return false;
  }
  if (!loaded->ok()) {
    for (auto& d : loaded->diagnostics)
      if (d.level == config::diagnostic::error)
        TRIBUTARY_ERROR(log, "CONFIG", config::to_string(d));
    failed(log);
    return false;
  }
  for (auto& d : loaded->diagnostics)
    if (d.level == config::diagnostic::warning)
      TRIBUTARY_WARN(log, "CONFIG", config::to_string(d));
  auto plan = config::plan_reload(*running.settings, loaded->cfg);
  auto next = std::make_shared<const config::settings>(std::move(plan.next));
  // health.d: read again; applied only when the files changed (a daily
  // logrotate HUP must not reset every alert), and not when the edit broke
  // an alert that loaded before.
  auto defs = std::make_shared<health::load_result>(
      health::load_health_config(*next));
  auto fingerprint = health_fingerprint(*next, *defs);
  std::shared_ptr<const health::load_result> new_health;
  if (fingerprint != running.health_fingerprint) {
    auto before = health_errors(*running.health);
    bool broken = false;
    for (auto& d : defs->diagnostics)
      if (d.level == config::diagnostic::error
          && before.count(d.file + ": " + d.message) == 0) {
        TRIBUTARY_ERROR(log, "HEALTH", config::to_string(d));
        broken = true;
      }
    if (broken) {
      failed(log);
      return false;
    }
    new_health = defs;
  }
  for (auto& c : plan.needs_restart) {
    if (c.running.empty())
      TRIBUTARY_WARN(log, "CONFIG", c.key,
                     " changed: needs a restart to take effect");
    else
      TRIBUTARY_WARN(log, "CONFIG", c.key, " changed from ", c.running, " to ",
                     c.wanted, ": needs a restart to take effect");
  }
  for (auto& c : plan.applied) {
    if (c.running.empty())
      TRIBUTARY_INFO(log, "CONFIG", c.key);
    else
      TRIBUTARY_INFO(log, "CONFIG", c.key, " changed from ", c.running, " to ",
                     c.wanted);
  }
  // `--log-level` on the command line wins over [logs] level, as at start.
  if (opts.log_level.empty()
      && next->global.log_level != running.settings->global.log_level) {
    log_level lvl = log_level::info;
    if (next->global.log_level.empty()
        || parse_log_level(next->global.log_level, lvl))
      log.level(lvl);
  }
  reload_request r{next, new_health};
  caf::anon_send(registry, atom::reload::value, r);
  for (auto& l : listeners)
    caf::anon_send(l, atom::reload::value, r);
  running.settings = next;
  if (new_health) {
    running.health = new_health;
    running.health_fingerprint = fingerprint;
    TRIBUTARY_INFO(log, "HEALTH",
                   "health.d changed: ", new_health->definitions.size(),
                   " alerts from ", new_health->files.size(), " files");
  }
  TRIBUTARY_INFO(log, "CONFIG", "configuration reloaded: ", plan.applied.size(),
                 " changes applied, ", plan.needs_restart.size(),
                 " waiting for a restart");
  return true;
}

} // namespace tributary
