#include "actors/daemon.hpp"

#include "actors/actors.hpp"
#include "actors/collector.hpp"
#include "actors/console.hpp"
#include "actors/context.hpp"
#include "actors/listener.hpp"
#include "actors/plugin_collector.hpp"
#include "actors/registry.hpp"
#include "actors/reload.hpp"
#include "actors/scheduler.hpp"
#include "collectors/system_info.hpp"
#include "config/bind_to.hpp"
#include "config/load.hpp"
#include "config/settings.hpp"
#include "log/logger.hpp"
#include "net/listen.hpp"
#include "service/service.hpp"
#include "tls/context.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace tributary {

const char* tributary_version() {
  return TRIBUTARY_VERSION;
}

uint64_t system_now_usec() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<microseconds>(system_clock::now().time_since_epoch())
          .count());
}

namespace {

std::string random_guid() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string out = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  const char* digits = "0123456789abcdef";
  for (auto& c : out) {
    if (c == 'x')
      c = digits[hex(rd)];
    else if (c == 'y')
      c = digits[8 + hex(rd) % 4];
  }
  return out;
}

/// The node's machine GUID: kept in `[directories] lib` like Netdata's
/// `registry/netdata.public.unique.id`; made up (and kept if we can) when
/// missing.
std::string own_machine_guid(const config::settings& cfg, logger& log) {
  auto dir = cfg.global.lib_dir + "/registry";
  auto file = dir + "/netdata.public.unique.id";
  if (std::ifstream in{file}; in) {
    std::string guid;
    std::getline(in, guid);
    if (!guid.empty())
      return guid;
  }
  auto guid = random_guid();
  ::mkdir(cfg.global.lib_dir.c_str(), 0755);
  ::mkdir(dir.c_str(), 0755);
  if (std::ofstream out{file}; out)
    out << guid << '\n';
  else
    TRIBUTARY_WARN(log, "MAIN", "cannot save the machine GUID to ", file,
                   "; it changes on restart");
  return guid;
}

host_info localhost_info(const config::settings& cfg, logger& log) {
  host_info info;
  info.machine_guid = own_machine_guid(cfg, log);
  char name[256] = {0};
  ::gethostname(name, sizeof(name) - 1);
  info.hostname = cfg.global.hostname.empty() ? name : cfg.global.hostname;
  info.registry_hostname = info.hostname;
  info.update_every = cfg.global.update_every;
  info.os = "linux";
  auto zone = read_local_zone("");
  info.timezone = zone.name;
  info.abbrev_timezone = zone.abbreviation;
  info.utc_offset = zone.utc_offset;
  info.program_name = "tributary";
  // The Netdata release whose protocol and API we speak: peers, dashboards
  // and scrapers compare it (docs/api.md, "Versions").
  info.program_version = netdata_compatible_version;
  info.labels = cfg.global.host_labels;
  info.system_info = read_system_info(cfg.global.host_access_prefix, "");
  return info;
}

/// The web server's TLS context, as Netdata builds it when its web server
/// starts: without both files, or with a key that does not match, the
/// server runs without TLS.
std::shared_ptr<const tls::context> web_tls_context(const config::settings& cfg,
                                                    logger& log) {
  auto& g = cfg.global;
  if (g.web_mode == "none")
    return nullptr;
  tls::server_options opts;
  opts.certificate = g.ssl_certificate;
  opts.key = g.ssl_key;
  opts.version = g.tls_version;
  opts.ciphers = g.tls_ciphers;
  auto ctx = tls::context::server(opts);
  if (!ctx) {
    if (ctx.err().code == ec::not_found)
      TRIBUTARY_INFO(log, "WEB_SERVER", ctx.err().message);
    else
      TRIBUTARY_ERROR(log, "WEB_SERVER", ctx.err().message);
    return nullptr;
  }
  TRIBUTARY_INFO(log, "WEB_SERVER", "TLS enabled with certificate ",
                 g.ssl_certificate);
  return std::make_shared<const tls::context>(std::move(*ctx));
}

