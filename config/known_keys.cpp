#include "config/known_keys.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace tributary::config::detail {

namespace {

// Keys of Netdata 1.37.1's netdata.conf that tributary reads nowhere. Written
// from the keys 1.37.1 prints at /netdata.conf (including the legacy names it
// still moves to their new place); see docs/config.md. The keys tributary acts
// on are in apply_netdata.cpp, not here.
struct ignored_key {
  std::string_view section;
  std::string_view key;
  /// The first Netdata version that reads the key; empty for 1.37.1.
  std::string_view since = {};
};

constexpr ignored_key ignored[] = {
    // [global]
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
    {"global", "facility log"},
    {"global", "debug flags"},
    {"global", "TZ environment variable"},
    // [db]
    {"db", "dbengine page cache with malloc"},
    {"db", "page cache size"},
    {"db", "page cache with malloc"},
    {"db", "memory deduplication (ksm)"},
    {"db", "gap when lost iterations above"},
    {"db", "delete obsolete charts files"},
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
    {"logs", "health"},
    {"logs", "facility"},
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
    // Keys of newer Netdata versions (found in their sources' config_get
    // calls, v1.38 .. v2.x), ignored by tributary.
    {"global", "has unstable connection", "v1.44"},
    {"global", "crash reports", "v2.5"},
    {"global", "profile", "v2.2"},
    {"global", "wmi startup timeout", "v2.11"},
    {"db", "dbengine enable journal integrity check", "v1.38"},
    {"db", "dbengine parallel initialization", "v1.38"},
    {"db", "dbengine use direct io", "v1.38"},
    {"db", "dbengine extent cache size MB", "v1.39"},
    {"db", "dbengine page type", "v1.44"},
    {"db", "cleanup ephemeral hosts after secs", "v1.44"},
    {"db", "dbengine tier 0 disk space MB", "v1.46"},
    {"db", "dbengine tier 1 disk space MB", "v1.46"},
    {"db", "dbengine tier 2 disk space MB", "v1.46"},
    {"db", "dbengine tier 3 disk space MB", "v1.46"},
    {"db", "dbengine tier 4 disk space MB", "v1.46"},
    {"db", "dbengine tier 0 retention days", "v1.46"},
    {"db", "dbengine tier 1 retention days", "v1.46"},
    {"db", "dbengine tier 2 retention days", "v1.46"},
    {"db", "dbengine tier 3 retention days", "v1.46"},
    {"db", "dbengine tier 4 retention days", "v1.46"},
    {"db", "dbengine tier backfill", "v1.46"},
    {"db", "db", "v2.0"},
    {"db", "dbengine page cache size", "v2.0"},
    {"db", "dbengine extent cache size", "v2.0"},
    {"db", "dbengine tier 0 retention size", "v2.0"},
    {"db", "dbengine tier 1 retention size", "v2.0"},
    {"db", "dbengine tier 2 retention size", "v2.0"},
    {"db", "dbengine tier 3 retention size", "v2.0"},
    {"db", "dbengine tier 4 retention size", "v2.0"},
    {"db", "dbengine tier 0 retention time", "v2.0"},
    {"db", "dbengine tier 1 retention time", "v2.0"},
    {"db", "dbengine tier 2 retention time", "v2.0"},
    {"db", "dbengine tier 3 retention time", "v2.0"},
    {"db", "dbengine tier 4 retention time", "v2.0"},
    {"db", "cleanup ephemeral hosts after", "v2.0"},
    {"db", "cleanup obsolete charts after", "v2.0"},
    {"db", "replication period", "v2.0"},
    {"db", "replication step", "v2.0"},
    {"db", "dbengine out of memory protection", "v2.2"},
    {"db", "dbengine use all ram for caches", "v2.2"},
    {"db", "dbengine journal v2 unmount time", "v2.5"},
    {"db", "replication prefetch", "v2.5"},
    {"db", "extreme cardinality protection", "v2.5"},
    {"db", "extreme cardinality keep instances", "v2.5"},
    {"db", "extreme cardinality min ephemerality", "v2.5"},
    {"web", "ses max tg_des_window", "v1.39"},
    {"web", "des max tg_des_window", "v1.39"},
    {"web", "ssl skip certificate verification", "v1.40"},
    {"web", "accept a streaming request every", "v2.0"},
    {"web", "disconnect idle clients after", "v2.0"},
    {"web", "bearer token protection", "v2.0"},
    {"web", "allow mcp from", "v2.11"},
    {"directories", "stock data", "v2.11"},
    {"logs", "collector", "v1.38"},
    {"logs", "daemon", "v1.44"},
    {"logs", "logs flood protection period", "v1.44"},
    {"logs", "logs to trigger flood protection", "v1.44"},
    {"health", "use summary for notifications", "v1.43"},
    {"health", "health log retention", "v2.0"},
    {"health", "postpone alarms during hibernation for", "v2.0"},
    {"health", "run at least every", "v2.0"},
    {"health", "notification execution timeout", "v2.11"},
    {"registry", "use mmap", "v1.41"},
    {"registry", "registry expire idle persons", "v2.0"},
};

constexpr std::string_view closed_sections[] = {
    "global", "db", "web", "directories", "logs", "health", "registry",
};

// Netdata sections tributary does not use; their keys are not checked
// (plugin sections are open-ended: `[plugin:NAME]`, `[plugin:proc:/proc/x]`).
constexpr std::string_view open_sections[] = {
    "ml",
    "cloud",
    "statsd",
    "sqlite",
    "plugins",
    "host labels",
    "environment variables",
    "backend",
    "global statistics",
    "aclk",
    // Sections of newer Netdata versions.
    "exporting:global",
    "prometheus:exporter",
    "webrtc",
    "telemetry",
    "pulse",
};

// stream.conf keys of newer Netdata versions that tributary ignores: in
// [stream], and in the API key / machine GUID sections.
constexpr ignored_key ignored_stream[] = {
    {"stream", "brotli compression level", "v1.44"},
    {"stream", "gzip compression level", "v1.44"},
    {"stream", "lz4 compression acceleration", "v1.44"},
    {"stream", "zstd compression level", "v1.44"},
    {"stream", "parent using h2o", "v1.44"},
    {"stream", "buffer size", "v2.2"},
    {"stream", "reconnect delay", "v2.0"},
    {"stream", "timeout", "v2.0"},
    {"receiver", "compression algorithms order", "v1.44"},
    {"receiver", "default health log history", "v1.41"},
    {"receiver", "health log history", "v1.41"},
    {"receiver", "is ephemeral node", "v1.44"},
    {"receiver", "db", "v2.0"},
    {"receiver", "retention", "v2.0"},
    {"receiver", "health log retention", "v2.0"},
    {"receiver", "postpone alerts on connect", "v2.0"},
    {"receiver", "replication period", "v2.0"},
    {"receiver", "replication step", "v2.0"},
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

std::optional<std::string_view> ignored_netdata_key(std::string_view section,
                                                    std::string_view key) {
  for (const auto& x : ignored)
    if (x.section == section && x.key == key)
      return x.since;
  return std::nullopt;
}

std::optional<std::string_view> ignored_stream_key(std::string_view section,
                                                   std::string_view key) {
  for (const auto& x : ignored_stream)
    if (x.section == section && x.key == key)
      return x.since;
  return std::nullopt;
}

std::string not_used_note(std::string_view since) {
  if (since.empty())
    return "Netdata setting not used by tributary";
  return "setting of Netdata " + std::string{since}
         + " and later, not used by tributary";
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
