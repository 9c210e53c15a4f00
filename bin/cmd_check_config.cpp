// `tributary check-config`: the configuration, then the health.d files it
// points at.
#include "bin/commands.hpp"
#include "config/check.hpp"
#include "config/load.hpp"
#include "health/load_config.hpp"

#include <iostream>

namespace tributary::cli {

int check_config(const check_config_options& opts) {
  config::check_options how;
  how.strict = opts.strict;
  auto outcome = opts.yaml_file.empty()
                     ? config::check_config_dir(opts.config_dir, how)
                     : config::check_yaml_file(opts.yaml_file, how);
  (outcome.exit_code == 0 ? std::cout : std::cerr) << outcome.report;
  auto loaded = opts.yaml_file.empty()
                    ? config::load_config_dir(opts.config_dir)
                    : config::load_yaml_file(opts.yaml_file);
  if (!loaded || !loaded->cfg.global.health_enabled)
    return outcome.exit_code;
  auto health = health::load_health_config(loaded->cfg);
  auto errors = health.count(config::diagnostic::error);
  for (auto& d : health.diagnostics)
    if (d.level == config::diagnostic::error)
      std::cerr << config::to_string(d) << '\n';
  (errors == 0 ? std::cout : std::cerr)
      << "health.d: " << health.definitions.size() << " alerts from "
      << health.files.size() << " files, " << errors << " errors\n";
  return errors == 0 ? outcome.exit_code : 1;
}

} // namespace tributary::cli
