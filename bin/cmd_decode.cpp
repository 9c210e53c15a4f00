#include "bin/commands.hpp"
#include <iostream>
namespace tributary::cli {
int decode(const decode_options&) {
  std::cerr << "decode: not built yet\n";
  return 1;
}
} // namespace tributary::cli
