// libFuzzer target: arbitrary text as netdata.conf + stream.conf -> settings.
// The input is split at the first NUL byte: before it netdata.conf, after it
// stream.conf (no NUL: all of it is stream.conf).

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
  std::string_view netdata_conf;
  std::string_view stream_conf = input;
  if (auto nul = input.find('\0'); nul != std::string_view::npos) {
    netdata_conf = input.substr(0, nul);
    stream_conf = input.substr(nul + 1);
  }
  auto x = load_ini_text(netdata_conf, stream_conf);
  // Exercise the consumers of the model too.
  auto report = check(x);
  auto text = dump(x.cfg);
  // A few pairs only: the cross product of a large input is quadratic.
  size_t pairs = 0;
  for (const auto& [key, k] : x.cfg.api_keys) {
    for (const auto& [guid, g] : x.cfg.machine_guids) {
      if (++pairs > 16)
        break;
      auto r = resolve_receiver(x.cfg, key, guid, 1);
      (void)check_access(x.cfg, key, guid, "10.1.2.3");
      (void)r.allow_from.matches("10.1.2.3");
    }
  }
  (void)resolve_receiver(x.cfg, "k", "g");
  (void)x.cfg.stream.send_charts_matching.evaluate(input.substr(0, 64));
  return report.exit_code > 1 || text.empty() ? 1 : 0;
}
