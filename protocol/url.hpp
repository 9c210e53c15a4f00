#pragma once

#include "base/error.hpp"

#include <string>
#include <string_view>

namespace tributary::protocol {

/// Encodes like a v1.37.1 child: keeps `[A-Za-z0-9-_.~]`, turns space into
/// `+` and writes every other byte as `%xx` with lowercase hex.
std::string url_encode(std::string_view in);

/// Decodes like a Netdata parent: `+` becomes space, `%xx` becomes the byte.
/// Fails (ec::bad_handshake, position = offset of the `%`) on an escape that
/// decodes to a non-printable byte (< 0x20 or 0x7F) or a malformed escape,
/// and (position = offset in the output) on invalid UTF-8 in the result.
expected<std::string> url_decode(std::string_view in);

} // namespace tributary::protocol
