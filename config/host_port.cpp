#include "config/host_port.hpp"

#include <cctype>

namespace tributary::config {

namespace {

error bad(std::string why) {
  return error{ec::config_bad_value, std::move(why)};
}

} // namespace

expected<host_port> split_host_port(std::string_view text) {
  host_port out;
  auto rest = text;
  bool bare_ipv6 = false;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      return bad("missing ']' after an IPv6 address");
    out.host = std::string{rest.substr(1, close - 1)};
    out.bracketed = true;
    rest.remove_prefix(close + 1);
  } else if (auto first = rest.find(':');
             first != std::string_view::npos
             && rest.find(':', first + 1) != std::string_view::npos) {
    bare_ipv6 = true;
    auto percent = rest.find('%');
    out.host = std::string{rest.substr(0, percent)};
    rest.remove_prefix(percent == std::string_view::npos ? rest.size()
                                                         : percent);
  } else {
    auto stop = rest.find_first_of("%:");
    out.host = std::string{rest.substr(0, stop)};
    rest.remove_prefix(stop == std::string_view::npos ? rest.size() : stop);
  }
  if (!rest.empty() && rest.front() == '%') {
    rest.remove_prefix(1);
    auto stop = bare_ipv6 ? std::string_view::npos : rest.find(':');
    out.interface = std::string{rest.substr(0, stop)};
    rest.remove_prefix(stop == std::string_view::npos ? rest.size() : stop);
    if (out.interface.empty())
      return bad("empty interface after '%'");
  }
  if (!rest.empty()) {
    if (rest.front() != ':')
      return bad("unexpected '" + std::string{rest} + "' after the host");
    rest.remove_prefix(1);
    if (rest.empty())
      return bad("empty port after ':'");
    out.port = std::string{rest};
  }
  return out;
}

expected<uint16_t> parse_port_number(std::string_view text) {
  uint32_t port = 0;
  for (auto c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return bad("bad port '" + std::string{text} + "': not a number");
    port = port * 10 + static_cast<uint32_t>(c - '0');
    if (port > 65535)
      return bad("bad port '" + std::string{text} + "': above 65535");
  }
  if (text.empty())
    return bad("missing port");
  if (port == 0)
    return bad("bad port '0': ports are 1..65535");
  return static_cast<uint16_t>(port);
}

bool is_port_or_service(std::string_view text) {
  if (text.empty())
    return false;
  for (auto c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return false;
  return true;
}

} // namespace tributary::config
