// `tributary check-config`: a thin wrapper over config::check_*.
#include "bin/commands.hpp"

#include <iostream>

#include "config/check.hpp"

namespace tributary::cli {

int check_config(const check_config_options& opts) {
  auto outcome = opts.yaml_file.empty()
                   ? config::check_config_dir(opts.config_dir)
                   : config::check_yaml_file(opts.yaml_file);
  (outcome.exit_code == 0 ? std::cout : std::cerr) << outcome.report;
  return outcome.exit_code;
}

} // namespace tributary::cli
