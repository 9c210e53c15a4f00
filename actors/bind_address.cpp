#include "actors/bind_address.hpp"

#include <cctype>

namespace tributary {

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
  std::string_view port;
  if (!e.empty() && e.front() == '[') {
    auto close = e.find(']');
    if (close == std::string_view::npos)
      return error{ec::config_bad_value, "missing ']' in '" + std::string{e} + "'"};
    out.host = std::string{e.substr(1, close - 1)};
    auto rest = e.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return error{ec::config_bad_value, "junk after ']' in '" + std::string{e} + "'"};
      port = rest.substr(1);
    }
  } else {
    auto colon = e.rfind(':');
    if (colon != std::string_view::npos && e.find(':') == colon) {
      out.host = std::string{e.substr(0, colon)};
      port = e.substr(colon + 1);
    } else {
      out.host = std::string{e};
    }
  }
  if (out.host == "*")
    out.host.clear();
  if (!port.empty()) {
    uint32_t p = 0;
    for (auto c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || (p = p * 10 + (c - '0')) > 65535)
        return error{ec::config_bad_value,
                     "bad port '" + std::string{port} + "' in '" + std::string{e} + "'"};
    }
    out.port = static_cast<uint16_t>(p);
  }
  return out;
}

} // namespace

expected<std::vector<bind_address>> parse_bind_to(std::string_view text,
                                                  uint16_t default_port) {
  std::vector<bind_address> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ','))
      ++i;
    auto start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != ',')
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

} // namespace tributary
