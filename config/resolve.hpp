#pragma once

#include "config/settings.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary::config {

/// The effective settings for a stream from `api_key` / `machine_guid`, as
/// 1.37.1's receiver computes them (docs/protocol.md "Settings lookup"): start
/// from the globals (netdata.conf and [stream]), override with what `[api_key]`
/// sets (with its `default ...` names), then with what `[machine_guid]` sets.
/// `history` is raised to at least 5, `enable_compression` is ANDed with
/// [stream] enable compression, and `update_every` falls back to
/// `child_update_every`. In the result, `enabled` is true iff both levels
/// enable the stream, and `allow_from` is the GUID section's if it sets one,
/// else the key's (empty: not checked). Use `check_access` for the admission
/// decision, which checks `allow from` at both levels as Netdata does.
receiver_settings
resolve_receiver(const settings& cfg, std::string_view api_key,
                 std::string_view machine_guid,
                 std::optional<int64_t> child_update_every = std::nullopt);

/// Why a stream request is refused (docs/protocol.md "Parent checks", step 2
/// items 4-11, in check order).
enum class access_verdict : uint8_t {
  allowed,
  /// The key is not a UUID.
  bad_api_key,
  /// The machine GUID is not a UUID.
  bad_machine_guid,
  /// `[key] type` is not `api`.
  api_key_wrong_type,
  /// `[key] enabled` is not true (also: no such section).
  api_key_disabled,
  /// `[key] allow from` does not match the peer.
  api_key_ip_denied,
  /// `[guid] type` is not `machine`.
  machine_guid_wrong_type,
  /// `[guid] enabled` is false.
  machine_guid_disabled,
  /// `[guid] allow from` does not match the peer.
  machine_guid_ip_denied,
};

/// Returns a short description of `x` for logs, e.g. "API key disabled".
std::string_view to_string(access_verdict x) noexcept;

/// Runs the stream.conf admission checks for a request, in Netdata's order.
/// `peer_ip` is the client address as a string.
access_verdict check_access(const settings& cfg, std::string_view api_key,
                            std::string_view machine_guid,
                            std::string_view peer_ip);

/// Netdata's `storage tiers` for the whole agent: 3 when dbengine runs for
/// any host (`[db] mode = dbengine`, or an enabled stream.conf section that
/// sets `[default] memory mode = dbengine`), else 1. A query reads a tier
/// by it even on a ram host (docs/storage.md "Queries").
size_t agent_storage_tiers(const settings& cfg);

/// True if `[api_key]` exists with type api (or none) and `enabled = yes`.
bool is_api_key_enabled(const settings& cfg, std::string_view api_key);

/// True unless `[machine_guid]` exists and disables the GUID or has a type
/// other than machine.
bool is_machine_guid_enabled(const settings& cfg,
                             std::string_view machine_guid);

/// True if `peer_ip` passes `allow from` of both the key and the GUID
/// section (an absent section or an empty pattern allows).
bool is_ip_allowed(const settings& cfg, std::string_view api_key,
                   std::string_view machine_guid, std::string_view peer_ip);

/// True if `x` is a UUID as libuuid's `uuid_parse` accepts it
/// (8-4-4-4-12 hex digits, any case).
bool is_uuid(std::string_view x) noexcept;

} // namespace tributary::config
