#pragma once

#include "base/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// One entry of netdata.conf `[web] bind to`.
struct bind_address {
  /// An IP literal or host name; empty = all interfaces (`*`).
  std::string host;
  uint16_t port = 0;
  /// `unix:/path` entries.
  std::string unix_path;
  /// The `^SSL=optional|force` suffix, if any.
  std::string ssl;
  /// A socket already listening on this address (the daemon binds before
  /// it drops privileges); -1: the listener binds itself.
  int fd = -1;
};

/// Parses Netdata's `bind to` list: entries separated by spaces or commas,
/// each `[unix:]HOST[:PORT][=ACLS][^SSL=MODE]` with IPv6 in brackets and
/// `*` for every interface. A missing port is `default_port`.
expected<std::vector<bind_address>> parse_bind_to(std::string_view text,
                                                  uint16_t default_port);

} // namespace tributary::config
