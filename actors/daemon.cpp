#include "actors/daemon.hpp"
#include <iostream>
namespace tributary {
int run_daemon(const daemon_options&) {
  std::cerr << "run: not built yet\n";
  return 1;
}
} // namespace tributary
