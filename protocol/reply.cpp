// Parent replies to a STREAM request (docs/protocol.md "Parent replies"): raw
// text, no newline, no HTTP headers.

#include "protocol/capabilities.hpp"
#include "protocol/handshake.hpp"

#include <charconv>

namespace tributary::protocol {

namespace {

constexpr std::string_view prompt_version
    = "Hit me baby, push them over with the version=";

// The exact texts of every fixed reply, indexed by reply_kind.
constexpr std::string_view fixed_texts[] = {
    /* ok_version */ "",
    /* ok_host_labels */
    "Hit me baby, push them over and bring the host labels...",
    /* ok_v1 */ "Hit me baby, push them over...",
    /* permission_denied */
    "You are not permitted to access this. Check the logs for more info.",
    /* already_streaming */ "This GUID is already streaming to this server",
    /* localhost */
    "Don't hit me baby, you are trying to stream my localhost back",
    /* busy */ "The server is too busy now to accept this request. Try later.",
    /* not_allowed */ "You are not allowed to access this resource.",
    /* internal_error */ "The server encountered an internal error. Try later.",
    /* initializing */ "The server is initializing. Try later.",
    /* vnode */ "Don't hit me baby, you are trying to stream my vnode back",
};

constexpr size_t reply_kinds = sizeof(fixed_texts) / sizeof(fixed_texts[0]);

} // namespace

std::string_view to_string(reply_kind x) noexcept {
  switch (x) {
  case reply_kind::ok_version:
    return "ok_version";
  case reply_kind::ok_host_labels:
    return "ok_host_labels";
  case reply_kind::ok_v1:
    return "ok_v1";
  case reply_kind::permission_denied:
    return "permission_denied";
  case reply_kind::already_streaming:
    return "already_streaming";
  case reply_kind::localhost:
    return "localhost";
  case reply_kind::busy:
    return "busy";
  case reply_kind::not_allowed:
    return "not_allowed";
  case reply_kind::internal_error:
    return "internal_error";
  case reply_kind::initializing:
    return "initializing";
  case reply_kind::vnode:
    return "vnode";
  }
  return "unknown";
}

std::string build_reply(reply_kind kind, int64_t version_or_caps) {
  if (kind == reply_kind::ok_version) {
    std::string out{prompt_version};
    out += std::to_string(version_or_caps);
    return out;
  }
  return std::string{fixed_texts[static_cast<size_t>(kind)]};
}

std::string build_ok_reply(uint32_t caps) {
  if (caps & (cap_vcaps | cap_vn))
    return build_reply(reply_kind::ok_version, capabilities_to_version(caps));
  if (caps & cap_v2)
    return build_reply(reply_kind::ok_host_labels);
  return build_reply(reply_kind::ok_v1);
}

expected<parsed_reply> parse_reply(std::string_view bytes) {
  // The version prompt is matched by prefix and a length window, exactly as
  // a v1.37.1 child does; it must be the only thing in the read.
  if (bytes.size() > prompt_version.size()
      && bytes.size() < prompt_version.size() + 30
      && bytes.substr(0, prompt_version.size()) == prompt_version) {
    auto digits = bytes.substr(prompt_version.size());
    int64_t version = 0;
    auto [ptr, ec] = std::from_chars(digits.data(),
                                     digits.data() + digits.size(), version);
    if (ec != std::errc{} || version < 0)
      return error{ec::bad_handshake, "version prompt without a number",
                   prompt_version.size()};
    // Like Netdata's strtol, trailing bytes after the number are ignored.
    (void)ptr;
    return parsed_reply{reply_kind::ok_version, version};
  }
  for (size_t i = 1; i < reply_kinds; ++i) {
    if (bytes == fixed_texts[i]) {
      auto kind = static_cast<reply_kind>(i);
      int64_t version = kind == reply_kind::ok_host_labels ? 2
                        : kind == reply_kind::ok_v1        ? 1
                                                           : 0;
      return parsed_reply{kind, version};
    }
  }
  return error{ec::bad_handshake,
               "remote node response is not understood, is it Netdata?", 0};
}

bool known_to_v1_37(reply_kind kind) noexcept {
  switch (kind) {
  case reply_kind::ok_version:
  case reply_kind::ok_host_labels:
  case reply_kind::ok_v1:
  case reply_kind::permission_denied:
  case reply_kind::already_streaming:
  case reply_kind::localhost:
    return true;
  default:
    return false;
  }
}

int postpone_seconds(reply_kind kind) noexcept {
  switch (kind) {
  case reply_kind::ok_version:
  case reply_kind::ok_host_labels:
  case reply_kind::ok_v1:
    return 0;
  case reply_kind::already_streaming:
    return 120;
  case reply_kind::localhost:
    return 3600;
  default:
    // Denied, and everything a 1.37.1 child does not understand.
    return 60;
  }
}

} // namespace tributary::protocol
