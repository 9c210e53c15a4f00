#include "config/host_port.hpp"
#include "loadgen/generator.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace tributary::cli::loadgen_detail {

bool parse_loopback_destination(const std::string& dest, endpoint& ep,
                                std::string& why) {
  auto split = tributary::config::split_host_port(dest);
  if (!split) {
    why = split.err().message;
    return false;
  }
  if (split->port.empty()) {
    why = "expected HOST:PORT or [IPV6]:PORT";
    return false;
  }
  auto p = tributary::config::parse_port_number(split->port);
  if (!p) {
    why = p.err().message;
    return false;
  }
  if (!split->interface.empty()) {
    why = "loopback addresses take no %interface";
    return false;
  }
  auto host = split->host;
  if (host == "localhost")
    host = "127.0.0.1";
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
    if ((ntohl(a4.s_addr) >> 24) != 127) {
      why = "'" + host + "' is not a loopback address (127.0.0.0/8, ::1)";
      return false;
    }
    auto* sa = reinterpret_cast<sockaddr_in*>(&ep.addr);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(*p);
    sa->sin_addr = a4;
    ep.len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&a6)) {
      why = "'" + host + "' is not a loopback address (127.0.0.0/8, ::1)";
      return false;
    }
    auto* sa = reinterpret_cast<sockaddr_in6*>(&ep.addr);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(*p);
    sa->sin6_addr = a6;
    ep.len = sizeof(sockaddr_in6);
  } else {
    why = "'" + host + "' is not a loopback address literal (no DNS lookups)";
    return false;
  }
  ep.text = dest;
  return true;
}

} // namespace tributary::cli::loadgen_detail
