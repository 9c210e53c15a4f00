// The tributary daemon and its tools, one executable with subcommands.
#include "actors/daemon.hpp"
#include "bin/commands.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#ifndef TRIBUTARY_VERSION
#  define TRIBUTARY_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace tributary;
  CLI::App app{"tributary: a metrics stream broker, wire-compatible with "
               "Netdata's parent/child streaming"};
  app.set_version_flag("--version", std::string{"tributary "} + TRIBUTARY_VERSION);
  app.require_subcommand(1);

  daemon_options run_opts;
  auto* run = app.add_subcommand("run", "run the daemon (parent, child, proxy)");
  run->set_version_flag("--version", std::string{"tributary "} + TRIBUTARY_VERSION);
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
  check->set_version_flag("--version", std::string{"tributary "} + TRIBUTARY_VERSION);
  check->add_option("--config-dir", check_opts.config_dir,
                    "directory with netdata.conf and stream.conf");
  check->add_option("--config", check_opts.yaml_file,
                    "YAML file with the same settings");

  cli::decode_options decode_opts;
  auto* decode = app.add_subcommand(
    "decode", "print the command lines of a captured stream (plain or lz4)");
  decode->set_version_flag("--version", std::string{"tributary "} + TRIBUTARY_VERSION);
  decode->add_option("file", decode_opts.file, "captured stream bytes")
    ->required()
    ->check(CLI::ExistingFile);
  auto* lz4_flag = decode->add_flag("--lz4", "the capture is lz4 framed");
  auto* plain_flag = decode->add_flag("--plain", "the capture is plain text");
  lz4_flag->excludes(plain_flag);

  CLI11_PARSE(app, argc, argv);

  if (*run)
    return run_daemon(run_opts);
  if (*check) {
    if (check_opts.config_dir.empty() == check_opts.yaml_file.empty()) {
      std::cerr << "check-config: give exactly one of --config-dir DIR or "
                   "--config FILE.yaml\n";
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
  return 2;
}