/// The senders' TLS context, used by destinations with `:SSL`.
std::shared_ptr<const tls::context>
stream_tls_context(const config::settings& cfg, logger& log) {
  auto& s = cfg.stream;
  if (s.ssl_skip_certificate_verification)
    TRIBUTARY_INFO(log, "MAIN",
                   "Netdata is configured to accept invalid SSL certificate.");
  tls::client_options opts;
  opts.ca_file = s.ca_file;
  opts.ca_path = s.ca_path;
  opts.skip_verification = s.ssl_skip_certificate_verification;
  std::vector<std::string> notes;
  auto ctx = tls::context::client(opts, notes);
  for (auto& n : notes)
    TRIBUTARY_INFO(log, "STREAM_SENDER", n);
  if (!ctx) {
    TRIBUTARY_ERROR(log, "STREAM_SENDER", ctx.err().message);
    return nullptr;
  }
  return std::make_shared<const tls::context>(std::move(*ctx));
}

/// Binds every `[web] bind to` address before the privileges go, as Netdata
/// does. Returns false (logged) if one cannot be bound.
bool bind_listeners(std::vector<config::bind_address>& binds, logger& log) {
  for (auto& b : binds) {
    auto fd = listen_socket(b);
    if (!fd) {
      TRIBUTARY_ERROR(log, "WEB", fd.err().message);
      std::cerr << "tributary: " << fd.err().message << '\n';
      for (auto& done : binds)
        if (done.fd >= 0)
          ::close(done.fd);
      return false;
    }
    b.fd = *fd;
  }
  return true;
}

} // namespace

