// libFuzzer target: arbitrary text as a YAML configuration -> settings.

#include "config/check.hpp"
#include "config/dump.hpp"
#include "config/load.hpp"
#include "config/resolve.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tributary::config;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto x = load_yaml_text(input, "fuzz.yaml");
  auto report = check(x);
  auto text = dump(x.cfg);
  size_t n = 0;
  for (const auto& [key, k] : x.cfg.api_keys)
    if (++n <= 16)
      (void)check_access(x.cfg, key, key, "127.0.0.1");
  return report.exit_code > 1 || text.empty() ? 1 : 0;
}
