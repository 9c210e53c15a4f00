#include "config/destination.hpp"

#include "config/host_port.hpp"

#include <cctype>

namespace tributary::config {

std::string destination::to_string() const {
  if (protocol == kind::unix_socket)
    return "unix:" + host;
  std::string out
      = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!interface.empty())
    out += "%" + interface;
  if (!port.empty())
    out += ":" + port;
  if (ssl)
    out += ":SSL";
  return out;
}

namespace {

error bad(std::string_view entry, const std::string& why) {
  return error{ec::config_bad_value,
               "destination '" + std::string{entry} + "': " + why};
}

expected<destination> parse_one(std::string_view entry) {
  destination d;
  auto e = entry;
  if (e.rfind("tcp:", 0) == 0) {
    e.remove_prefix(4);
  } else if (e.rfind("unix:", 0) == 0) {
    d.protocol = destination::kind::unix_socket;
    e.remove_prefix(5);
  } else if (e.rfind("udp:", 0) == 0) {
    return bad(entry, "streaming runs over tcp or unix sockets, not udp");
  } else if (!e.empty() && e.front() == '/') {
    d.protocol = destination::kind::unix_socket;
  }
  if (d.protocol == destination::kind::unix_socket) {
    if (e.size() >= 4 && e.substr(e.size() - 4) == ":SSL")
      return bad(entry, "TLS over a unix socket is not supported");
    if (e.empty())
      return bad(entry, "empty unix socket path");
    d.host = std::string{e};
    return d;
  }
  if (e.size() >= 4 && e.substr(e.size() - 4) == ":SSL") {
    d.ssl = true;
    e.remove_suffix(4);
  }
  auto split = split_host_port(e);
  if (!split)
    return bad(entry, split.err().message);
  if (!split->bracketed && split->host.find(':') != std::string::npos)
    return bad(entry, "an IPv6 address goes in brackets: [ADDRESS]:PORT");
  if (!split->port.empty() && !is_port_or_service(split->port))
    return bad(entry, "bad port or service name '" + split->port + "'");
  d.host = std::move(split->host);
  d.interface = std::move(split->interface);
  d.port = std::move(split->port);
  if (d.host.empty())
    return bad(entry, "missing host");
  for (auto c : d.host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-'
        && c != '_' && c != ':')
      return bad(entry, "bad character '" + std::string(1, c) + "' in host");
  return d;
}

} // namespace

expected<std::vector<destination>> parse_destinations(std::string_view text) {
  std::vector<destination> out;
  size_t i = 0;
  auto sep = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == ',';
  };
  while (i < text.size()) {
    while (i < text.size() && sep(text[i]))
      ++i;
    auto start = i;
    while (i < text.size() && !sep(text[i]))
      ++i;
    if (i == start)
      break;
    auto d = parse_one(text.substr(start, i - start));
    if (!d)
      return d.err();
    out.push_back(std::move(*d));
  }
  return out;
}

std::vector<std::string> split_destination_groups(std::string_view text) {
  std::vector<std::string> groups;
  while (!text.empty()) {
    auto bar = text.find('|');
    auto group = text.substr(0, bar);
    if (group.find_first_not_of(" \t,") != std::string_view::npos)
      groups.emplace_back(group);
    if (bar == std::string_view::npos)
      break;
    text.remove_prefix(bar + 1);
  }
  return groups;
}

} // namespace tributary::config
