#pragma once

#include "base/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// One entry of `[stream] destination` (or `proxy destination`).
struct destination {
  enum class kind { tcp, unix_socket };
  kind protocol = kind::tcp;
  /// Host name or IP literal (IPv6 without brackets); the path for unix.
  std::string host;
  /// `%iface`: the network interface to bind to (IPv6 scope), or empty.
  std::string interface;
  /// Port number or service name; empty = `[stream] default port`.
  std::string port;
  /// `:SSL` was given.
  bool ssl = false;

  /// As Netdata prints a destination in its logs, e.g. "127.0.0.1:19999".
  std::string to_string() const;
};

/// Parses Netdata's destination list: entries separated by spaces or commas,
/// each `[PROTOCOL:]HOST[%INTERFACE][:PORT][:SSL]` with PROTOCOL `tcp` (the
/// default) or `unix` (a leading `/` also means unix), IPv6 literals in
/// brackets and PORT a number or a service name. `udp:` is rejected: Netdata
/// never streams over UDP. Errors name the entry.
expected<std::vector<destination>> parse_destinations(std::string_view text);

/// Splits `parallel destinations` into its groups (separated by `|`), each a
/// destination list for parse_destinations; blank groups are dropped.
std::vector<std::string> split_destination_groups(std::string_view text);

} // namespace tributary::config
