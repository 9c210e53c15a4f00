#include "config/resolve.hpp"

#include <algorithm>

namespace tributary::config {

namespace {

/// Copies the fields `src` sets into `dst`.
void overlay(receiver_settings& dst, const receiver_settings& src) {
  using f = receiver_field;
  if (src.is_set(f::update_every))
    dst.update_every = src.update_every;
  if (src.is_set(f::history))
    dst.history = src.history;
  if (src.is_set(f::memory_mode))
    dst.memory_mode = src.memory_mode;
  if (src.is_set(f::health_enabled))
    dst.health_enabled = src.health_enabled;
  if (src.is_set(f::postpone_alarms_on_connect_seconds))
    dst.postpone_alarms_on_connect_seconds
        = src.postpone_alarms_on_connect_seconds;
  if (src.is_set(f::proxy_enabled))
    dst.proxy_enabled = src.proxy_enabled;
  if (src.is_set(f::proxy_destination))
    dst.proxy_destination = src.proxy_destination;
  if (src.is_set(f::proxy_parallel_destinations))
    dst.proxy_parallel_destinations = src.proxy_parallel_destinations;
  if (src.is_set(f::proxy_api_key))
    dst.proxy_api_key = src.proxy_api_key;
  if (src.is_set(f::proxy_send_charts_matching))
    dst.proxy_send_charts_matching = src.proxy_send_charts_matching;
  if (src.is_set(f::enable_compression))
    dst.enable_compression = src.enable_compression;
  if (src.is_set(f::enable_replication))
    dst.enable_replication = src.enable_replication;
  if (src.is_set(f::seconds_to_replicate))
    dst.seconds_to_replicate = src.seconds_to_replicate;
  if (src.is_set(f::seconds_per_replication_step))
    dst.seconds_per_replication_step = src.seconds_per_replication_step;
  if (src.is_set(f::host_tags))
    dst.host_tags = src.host_tags;
  if (src.is_set(f::allow_from))
    dst.allow_from = src.allow_from;
  dst.set_mask |= src.set_mask;
}

/// The section called `name`, preferring `primary`.
const receiver_settings*
find(const std::map<std::string, receiver_settings>& primary,
     const std::map<std::string, receiver_settings>& secondary,
     std::string_view name) {
  std::string key{name};
  if (auto i = primary.find(key); i != primary.end())
    return &i->second;
  if (auto i = secondary.find(key); i != secondary.end())
    return &i->second;
  return nullptr;
}

bool has_type(const receiver_settings* s, std::string_view wanted) {
  return s == nullptr || s->type.empty() || s->type == wanted;
}

bool ip_ok(const receiver_settings* s, std::string_view ip) {
  // An empty `allow from` creates no pattern in 1.37.1: not checked.
  return s == nullptr || s->allow_from.empty() || s->allow_from.matches(ip);
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
         || (c >= 'A' && c <= 'F');
}

} // namespace

bool is_uuid(std::string_view x) noexcept {
  if (x.size() != 36)
    return false;
  for (size_t i = 0; i < x.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? x[i] != '-' : !is_hex(x[i]))
      return false;
  }
  return true;
}

receiver_settings resolve_receiver(const settings& cfg,
                                   std::string_view api_key,
                                   std::string_view machine_guid,
                                   std::optional<int64_t> child_update_every) {
  auto r = receiver_defaults(cfg);
  r.name = std::string{machine_guid};
  r.type = std::string{defaults::machine_guid_type};
  r.allow_from = simple_pattern{};
  const receiver_settings* key = nullptr;
  const receiver_settings* guid = nullptr;
  if (auto i = cfg.api_keys.find(std::string{api_key}); i != cfg.api_keys.end())
    key = &i->second;
  if (auto i = cfg.machine_guids.find(std::string{machine_guid});
      i != cfg.machine_guids.end())
    guid = &i->second;
  if (key != nullptr)
    overlay(r, *key);
  if (guid != nullptr)
    overlay(r, *guid);
  if (!r.update_every)
    r.update_every = child_update_every;
  if (r.update_every && *r.update_every < 0)
    r.update_every = 1;
  if (r.history < defaults::min_history)
    r.history = defaults::min_history;
  r.enable_compression = r.enable_compression && cfg.stream.enable_compression;
  r.enabled = is_api_key_enabled(cfg, api_key)
              && is_machine_guid_enabled(cfg, machine_guid);
  r.set_mask = (key ? key->set_mask : 0) | (guid ? guid->set_mask : 0);
  return r;
}

