#include "bin/commands.hpp"
#include <iostream>
namespace tributary::cli {
int check_config(const check_config_options&) {
  std::cerr << "check-config: not built yet\n";
  return 1;
}
} // namespace tributary::cli
