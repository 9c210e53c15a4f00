#include "config/settings.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace tributary::config {

namespace {

simple_pattern must_compile(std::string_view x) {
  // Only used for the built-in defaults, which always compile.
  auto p = simple_pattern::compile(x);
  return p ? std::move(*p) : simple_pattern{};
}

bool iequals(std::string_view x, std::string_view y) {
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i) {
    auto a = x[i] >= 'A' && x[i] <= 'Z' ? x[i] - 'A' + 'a' : x[i];
    auto b = y[i] >= 'A' && y[i] <= 'Z' ? y[i] - 'A' + 'a' : y[i];
    if (a != b)
      return false;
  }
  return true;
}

} // namespace

// -- enums --------------------------------------------------------------------

std::optional<health_mode> parse_health_mode(std::string_view x) {
  if (x == "yes")
    return health_mode::yes;
  if (x == "no")
    return health_mode::no;
  if (x == "auto" || x == "on demand")
    return health_mode::automatic;
  return std::nullopt;
}

std::string_view to_string(health_mode x) noexcept {
  switch (x) {
  case health_mode::no:
    return "no";
  case health_mode::yes:
    return "yes";
  case health_mode::automatic:
    return "auto";
  }
  return "yes";
}

std::optional<bool> parse_bool(std::string_view x) {
  for (auto t : {"yes", "true", "on", "auto", "on demand"})
    if (iequals(x, t))
      return true;
  for (auto f : {"no", "false", "off"})
    if (iequals(x, f))
      return false;
  return std::nullopt;
}

std::optional<int64_t> parse_number(std::string_view x) {
  if (x.empty() || x.size() > 64)
    return std::nullopt;
  std::string buf{x};
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(buf.c_str(), &end, 0);
  if (end == buf.c_str() || *end != '\0' || errno == ERANGE)
    return std::nullopt;
  return static_cast<int64_t>(v);
}

// -- constructors -------------------------------------------------------------

global_settings::global_settings()
    : allow_connections_from(must_compile(defaults::allow_connections_from)),
      allow_streaming_from(must_compile(defaults::allow_streaming_from)) {
  // nop
}

stream_settings::stream_settings()
    : send_charts_matching(must_compile(defaults::send_charts_matching)) {
  // nop
}

receiver_settings::receiver_settings()
    : allow_from(must_compile(defaults::allow_from)),
      proxy_send_charts_matching(must_compile(defaults::send_charts_matching)),
      allow_connections_from(must_compile(defaults::allow_connections_from)),
      allow_streaming_from(must_compile(defaults::allow_streaming_from)) {
  // nop
}

receiver_settings receiver_defaults(const settings& cfg) {
  receiver_settings r;
  r.enabled = defaults::api_key_enabled;
  r.history = cfg.global.history;
  r.memory_mode = cfg.global.mode;
  r.health_enabled
      = cfg.global.health_enabled ? health_mode::yes : health_mode::no;
  r.postpone_alarms_on_connect_seconds
      = defaults::postpone_alarms_on_connect_seconds;
  r.proxy_enabled = cfg.stream.enabled;
  r.proxy_destination = cfg.stream.destination;
  r.proxy_parallel_destinations = cfg.stream.parallel_destinations;
  r.proxy_api_key = cfg.stream.api_key;
  r.proxy_send_charts_matching = cfg.stream.send_charts_matching;
  r.enable_compression = cfg.stream.enable_compression;
  r.enable_replication = cfg.global.enable_replication;
  r.seconds_to_replicate = cfg.global.seconds_to_replicate;
  r.seconds_per_replication_step = cfg.global.seconds_per_replication_step;
  r.allow_connections_from = cfg.global.allow_connections_from;
  r.allow_streaming_from = cfg.global.allow_streaming_from;
  r.accept_a_streaming_request_every_seconds
      = cfg.global.accept_a_streaming_request_every_seconds;
  return r;
}

} // namespace tributary::config
