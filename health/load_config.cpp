#include "health/load_config.hpp"

#include "health/expression.hpp"

namespace tributary::health {

load_result load_health_config(const config::settings& cfg) {
  auto& g = cfg.global;
  load_options opts;
  opts.default_exec = g.health_script_on_alarm;
  opts.check_expression = [](std::string_view text) {
    auto e = expression::parse(text);
    return e ? std::string{} : e.err().message;
  };
  return load_health_dirs(g.health_config_dir, g.stock_health_config_dir,
                          g.health_enable_stock_config, opts);
}

} // namespace tributary::health
