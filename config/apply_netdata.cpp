#include "config/apply_common.hpp"
#include "config/known_keys.hpp"
#include "config/netdata_keys.hpp"

#include <set>
#include <utility>

namespace tributary::config::detail {

namespace {

using place = std::pair<std::string, std::string>;

/// Applies the legacy names present in `merged` whose new place is not set
/// (1.37.1's `config_move`): first, so that the new names applied after
/// them win.
void apply_legacy_names(const std::vector<merged_section>& merged,
                        std::set<place>& present, global_settings& g,
                        std::vector<diagnostic>& out) {
  for (const auto& lk : legacy_names()) {
    for (const auto& s : merged) {
      if (s.name != lk.section)
        continue;
      const auto* e = s.find(lk.key);
      if (e == nullptr)
        continue;
      entry_ctx c{s.name, *e, out};
      place to{std::string{lk.to_section}, std::string{lk.to_key}};
      std::string new_name = "[" + to.first + "] " + to.second;
      if (present.count(to) != 0) {
        c.note("old name of " + new_name + ", which is also set; ignored");
        continue;
      }
      present.insert(to);
      c.note("old name of " + new_name + "; accepted");
      find_canonical(lk.to_section, lk.to_key)->set(c, g);
    }
  }
}

/// Applies the keys of one merged section: the keys tributary acts on, host
/// labels, plugins; notes what it ignores and warns of unknown keys.
void apply_section(const merged_section& s, global_settings& g,
                   std::vector<diagnostic>& out) {
  auto policy = netdata_section_policy(s.name);
  if (policy == section_policy::unknown) {
    auto hint = did_you_mean(s.name, netdata_section_names());
    if (!hint.empty() && hint != s.name)
      report(out, s.file, s.line, diagnostic::warning,
             "unknown section [" + s.name + "]; did you mean [" + hint + "]?");
    else
      report(out, s.file, s.line, diagnostic::note,
             "section [" + s.name
                 + "] is not a Netdata 1.37.1 section tributary knows; "
                   "ignored");
    return;
  }
  bool ignored_note = false;
  for (const auto& e : s.entries) {
    entry_ctx c{s.name, e, out};
    if (s.name == "host labels") {
      g.host_labels.emplace_back(e.key, e.value);
      continue;
    }
    if (s.name == "plugins") {
      // Netdata's own [plugins] settings, then one `NAME = yes|no` each.
      auto on = parse_bool(e.value);
      if (on && e.key == "proc")
        g.proc_plugin = *on;
      else if (on && e.key.find(' ') == std::string::npos)
        g.plugins[e.key] = *on;
      else if (!ignored_note)
        c.note("Netdata setting not used by tributary");
      continue;
    }
    if (const auto* k = find_canonical(s.name, e.key)) {
      k->set(c, g);
      continue;
    }
    if (find_legacy(s.name, e.key) != nullptr)
      continue; // handled above
    if (policy == section_policy::open) {
      if (!ignored_note)
        report(out, s.file, s.line, diagnostic::note,
               "[" + s.name + "]: Netdata section not used by tributary");
      ignored_note = true;
      continue;
    }
    if (auto since = ignored_netdata_key(s.name, e.key)) {
      c.note(not_used_note(*since));
      continue;
    }
    auto hint = did_you_mean(e.key, closed_keys(s.name));
    c.warning(hint.empty() ? "unknown key; ignored"
                           : "unknown key; did you mean `" + hint + "`?");
  }
}

} // namespace

void apply_netdata(const std::vector<raw_section>& sections, settings& cfg,
                   std::vector<diagnostic>& out) {
  auto merged = merge_sections(sections, out);
  auto& g = cfg.global;
  // Which new places are given in the file, for the legacy precedence.
  std::set<place> present;
  for (const auto& s : merged)
    for (const auto& e : s.entries)
      present.emplace(s.name, e.key);
  apply_legacy_names(merged, present, g, out);
  for (const auto& s : merged)
    apply_section(s, g, out);
  // Defaults that depend on other settings.
  if (g.ssl_key.empty())
    g.ssl_key = g.config_dir + "/ssl/key.pem";
  if (g.ssl_certificate.empty())
    g.ssl_certificate = g.config_dir + "/ssl/cert.pem";
  if (g.health_config_dir.empty())
    g.health_config_dir = g.config_dir + "/health.d";
  if (g.stock_health_config_dir.empty())
    g.stock_health_config_dir = g.stock_config_dir + "/health.d";
  if (g.netdata_unique_id_file.empty())
    g.netdata_unique_id_file = g.lib_dir + "/registry/netdata.public.unique.id";
}

} // namespace tributary::config::detail
