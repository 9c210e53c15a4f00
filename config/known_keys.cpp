#include "config/known_keys.hpp"

#include <algorithm>
#include <cctype>

namespace tributary::config::detail {

namespace {

// Keys of Netdata 1.37.1's netdata.conf that tributary reads nowhere. Written
// from the keys 1.37.1 prints at /netdata.conf (including the legacy names it
// still moves to their new place); see docs/config.md. The keys tributary acts
// on are in apply_netdata.cpp, not here.
struct ignored_key {
  std::string_view section;
  std::string_view key;
};

constexpr ignored_key ignored[] = {
  // [global]
  {"global", "host access prefix"},
  {"global", "OOM score"},
  {"global", "process scheduling policy"},
  {"global", "process nice level"},
  {"global", "process scheduling priority"},
  {"global", "pthread stack size"},
  {"global", "cpu cores"},
  {"global", "libuv worker threads"},
  {"global", "timezone"},
  {"global", "glibc malloc arena max for plugins"},
  {"global", "glibc malloc arena max for netdata"},
  {"global", "enable metric correlations"},
  {"global", "metric correlations method"},
  {"global", "is ephemeral node"},
  {"global", "web files owner"},
  {"global", "web files group"},
  {"global", "page cache size"},
  {"global", "page cache uses malloc"},
  {"global", "dbengine disk space"},
  {"global", "dbengine multihost disk space"},
  {"global", "memory deduplication (ksm)"},
  {"global", "dbengine page fetch timeout"},
  {"global", "dbengine page fetch retries"},
  {"global", "dbengine extent pages"},
  {"global", "gap when lost iterations above"},
  {"global", "delete obsolete charts files"},
  {"global", "delete orphan hosts files"},
  {"global", "enable zero metrics"},
  {"global", "respect web browser do not track policy"},
  {"global", "web x-frame-options header"},
  {"global", "enable web responses gzip compression"},
  {"global", "web compression strategy"},
  {"global", "web compression level"},
  {"global", "stock config directory"},
  {"global", "web files directory"},
  {"global", "home directory"},
  {"global", "lock directory"},
  {"global", "plugins directory"},
  {"global", "debug log"},
  {"global", "error log"},
  {"global", "access log"},
  {"global", "facility log"},
  {"global", "errors flood protection period"},
  {"global", "errors to trigger flood protection"},
  {"global", "debug flags"},
  {"global", "TZ environment variable"},
  // [db]
  {"db", "dbengine page cache with malloc"},
  {"db", "page cache size"},
  {"db", "page cache with malloc"},
  {"db", "memory deduplication (ksm)"},
  {"db", "gap when lost iterations above"},
  {"db", "delete obsolete charts files"},
  {"db", "delete orphan hosts files"},
  {"db", "enable zero metrics"},
  {"db", "dbengine pages per extent"},
  {"db", "storage tiers"},
  {"db", "dbengine page fetch timeout secs"},
  {"db", "dbengine page fetch retries"},
  {"db", "dbengine page descriptors in file mapped memory"},
  {"db", "dbengine tier 1 page cache size MB"},
  {"db", "dbengine tier 1 multihost disk space MB"},
  {"db", "dbengine tier 1 update every iterations"},
  {"db", "dbengine tier 1 backfill"},
  {"db", "dbengine tier 2 page cache size MB"},
  {"db", "dbengine tier 2 multihost disk space MB"},
  {"db", "dbengine tier 2 update every iterations"},
  {"db", "dbengine tier 2 backfill"},
  {"db", "dbengine tier 3 page cache size MB"},
  {"db", "dbengine tier 3 multihost disk space MB"},
  {"db", "dbengine tier 3 update every iterations"},
  {"db", "dbengine tier 3 backfill"},
  {"db", "dbengine tier 4 page cache size MB"},
  {"db", "dbengine tier 4 multihost disk space MB"},
  {"db", "dbengine tier 4 update every iterations"},
  {"db", "dbengine tier 4 backfill"},
  // [web]
  {"web", "mode"},
  {"web", "listen backlog"},
  {"web", "respect do not track policy"},
  {"web", "x-frame-options response header"},
  {"web", "allow connections by dns"},
  {"web", "allow dashboard from"},
  {"web", "allow dashboard by dns"},
  {"web", "allow badges from"},
  {"web", "allow badges by dns"},
  {"web", "allow streaming by dns"},
  {"web", "allow netdata.conf from"},
  {"web", "allow netdata.conf by dns"},
  {"web", "allow management from"},
  {"web", "allow management by dns"},
  {"web", "enable gzip compression"},
  {"web", "gzip compression strategy"},
  {"web", "gzip compression level"},
  {"web", "web server threads"},
  {"web", "web server max sockets"},
  {"web", "custom dashboard_info.js"},
  {"web", "web files owner"},
  {"web", "web files group"},
  {"web", "ses max window"},
  {"web", "des max window"},
  // [directories]
  {"directories", "home"},
  {"directories", "lock"},
  {"directories", "stock health config"},
  {"directories", "registry"},
  // [logs]
  {"logs", "debug flags"},
  {"logs", "debug"},
  {"logs", "error"},
  {"logs", "access"},
  {"logs", "health"},
  {"logs", "facility"},
  {"logs", "errors flood protection period"},
  {"logs", "errors to trigger flood protection"},
  // [health]
  {"health", "postpone alarms during hibernation for seconds"},
  {"health", "rotate log every lines"},
  {"health", "enabled alarms"},
  {"health", "default repeat warning"},
  {"health", "default repeat critical"},
  {"health", "health log history"},
  {"health", "silencers file"},
  // [registry]
  {"registry", "registry db directory"},
  {"registry", "registry db file"},
  {"registry", "registry log file"},
  {"registry", "registry save db every new entries"},
  {"registry", "registry expire idle persons days"},
  {"registry", "registry domain"},
  {"registry", "registry to announce"},
  {"registry", "registry hostname"},
  {"registry", "verify browser cookies support"},
  {"registry", "enable cookies SameSite and Secure"},
  {"registry", "max URL length"},
  {"registry", "max URL name length"},
  {"registry", "netdata management api key file"},
  {"registry", "allow from"},
  {"registry", "allow by dns"},
};

constexpr std::string_view closed_sections[] = {
  "global", "db", "web", "directories", "logs", "health", "registry",
};

// Netdata sections tributary does not use; their keys are not checked
// (plugin sections are open-ended: `[plugin:NAME]`, `[plugin:proc:/proc/x]`).
constexpr std::string_view open_sections[] = {
  "ml",         "cloud",       "statsd",           "sqlite",
  "plugins",    "host labels", "environment variables",
  "backend",    "global statistics", "aclk",
};

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1);
  std::vector<size_t> cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

} // namespace