int run_daemon(const daemon_options& opts) {
  logger log;
  if (!opts.log_level.empty()) {
    log_level lvl;
    if (parse_log_level(opts.log_level, lvl))
      log.level(lvl);
  }
  auto loaded = load_daemon_settings(opts);
  if (!loaded) {
    std::cerr << "tributary: " << to_string(loaded.err()) << '\n';
    return 1;
  }
  if (!loaded->ok()) {
    // The warnings too: a misspelt key is often why a value is missing.
    for (auto& d : loaded->diagnostics)
      if (d.level != config::diagnostic::note)
        std::cerr << config::to_string(d) << '\n';
    std::cerr << "tributary: the configuration has errors (see above); "
                 "`tributary check-config` lists them all\n";
    return 1;
  }
  auto settings = std::make_shared<const config::settings>(loaded->cfg);
  auto& g = settings->global;
  if (opts.log_level.empty() && !g.log_level.empty()) {
    log_level lvl;
    if (parse_log_level(g.log_level, lvl))
      log.level(lvl);
  }
  log.flood(
      {g.errors_flood_protection_period, g.errors_to_trigger_flood_protection});
  std::string user_problem;
  auto user
      = find_service_user(g.run_as_user_set ? g.run_as_user : "", user_problem);
  if (!user_problem.empty()) {
    std::cerr << "tributary: " << user_problem << '\n';
    return 1;
  }
  // What is made here as root goes to the service user with the switch.
  std::vector<std::string> made_as_root;
  struct stat st {};
  if (::stat(g.log_dir.c_str(), &st) != 0
      && ::mkdir(g.log_dir.c_str(), 0755) == 0)
    made_as_root.push_back(g.log_dir);
  auto log_file = g.log_dir + "/error.log";
  bool log_existed = ::stat(log_file.c_str(), &st) == 0;
  if (!log.open_file(log_file))
    TRIBUTARY_WARN(log, "MAIN", "cannot open ", log_file,
                   "; logging to stderr only");
  else if (!log_existed)
    made_as_root.push_back(log_file);
  auto access_file
      = g.access_log.empty() ? g.log_dir + "/access.log" : g.access_log;
  if (access_file != "none") {
    bool access_existed = ::stat(access_file.c_str(), &st) == 0;
    if (!log.access().open_file(access_file))
      TRIBUTARY_WARN(log, "MAIN", "cannot open ", access_file,
                     "; no access log");
    else if (!access_existed)
      made_as_root.push_back(access_file);
  }
  raise_open_files_limit(log);
  // Keys of other Netdata versions (or typos) do not stop a parent: Netdata
  // ignores them too. Said once at start, with their place.
  for (auto& d : loaded->diagnostics)
    if (d.level == config::diagnostic::warning)
      TRIBUTARY_WARN(log, "CONFIG", config::to_string(d));
  auto binds
      = config::parse_bind_to(g.bind_to, static_cast<uint16_t>(g.default_port));
  if (!binds) {
    std::cerr << "tributary: [web] bind to: " << binds.err().message << '\n';
    return 1;
  }
  if (g.web_mode == "none") {
    TRIBUTARY_INFO(log, "WEB", "[web] mode = none: no web server, no API");
    binds->clear();
  }
  if (!bind_listeners(*binds, log))
    return 1;
  // Key files are often root's only: read them before leaving root.
  auto web_tls = web_tls_context(*settings, log);
  auto stream_tls = stream_tls_context(*settings, log);
  if (user) {
    if (auto why = drop_privileges(*user, made_as_root); !why.empty()) {
      TRIBUTARY_ERROR(log, "MAIN", "cannot run as user '", user->name,
                      "': ", why);
      std::cerr << "tributary: cannot run as user '" << user->name
                << "': " << why << '\n';
      return 1;
    }
    TRIBUTARY_INFO(log, "MAIN", "running as user '", user->name, "' (uid ",
                   user->uid, ", gid ", user->gid, ")");
    check_writable_directories({{"[directories] log", g.log_dir},
                                {"[directories] cache", g.cache_dir},
                                {"[directories] lib", g.lib_dir}},
                               user->name, log);
  }
  // Block the signals before CAF starts threads: they inherit the mask and
  // sigwait() below is the only place that sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  // CAF's work stealing without the logger's per-job cost
  // (actors/scheduler.hpp).
  cfg.load<scheduler>();
  cfg.add_message_types<caf::id_block::tributary>();
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  // Metrics arrive in bursts once per second: CAF's default work stealing
  // polls idle workers for ~25 ms after every burst, which costs more CPU
  // than the work itself at small loads. An idle worker goes straight to
  // its relaxed sleep, and is woken at once by work handed to it (a
  // condition variable); the timeout only paces stealing from a busy
  // sibling, so a long one keeps an idle parent quiet (2.2 % of a core at
  // 5 ms, 0.43 % at 100 ms; BENCHMARKS.md). No poll attempts at all: each
  // one steals, and a host fanning a read's rows out to its chart actors
  // queues thousands of tiny jobs on its worker, which the idle one then
  // stole one at a time, both spinning on that queue's lock (a child with
  // 20,000 charts cost 1.7 cores instead of 0.3).
  cfg.set("work-stealing.aggressive-poll-attempts", size_t{0});
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  cfg.set("work-stealing.moderate-sleep-duration",
          caf::timespan{std::chrono::microseconds(50)});
  cfg.set("work-stealing.relaxed-sleep-duration",
          caf::timespan{std::chrono::milliseconds(100)});
  // CAF starts at least four workers; on a one- or two-core machine the
  // extra ones only add idle wake-ups (each sleeping worker wakes every
  // relaxed-sleep-duration).
  cfg.set("scheduler.max-threads",
          size_t{std::max(2u, std::thread::hardware_concurrency())});
  int rc = 0;
  {
    caf::actor_system sys{cfg};
    daemon_context ctx;
    ctx.log = &log;
    ctx.settings = settings;
    ctx.now_usec = system_now_usec;
    ctx.web_tls = web_tls;
    ctx.stream_tls = stream_tls;
    ctx.health_definitions = load_health_definitions(*settings, log);
    running_config running;
    running.settings = settings;
    running.health = ctx.health_definitions;
    running.health_fingerprint = health_fingerprint(*settings, *running.health);
    auto local = localhost_info(*settings, log);
    ctx.ready = std::make_shared<std::atomic<bool>>(false);
    ctx.registry = sys.spawn(registry, local, ctx);
    ctx.console = sys.spawn(console_sampler, ctx);
    collector_actor proc_collector;
    std::vector<caf::actor> plugins;
    {
      caf::scoped_actor self{sys};
      self->request(ctx.registry, std::chrono::seconds(5), atom::get::value,
                    local.machine_guid)
          .receive(
              [&](host_actor& localhost) {
                if (settings->global.proc_plugin)
                  proc_collector = sys.spawn(
                      collector, localhost, settings->global.update_every, ctx);
                for (auto& [name, on] : settings->global.plugins) {
                  if (!on)
                    continue;
                  auto path
                      = settings->global.plugins_dir + "/" + name + ".plugin";
                  if (::access(path.c_str(), X_OK) != 0) {
                    TRIBUTARY_ERROR(log, "PLUGINSD", "[plugins] ", name,
                                    " = yes, but ", path, " is not executable");
                    continue;
                  }
                  // Restarted one update_every after it exits, as Netdata does.
                  plugins.push_back(caf::actor_cast<caf::actor>(
                      sys.spawn(plugin_supervisor, localhost, name, path,
                                settings->global.update_every,
                                settings->global.update_every, ctx)));
                }
              },
              [&](caf::error& err) {
                TRIBUTARY_ERROR(log, "MAIN",
                                "no localhost host: ", sys.render(err));
              });
    }
    std::vector<listener_actor> listeners;
    for (auto& b : *binds) {
      auto host = b.host.empty() ? std::string{"0.0.0.0"} : b.host;
      auto l = sys.middleman().spawn_broker(listener, b, ctx);
      caf::scoped_actor self{sys};
      uint16_t port = 0;
      self->request(l, std::chrono::seconds(5), atom::get::value,
                    atom::info::value)
          .receive([&](uint16_t p) { port = p; }, [&](caf::error&) { rc = 1; });
      if (rc != 0)
        break;
      listeners.push_back(l);
      caf::anon_send(ctx.console, atom::listen::value, l);
      if (!b.unix_path.empty()) {
        std::cout << "tributary " << local.hostname << " ("
                  << local.machine_guid
                  << "): listening on unix:" << b.unix_path << std::endl;
        continue;
      }
      auto shown
          = host.find(':') != std::string::npos ? "[" + host + "]" : host;
      auto scheme = ctx.web_tls && b.ssl != "optional" ? "https" : "http";
      std::cout << "tributary " << local.hostname << " (" << local.machine_guid
                << "): API at " << scheme << "://" << shown << ":" << port
                << "/api/v1/info" << std::endl;
    }
    if (rc == 0)
      ctx.ready->store(true);
    while (rc == 0) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0)
        continue;
      if (sig == SIGHUP) {
        reload_daemon(opts, running, log, ctx.registry, listeners);
        continue;
      }
      TRIBUTARY_INFO(log, "MAIN", "received signal ", sig, " (",
                     sig == SIGTERM ? "SIGTERM" : "SIGINT",
                     "), shutting down: flushing the databases");
      break;
    }
    for (auto& l : listeners)
      caf::anon_send_exit(l, caf::exit_reason::user_shutdown);
    for (auto& p : plugins)
      caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
    if (proc_collector)
      caf::anon_send_exit(proc_collector, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx.console, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx.registry, caf::exit_reason::user_shutdown);
  }
  // ~actor_system waited for every actor: the host databases are closed.
  if (rc == 0)
    TRIBUTARY_INFO(log, "MAIN", "databases flushed, exiting");
  return rc;
}

} // namespace tributary
