#pragma once

#include "base/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::config {

/// A network address as Netdata writes one in `[stream] destination`,
/// `[web] bind to` and on command lines, split into its parts.
struct host_port {
  /// Host name or IP literal; an IPv6 literal without its brackets.
  std::string host;
  /// `%IFACE`: the network interface (IPv6 scope); empty if none.
  std::string interface;
  /// As written: a number or a service name; empty if none.
  std::string port;
  /// The host was written in brackets (`[::1]`).
  bool bracketed = false;
};

/// The one HOST:PORT splitter. Accepts `HOST`, `HOST:PORT`, `[IPV6]:PORT`,
/// `HOST%IFACE:PORT` and `[IPV6]%IFACE:PORT`; text with two or more ':'
/// and no brackets is a bare IPv6 literal without a port. Errors say what is
/// wrong; the caller names where the text came from.
expected<host_port> split_host_port(std::string_view text);

/// A port number 1..65535, decimal digits only.
expected<uint16_t> parse_port_number(std::string_view text);

/// Letters, digits, '-' and '_': what a port number or a service name
/// (/etc/services) may be made of.
bool is_port_or_service(std::string_view text);

} // namespace tributary::config