section_policy netdata_section_policy(std::string_view name) {
  for (auto x : closed_sections)
    if (x == name)
      return section_policy::closed;
  for (auto x : open_sections)
    if (x == name)
      return section_policy::open;
  if (name.substr(0, 7) == "plugin:")
    return section_policy::open;
  return section_policy::unknown;
}

bool is_ignored_netdata_key(std::string_view section, std::string_view key) {
  for (const auto& x : ignored)
    if (x.section == section && x.key == key)
      return true;
  return false;
}

std::vector<std::string_view> ignored_netdata_keys(std::string_view section) {
  std::vector<std::string_view> result;
  for (const auto& x : ignored)
    if (x.section == section)
      result.push_back(x.key);
  return result;
}

std::vector<std::string_view> netdata_section_names() {
  std::vector<std::string_view> result;
  for (auto x : closed_sections)
    result.push_back(x);
  for (auto x : open_sections)
    result.push_back(x);
  return result;
}

std::string did_you_mean(std::string_view word,
                         const std::vector<std::string_view>& candidates) {
  // Long inputs cannot be typos of our short keys; keep this cheap for the
  // fuzzers.
  if (word.empty() || word.size() > 128)
    return {};
  size_t limit = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3));
  std::string_view best;
  size_t best_distance = limit + 1;
  for (auto c : candidates) {
    auto gap = c.size() > word.size() ? c.size() - word.size()
                                      : word.size() - c.size();
    if (gap > limit) // the distance is at least the length difference
      continue;
    auto d = edit_distance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return std::string{best};
}

} // namespace tributary::config::detail
