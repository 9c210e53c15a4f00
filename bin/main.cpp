// The tributary daemon and its tools, one executable with subcommands.
#include "actors/daemon.hpp"
#include "bin/commands.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <sys/stat.h>

#ifndef TRIBUTARY_VERSION
#define TRIBUTARY_VERSION "0.0.0"
#endif
#ifndef TRIBUTARY_DEFAULT_CONFIG_DIR
#define TRIBUTARY_DEFAULT_CONFIG_DIR "/etc/tributary"
#endif

namespace {

/// Without --config-dir or --config, `run` and `check-config` read the
/// package's directory; `run` keeps its embedded defaults if there is none.
void default_config_dir(std::string& config_dir, const std::string& yaml_file,
                        bool only_if_present) {
  struct stat st {};
  if (!config_dir.empty() || !yaml_file.empty())
    return;
  if (!only_if_present
      || (::stat(TRIBUTARY_DEFAULT_CONFIG_DIR, &st) == 0
          && S_ISDIR(st.st_mode)))
    config_dir = TRIBUTARY_DEFAULT_CONFIG_DIR;
}

int run_command(int argc, char** argv) {
  using namespace tributary;
  CLI::App app{"tributary: a metrics stream broker, wire-compatible with "
               "Netdata's parent/child streaming"};
  app.set_version_flag("--version",
                       std::string{"tributary "} + TRIBUTARY_VERSION);
  app.require_subcommand(1);

  daemon_options run_opts;
  auto* run
      = app.add_subcommand("run", "run the daemon (parent, child, proxy)");
  run->set_version_flag("--version",
                        std::string{"tributary "} + TRIBUTARY_VERSION);
  run->add_option("--config-dir", run_opts.config_dir,
                  "directory with netdata.conf and stream.conf");
  run->add_option("--config", run_opts.yaml_file,
                  "YAML file with the same settings");
  run->add_option("--log-level", run_opts.log_level,
                  "error, warning, info or debug")
      ->check(CLI::IsMember({"error", "warning", "info", "debug"}));

  cli::check_config_options check_opts;
  auto* check = app.add_subcommand(
      "check-config", "validate netdata.conf/stream.conf or a YAML config");
  check->set_version_flag("--version",
                          std::string{"tributary "} + TRIBUTARY_VERSION);
  check->add_option("--config-dir", check_opts.config_dir,
                    "directory with netdata.conf and stream.conf");
  check->add_option("--config", check_opts.yaml_file,
                    "YAML file with the same settings");
  check->add_flag("--strict", check_opts.strict,
                  "fail on warnings (unknown keys and sections) too");

  cli::decode_options decode_opts;
  auto* decode = app.add_subcommand(
      "decode", "print the command lines of a captured stream (plain or lz4)");
  decode->set_version_flag("--version",
                           std::string{"tributary "} + TRIBUTARY_VERSION);
  decode->add_option("file", decode_opts.file, "captured stream bytes")
      ->required()
      ->check(CLI::ExistingFile);
  auto* lz4_flag = decode->add_flag("--lz4", "the capture is lz4 framed");
  auto* plain_flag = decode->add_flag("--plain", "the capture is plain text");
  lz4_flag->excludes(plain_flag);

  cli::loadgen_options lg_opts;
  auto* lg = app.add_subcommand(
      "loadgen", "simulated 1.37.1 children streaming to a loopback parent");
  lg->set_version_flag("--version",
                       std::string{"tributary "} + TRIBUTARY_VERSION);
  lg->add_option("--destination", lg_opts.destination,
                 "parent HOST:PORT (loopback only)")
      ->capture_default_str();
  lg->add_option("--api-key", lg_opts.api_key, "API key (a UUID)")->required();
  lg->add_option("--children", lg_opts.children, "well-behaved children")
      ->capture_default_str();
  lg->add_option("--charts", lg_opts.charts, "charts per child")
      ->capture_default_str();
  lg->add_option("--dims", lg_opts.dims, "dimensions per chart")
      ->capture_default_str();
  lg->add_option("--update-every", lg_opts.update_every,
                 "seconds between collections")
      ->capture_default_str();
  lg->add_option("--duration", lg_opts.duration, "seconds to run")
      ->capture_default_str();
  auto* lg_lz4 = lg->add_flag("--lz4", "ask for lz4 compression (default)");
  auto* lg_nolz4 = lg->add_flag("--no-lz4", "plain text stream");
  lg_lz4->excludes(lg_nolz4);
  lg->add_option("--seed", lg_opts.seed,
                 "seed of GUIDs and values (0 = random)");
  lg->add_option("--guid-prefix", lg_opts.guid_prefix,
                 "up to 8 hex digits starting every machine GUID");
  lg->add_option("--hostname-prefix", lg_opts.hostname_prefix,
                 "children are PREFIX-NNNN")
      ->capture_default_str();
  lg->add_option(
      "--misbehave", lg_opts.misbehave,
      "KIND[:FRACTION] extra children, KIND cut|unknown|slowloris|badkey");
  lg->add_option("--reconnect-delay", lg_opts.reconnect_delay,
                 "seconds before reconnecting")
      ->capture_default_str();
  lg->add_option("--ramp", lg_opts.ramp,
                 "seconds over which to spread first connects")
      ->capture_default_str();
  lg->add_option("--history", lg_opts.history,
                 "seconds of history each child claims and replays when asked "
                 "(0 = none)")
      ->capture_default_str();
  lg->add_flag("--variety", lg_opts.variety,
               "every algorithm, multipliers/divisors, counter resets and "
               "gaps (for differential tests)");
  lg->add_option("--report-every", lg_opts.report_every,
                 "seconds between progress lines (0 = final only)")
      ->capture_default_str();
  lg->add_option("--max-backlog", lg_opts.max_backlog,
                 "per-child queued bytes beyond which collections are dropped")
      ->capture_default_str();
  lg->add_option("--json", lg_opts.json_out,
                 "write the final report as JSON here");

  cli::top_options top_opts;
  auto* top = app.add_subcommand(
      "top", "the actor console: every actor, its mailbox and counters");
  top->set_version_flag("--version",
                        std::string{"tributary "} + TRIBUTARY_VERSION);
  top->add_option("--address", top_opts.address,
                  "the daemon's API: HOST:PORT, a name or [IPv6]:PORT "
                  "(default 127.0.0.1:19999)");
  top->add_option("--sort", top_opts.sort, "sort by this column")
      ->check(CLI::IsMember({"mailbox", "rate", "p50", "p99", "restarts",
                             "uptime", "kind", "name", "host"}))
      ->capture_default_str();
  top->add_option("--host", top_opts.host,
                  "only this host's actors (hostname or GUID)");
  top->add_option("--interval", top_opts.interval_seconds,
                  "seconds between updates")
      ->check(CLI::PositiveNumber);
  top->add_flag("--once", top_opts.once, "print one table and exit");

  CLI11_PARSE(app, argc, argv);

  if (*run) {
    default_config_dir(run_opts.config_dir, run_opts.yaml_file, true);
    return run_daemon(run_opts);
  }
  if (*check) {
    default_config_dir(check_opts.config_dir, check_opts.yaml_file, false);
    if (check_opts.config_dir.empty() == check_opts.yaml_file.empty()) {
      std::cerr << "check-config: give one of --config-dir DIR or "
                   "--config FILE.yaml, not both\n";
      return 2;
    }
    return cli::check_config(check_opts);
  }
  if (*decode) {
    if (*lz4_flag)
      decode_opts.mode = "lz4";
    else if (*plain_flag)
      decode_opts.mode = "plain";
    return cli::decode(decode_opts);
  }
  if (*top)
    return cli::top(top_opts);
  if (*lg) {
    lg_opts.lz4 = !*lg_nolz4;
    return cli::loadgen(lg_opts);
  }
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  // What escapes a command (bad_alloc, a library's exception) is reported
  // as one line rather than by std::terminate's abort.
  try {
    return run_command(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tributary: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "tributary: unknown exception\n";
  }
  return 1;
}
