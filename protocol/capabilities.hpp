#pragma once

#include <cstdint>
#include <string>

namespace tributary::protocol {

/// Capability bits of the `ver=` bitmask (docs/protocol.md "Capability bits").
/// Bits 0-2 stay clear so a bitmask never collides with the legacy versions
/// 1-5.
enum capability : uint32_t {
  cap_none = 0,
  /// Oldest protocol.
  cap_v1 = 1u << 3,
  /// v2: host labels.
  cap_v2 = 1u << 4,
  /// Version negotiation for v3/v4/v5.
  cap_vn = 1u << 5,
  /// Capability bitmask negotiation (v1.37+).
  cap_vcaps = 1u << 6,
  /// Host labels (`LABEL`, `OVERWRITE`).
  cap_hlabels = 1u << 7,
  /// `CLAIMED_ID`.
  cap_claim = 1u << 8,
  /// Chart labels (`CLABEL`, `CLABEL_COMMIT`).
  cap_clabels = 1u << 9,
  /// lz4 stream compression of the child->parent direction.
  cap_compression = 1u << 10,
  /// Same bit as `cap_compression` (its name since Netdata 1.44).
  cap_lz4 = cap_compression,
  /// Functions (`FUNCTION`, `FUNCTION_RESULT_*`).
  cap_funcs = 1u << 11,
  /// Replication (`CHART_DEFINITION_END`, `REPLAY_CHART`, `RBEGIN`...`REND`).
  cap_replication = 1u << 12,
  /// "Binary safe": compressed chunks may split a line.
  cap_binary = 1u << 13,
};

/// Everything a v1.37.1 agent supports: bits 3..13 = 16376.
constexpr uint32_t our_capabilities = 0x3FF8;

/// `our_capabilities` without compression = 15352.
constexpr uint32_t our_capabilities_nocomp
    = our_capabilities & ~uint32_t{cap_compression};

/// Maps a version number (the child's `ver`, or the number in the parent's
/// prompt) to a capability set, as both sides of v1.37.1 do (docs/protocol.md
/// "From a version number to capabilities"): 0/1 -> V1, 2 -> V2|HLABELS, 3..5
/// -> VN|..., > 5 -> the bitmask itself; then keeps only the newest of
/// VCAPS/VN/V2/V1 and ANDs with `local_caps`.
uint32_t version_to_capabilities(int64_t ver,
                                 uint32_t local_caps = our_capabilities);

/// The number a parent puts in its prompt for the negotiated `caps`
/// (docs/protocol.md "Parent replies", "Negotiation"): the bitmask if VCAPS,
/// else 5/4/3 if VN (5 with compression, 4 with chart labels, else 3), else 2
/// for V2, else 1.
int64_t capabilities_to_version(uint32_t caps);

/// The parent's capability set: `our_capabilities`, without compression if
/// its effective `enable compression` setting (docs/protocol.md "Compression
/// negotiation") is off.
uint32_t parent_capabilities(bool compression_enabled);

/// The child's capability set: what it sends as `ver=` (docs/protocol.md
/// "Negotiation", step 1).
uint32_t child_capabilities(bool compression_enabled);

/// Parent side of docs/protocol.md "Negotiation": the capability set negotiated
/// for a child that sent `child_ver` (see `effective_version()` in
/// handshake.hpp for a missing `ver`), given the parent's own set
/// (`parent_capabilities()`). Compression survives only if both sides have the
/// bit.
uint32_t negotiate(int64_t child_ver, uint32_t parent_caps);

/// Child side of docs/protocol.md "Negotiation", step 5: the final capability
/// set of a child whose own set is `child_caps` after the parent answered with
/// `reply_version` (2 or 1 for the fixed-text prompts).
uint32_t accept_reply(int64_t reply_version, uint32_t child_caps);

/// True if the child->parent direction is lz4 compressed under `caps`.
constexpr bool uses_compression(uint32_t caps) noexcept {
  return (caps & cap_compression) != 0;
}

/// Renders `caps` with Netdata's log names separated by spaces, e.g.
/// "VCAPS HLABELS CLAIM CLABELS COMPRESSION FUNCTIONS REPLICATION BINARY";
/// bits unknown to v1.37.1 use the newest Netdata names or "BIT<n>".
std::string to_string_caps(uint32_t caps);

} // namespace tributary::protocol
