#include "config/bind_to.hpp"

#include "config/host_port.hpp"

#include <cctype>

namespace tributary::config {

namespace {

expected<bind_address> parse_entry(std::string_view e, uint16_t default_port) {
  bind_address out;
  out.port = default_port;
  if (auto caret = e.find('^'); caret != std::string_view::npos) {
    auto ssl = e.substr(caret + 1);
    if (ssl.rfind("SSL=", 0) == 0)
      out.ssl = std::string{ssl.substr(4)};
    e = e.substr(0, caret);
  }
  if (auto eq = e.find('='); eq != std::string_view::npos)
    e = e.substr(0, eq); // ACLs: dashboard|registry|streaming|... all served
  if (e.rfind("unix:", 0) == 0) {
    out.unix_path = std::string{e.substr(5)};
    if (out.unix_path.empty())
      return error{ec::config_bad_value, "empty unix socket path"};
    return out;
  }
  auto split = split_host_port(e);
  if (!split)
    return error{ec::config_bad_value,
                 split.err().message + " in '" + std::string{e} + "'"};
  out.host = std::move(split->host);
  if (!split->interface.empty())
    out.host += "%" + split->interface;
  if (out.host == "*")
    out.host.clear();
  if (!split->port.empty()) {
    auto port = parse_port_number(split->port);
    if (!port)
      return error{ec::config_bad_value,
                   port.err().message + " in '" + std::string{e} + "'"};
    out.port = *port;
  }
  return out;
}

} // namespace

expected<std::vector<bind_address>> parse_bind_to(std::string_view text,
                                                  uint16_t default_port) {
  std::vector<bind_address> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size()
           && (std::isspace(static_cast<unsigned char>(text[i]))
               || text[i] == ','))
      ++i;
    auto start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))
           && text[i] != ',')
      ++i;
    if (i == start)
      break;
    auto entry = parse_entry(text.substr(start, i - start), default_port);
    if (!entry)
      return entry.err();
    out.push_back(std::move(*entry));
  }
  if (out.empty())
    return error{ec::config_bad_value, "[web] bind to is empty"};
  return out;
}

} // namespace tributary::config
