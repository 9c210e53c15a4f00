#include "config/raw.hpp"

#include <algorithm>
#include <tuple>

namespace tributary::config::detail {

void append_ini(std::vector<raw_section>& out, const ini_file& in) {
  for (const auto& s : in.sections)
    out.push_back(
        raw_section{s.name, s.file, s.line, section_role::by_type, s.entries});
}

load_result build_settings(const raw_config& raw) {
  load_result result;
  result.cfg = netdata_defaults();
  // Paths under [directories] follow the directories the files set: left
  // empty here, apply_netdata derives them once everything is read.
  auto& g = result.cfg.global;
  g.ssl_key.clear();
  g.ssl_certificate.clear();
  g.health_config_dir.clear();
  g.stock_health_config_dir.clear();
  g.netdata_unique_id_file.clear();
  auto& out = result.diagnostics;
  out = raw.diagnostics;
  apply_netdata(raw.netdata, result.cfg, out);
  apply_stream(raw.stream, result.cfg, out);
  // An untyped section read both as API key and as GUID reports its
  // problems twice: keep one of each, in file/line order.
  auto key = [](const diagnostic& x) {
    return std::tie(x.file, x.line, x.level, x.message);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const diagnostic& x, const diagnostic& y) {
                     return std::tie(x.file, x.line) < std::tie(y.file, y.line);
                   });
  out.erase(std::unique(out.begin(), out.end(),
                        [&](const diagnostic& x, const diagnostic& y) {
                          return key(x) == key(y);
                        }),
            out.end());
  return result;
}

} // namespace tributary::config::detail
