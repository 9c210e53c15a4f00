#pragma once

#include "base/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::protocol {

/// A name/value pair in wire order.
using name_value = std::pair<std::string, std::string>;

/// The child's `STREAM ...` request (docs/protocol.md "The STREAM request").
/// Every value is the one the child meant: the five values a v1.37.1 child
/// URL-encodes (OS name, OS id, OS version, kernel name, kernel version) are
/// decoded; every other value is kept verbatim, exactly as a 1.37.1 child sends
/// it raw (a Netdata parent decodes the whole query instead, turning e.g.
/// `2.445e+09` into `2.445e 09`; we keep the `+`).
struct stream_request {
  /// API key (a UUID); required.
  std::string key;
  /// Host name of the streamed host; required.
  std::string hostname;
  /// Registry hostname; empty means "= hostname".
  std::string registry_hostname;
  /// Machine GUID of the streamed host; required.
  std::string machine_guid;
  /// The sender's global update every in seconds; 0 = not given.
  int64_t update_every = 0;
  /// OS short name, e.g. "linux"; empty = not given ("unknown").
  std::string os;
  /// e.g. "Etc/UTC".
  std::string timezone;
  /// e.g. "UTC".
  std::string abbrev_timezone;
  /// Seconds east of UTC.
  int64_t utc_offset = 0;
  /// Distance from the origin host; a direct child sends 1.
  int64_t hops = 1;
  /// Build has ML.
  bool ml_capable = false;
  /// ML enabled for the host.
  bool ml_enabled = false;
  /// Metric-correlations version.
  int64_t mc_version = 0;
  /// Host tags; often empty.
  std::string tags;
  /// Capability bitmask or legacy version; nullopt if `ver` was absent.
  std::optional<int64_t> ver;
  /// Every other parameter (NETDATA_* system info, and any unknown name), in
  /// wire order, values as described above.
  std::vector<name_value> system_info;
  /// HTTP headers after the request line, in order, e.g.
  /// {"User-Agent", "netdata/v1.37.1"}, {"Accept", "*/*"}.
  std::vector<name_value> headers;

  /// Looks up `name` in `system_info`; nullptr if absent.
  const std::string* info(std::string_view name) const;

  /// Looks up header `name` (case-insensitive); nullptr if absent.
  const std::string* header(std::string_view name) const;

  /// User-Agent text before the first `/` (the host's program name).
  std::string program_name() const;

  /// User-Agent text after the first `/` (the host's program version).
  std::string program_version() const;
};

/// The headers a v1.37.1 child sends: User-Agent `<name>/<version>` and
/// `Accept: */*`.
std::vector<name_value>
default_headers(std::string_view program_name = "netdata",
                std::string_view program_version = "v1.37.1");

/// Parses the whole request (`STREAM <query> HTTP/1.1\r\n<headers>\r\n\r\n`)
/// or just its query part. Errors (ec::bad_handshake, ec::truncated) carry
/// the byte offset into `request_bytes`. Missing required parameters are
/// not an error here; see `validate()`.
expected<stream_request> parse_stream_request(std::string_view request_bytes);

/// Renders `req` the way a v1.37.1 child does: the 15 named parameters in
/// spec order (empty ones included, `ver` only if set), then `system_info`,
/// the five encoded names URL-encoded; then the headers and the blank line.
/// For a request parsed from a 1.37.1 child this reproduces its bytes.
std::string build_stream_request(const stream_request& req);

/// Renders just the query part (between `STREAM ` and ` HTTP/1.1`).
std::string build_query(const stream_request& req);

/// The child's version for negotiation (docs/protocol.md "Negotiation", step
/// 2): `ver` if given; else 1 if NETDATA_PROTOCOL_VERSION was given; else 0.
int64_t effective_version(const stream_request& req);

/// The parent's first checks of docs/protocol.md "Parent checks", step 2 (items
/// 1-5): key, hostname and machine_guid present; key and machine_guid valid
/// UUIDs. Returns ec::access_denied with Netdata's log wording, or a default
/// error.
error validate(const stream_request& req);

/// True if `s` is a UUID in RFC 4122 text form (8-4-4-4-12 hex digits, any
/// case), as Netdata's `uuid_parse` accepts API keys and machine GUIDs.
bool is_valid_machine_guid(std::string_view s) noexcept;

// -- parent replies (docs/protocol.md "Parent replies")
// ----------------------------------------------

/// Every reply a parent can send to a STREAM request.
enum class reply_kind {
  /// `Hit me baby, push them over with the version=<n>` (VCAPS or VN).
  ok_version,
  /// `Hit me baby, push them over and bring the host labels...` (V2).
  ok_host_labels,
  /// `Hit me baby, push them over...` (V1 / V0).
  ok_v1,
  /// 401, any permission failure.
  permission_denied,
  /// 409, this GUID is already streaming.
  already_streaming,
  /// The GUID is the parent's own ("localhost" loop).
  localhost,
  /// 503, rate limited (not understood by 1.37.1 children).
  busy,
  /// 403, `allow streaming from` denied (not understood by 1.37.1 children).
  not_allowed,
  /// v1.40+: internal error.
  internal_error,
  /// v1.40+: parent initializing.
  initializing,
  /// v2.10+: GUID is one of the parent's vnodes.
  vnode,
};

/// Returns the name of `x`, e.g. "permission_denied".
std::string_view to_string(reply_kind x) noexcept;

/// A parsed parent reply.
struct parsed_reply {
  /// What the parent said.
  reply_kind kind = reply_kind::ok_v1;
  /// For ok replies, the version to feed into `accept_reply()`: the number
  /// of `ok_version`, 2 for `ok_host_labels`, 1 for `ok_v1`; else 0.
  int64_t version = 0;
};

/// The exact bytes of reply `kind` (no newline, no HTTP header).
/// `version_or_caps` is the number for `ok_version` and ignored otherwise.
std::string build_reply(reply_kind kind, int64_t version_or_caps = 0);

/// The success reply for the negotiated capability set `caps`.
std::string build_ok_reply(uint32_t caps);

/// Recognises a reply the way a v1.37.1 child matches it: the version prompt
/// by prefix, longer than the prompt and shorter than prompt + 30 bytes,
/// with a decimal number; every other reply by its exact bytes. Anything
/// else -> ec::bad_handshake ("not understood, is it Netdata?").
expected<parsed_reply> parse_reply(std::string_view bytes);

/// True if a v1.37.1 child recognises `kind` (docs/protocol.md "Parent
/// replies").
bool known_to_v1_37(reply_kind kind) noexcept;

/// Seconds a v1.37.1 child postpones the destination after `kind` (spec
/// §1.4); 0 for the ok replies; 60 for replies it does not understand.
int postpone_seconds(reply_kind kind) noexcept;

} // namespace tributary::protocol