std::string_view to_string(access_verdict x) noexcept {
  switch (x) {
  case access_verdict::allowed:
    return "allowed";
  case access_verdict::bad_api_key:
    return "API key is not a UUID";
  case access_verdict::bad_machine_guid:
    return "machine GUID is not a UUID";
  case access_verdict::api_key_wrong_type:
    return "API key section is not of type api";
  case access_verdict::api_key_disabled:
    return "API key is not enabled";
  case access_verdict::api_key_ip_denied:
    return "API key does not allow this IP";
  case access_verdict::machine_guid_wrong_type:
    return "machine GUID section is not of type machine";
  case access_verdict::machine_guid_disabled:
    return "machine GUID is not enabled";
  case access_verdict::machine_guid_ip_denied:
    return "machine GUID does not allow this IP";
  }
  return "unknown";
}

access_verdict check_access(const settings& cfg, std::string_view api_key,
                            std::string_view machine_guid,
                            std::string_view peer_ip) {
  if (!is_uuid(api_key))
    return access_verdict::bad_api_key;
  if (!is_uuid(machine_guid))
    return access_verdict::bad_machine_guid;
  const auto* key = find(cfg.api_keys, cfg.machine_guids, api_key);
  if (!has_type(key, defaults::api_key_type))
    return access_verdict::api_key_wrong_type;
  if (key == nullptr || !key->enabled)
    return access_verdict::api_key_disabled;
  if (!ip_ok(key, peer_ip))
    return access_verdict::api_key_ip_denied;
  const auto* guid = find(cfg.machine_guids, cfg.api_keys, machine_guid);
  if (!has_type(guid, defaults::machine_guid_type))
    return access_verdict::machine_guid_wrong_type;
  if (guid != nullptr && !guid->enabled)
    return access_verdict::machine_guid_disabled;
  if (!ip_ok(guid, peer_ip))
    return access_verdict::machine_guid_ip_denied;
  return access_verdict::allowed;
}

size_t agent_storage_tiers(const settings& cfg) {
  // Netdata starts dbengine for a section only when it says both
  // `enabled = yes` and the mode itself (rrdpush_receiver_needs_dbengine).
  auto needs = [](const std::map<std::string, receiver_settings>& sections) {
    return std::any_of(sections.begin(), sections.end(), [](const auto& s) {
      const auto& r = s.second;
      return r.is_set(receiver_field::enabled) && r.enabled
             && r.is_set(receiver_field::memory_mode)
             && r.memory_mode == memory_mode::dbengine;
    });
  };
  bool dbengine = cfg.global.mode == memory_mode::dbengine
                  || needs(cfg.api_keys) || needs(cfg.machine_guids);
  return dbengine ? 3 : 1;
}

bool is_api_key_enabled(const settings& cfg, std::string_view api_key) {
  const auto* key = find(cfg.api_keys, cfg.machine_guids, api_key);
  return key != nullptr && has_type(key, defaults::api_key_type)
         && key->enabled;
}

bool is_machine_guid_enabled(const settings& cfg,
                             std::string_view machine_guid) {
  const auto* guid = find(cfg.machine_guids, cfg.api_keys, machine_guid);
  return has_type(guid, defaults::machine_guid_type)
         && (guid == nullptr || guid->enabled);
}

bool is_ip_allowed(const settings& cfg, std::string_view api_key,
                   std::string_view machine_guid, std::string_view peer_ip) {
  return ip_ok(find(cfg.api_keys, cfg.machine_guids, api_key), peer_ip)
         && ip_ok(find(cfg.machine_guids, cfg.api_keys, machine_guid), peer_ip);
}

} // namespace tributary::config
