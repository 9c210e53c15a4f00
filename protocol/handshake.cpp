#include "protocol/handshake.hpp"

#include "base/decimal.hpp"
#include "protocol/url.hpp"

#include <algorithm>
#include <cctype>

namespace tributary::protocol {

namespace {

constexpr std::string_view stream_method = "STREAM ";
constexpr std::string_view http_marker = " HTTP/";

// Netdata's web server limits (docs/protocol.md "The STREAM request").
constexpr size_t max_request_size = 16384;
constexpr size_t max_url_size = 8192;

// The values a v1.37.1 child URL-encodes; all others go out raw.
constexpr std::string_view encoded_names[] = {
    "NETDATA_SYSTEM_OS_NAME",        "NETDATA_SYSTEM_OS_ID",
    "NETDATA_SYSTEM_OS_VERSION",     "NETDATA_SYSTEM_KERNEL_NAME",
    "NETDATA_SYSTEM_KERNEL_VERSION",
};

bool is_encoded_name(std::string_view name) {
  return std::find(std::begin(encoded_names), std::end(encoded_names), name)
         != std::end(encoded_names);
}

// A raw name or value goes out as a 1.37.1 child sends it (spaces too),
// but with what the parser's whole-query decode would change escaped ('+',
// '%'), and its spaces as '+' if it holds the " HTTP/" that ends the URL.
// Control bytes stay raw: an escaped one is refused on decoding.
std::string escape_raw(std::string_view text) {
  bool marker = text.find(http_marker) != std::string_view::npos;
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ' ' && marker)
      out += '+';
    else if (c == '+')
      out += "%2B";
    else if (c == '%')
      out += "%25";
    else
      out += c;
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    if (std::tolower(x) != std::tolower(y))
      return false;
  }
  return true;
}

// Parses "Name: value" header lines between `begin` and the blank line.
error parse_headers(std::string_view text, size_t base,
                    std::vector<name_value>& out) {
  size_t pos = 0;
  for (;;) {
    auto eol = text.find('\n', pos);
    if (eol == std::string_view::npos)
      return error{ec::truncated, "request ends before the blank line",
                   base + text.size()};
    auto line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      return {};
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return error{ec::bad_handshake, "malformed header line", base + pos};
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    out.emplace_back(std::string{line.substr(0, colon)}, std::string{value});
    pos = eol + 1;
  }
}

error assign(stream_request& req, std::string_view name, std::string value,
             size_t value_pos) {
  auto set_int = [&](int64_t& field) -> error {
    if (value.empty())
      return {};
    if (!parse_decimal(value, field))
      return error{ec::bad_handshake,
                   "parameter " + std::string{name} + " is not an integer",
                   value_pos};
    return {};
  };
  auto set_bool = [&](bool& field) -> error {
    int64_t x = field ? 1 : 0;
    if (auto err = set_int(x))
      return err;
    field = x != 0;
    return {};
  };
  if (name == "key")
    req.key = std::move(value);
  else if (name == "hostname")
    req.hostname = std::move(value);
  else if (name == "registry_hostname")
    req.registry_hostname = std::move(value);
  else if (name == "machine_guid")
    req.machine_guid = std::move(value);
  else if (name == "update_every")
    return set_int(req.update_every);
  else if (name == "os")
    req.os = std::move(value);
  else if (name == "timezone")
    req.timezone = std::move(value);
  else if (name == "abbrev_timezone")
    req.abbrev_timezone = std::move(value);
  else if (name == "utc_offset")
    return set_int(req.utc_offset);
  else if (name == "hops")
    return set_int(req.hops);
  else if (name == "ml_capable")
    return set_bool(req.ml_capable);
  else if (name == "ml_enabled")
    return set_bool(req.ml_enabled);
  else if (name == "mc_version")
    return set_int(req.mc_version);
  else if (name == "tags")
    req.tags = std::move(value);
  else if (name == "ver") {
    if (value.empty())
      return {};
    int64_t v = 0;
    if (auto err = set_int(v))
      return err;
    req.ver = v;
  } else
    req.system_info.emplace_back(std::string{name}, std::move(value));
  return {};
}

error parse_query(std::string_view raw_query, size_t base,
                  stream_request& req) {
  // Netdata decodes the whole request before splitting it (a `%26` in a
  // value splits it), and rejects it if that would produce control
  // characters or invalid UTF-8. Positions below are in the decoded text.
  auto decoded = url_decode(raw_query);
  if (!decoded) {
    auto err = decoded.err();
    if (err.position != error::npos)
      err.position += base;
    return err;
  }
  if (decoded->size() > max_url_size)
    return error{ec::bad_handshake, "URL longer than 8192 bytes", base};
  std::string_view query = *decoded;
  size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    if (amp == std::string_view::npos)
      amp = query.size();
    auto pair = query.substr(pos, amp - pos);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto name = pair.substr(0, eq);
      std::string_view value = eq == std::string_view::npos
                                   ? std::string_view{}
                                   : pair.substr(eq + 1);
      size_t value_pos
          = base + pos + (eq == std::string_view::npos ? pair.size() : eq + 1);
      if (auto err = assign(req, name, std::string{value}, value_pos))
        return err;
    }
    pos = amp + 1;
  }
  return {};
}

} // namespace

const std::string* stream_request::info(std::string_view name) const {
  for (auto& [k, v] : system_info)
    if (k == name)
      return &v;
  return nullptr;
}

const std::string* stream_request::header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (iequals(k, name))
      return &v;
  return nullptr;
}

std::string stream_request::program_name() const {
  auto ua = header("User-Agent");
  if (ua == nullptr)
    return {};
  return ua->substr(0, ua->find('/'));
}

std::string stream_request::program_version() const {
  auto ua = header("User-Agent");
  if (ua == nullptr)
    return {};
  auto slash = ua->find('/');
  return slash == std::string::npos ? std::string{} : ua->substr(slash + 1);
}

std::vector<name_value> default_headers(std::string_view program_name,
                                        std::string_view program_version) {
  std::string ua{program_name};
  ua += '/';
  ua += program_version;
  return {{"User-Agent", std::move(ua)}, {"Accept", "*/*"}};
}

expected<stream_request> parse_stream_request(std::string_view bytes) {
  if (bytes.size() > max_request_size)
    return error{ec::bad_handshake, "Received request is too big",
                 max_request_size};
  stream_request req;
  size_t qbegin = 0;
  bool full = bytes.substr(0, stream_method.size()) == stream_method;
  if (full)
    qbegin = stream_method.size();
  auto marker = bytes.find(http_marker, qbegin);
  size_t qend = marker;
  if (marker == std::string_view::npos) {
    if (full)
      return error{ec::truncated, "request line has no HTTP version",
                   bytes.size()};
    // Just the query; tolerate a trailing line end.
    qend = bytes.size();
    while (qend > 0 && (bytes[qend - 1] == '\n' || bytes[qend - 1] == '\r'))
      --qend;
  }
  if (auto err = parse_query(bytes.substr(qbegin, qend - qbegin), qbegin, req))
    return err;
  if (marker != std::string_view::npos) {
    auto eol = bytes.find('\n', marker);
    if (eol == std::string_view::npos) {
      if (full)
        return error{ec::truncated, "request line has no line end",
                     bytes.size()};
      return req;
    }
    if (auto err = parse_headers(bytes.substr(eol + 1), eol + 1, req.headers))
      return err;
  }
  return req;
}

std::string build_query(const stream_request& req) {
  std::string out;
  out.reserve(1500);
  auto add = [&](std::string_view name, std::string_view value) {
    if (!out.empty())
      out += '&';
    out += escape_raw(name);
    out += '=';
    out += is_encoded_name(name) ? url_encode(value) : escape_raw(value);
  };
  auto num = [](int64_t x) { return std::to_string(x); };
  add("key", req.key);
  add("hostname", req.hostname);
  add("registry_hostname", req.registry_hostname);
  add("machine_guid", req.machine_guid);
  add("update_every", num(req.update_every));
  add("os", req.os);
  add("timezone", req.timezone);
  add("abbrev_timezone", req.abbrev_timezone);
  add("utc_offset", num(req.utc_offset));
  add("hops", num(req.hops));
  add("ml_capable", req.ml_capable ? "1" : "0");
  add("ml_enabled", req.ml_enabled ? "1" : "0");
  add("mc_version", num(req.mc_version));
  add("tags", req.tags);
  if (req.ver)
    add("ver", num(*req.ver));
  for (auto& [name, value] : req.system_info)
    add(name, value);
  return out;
}

std::string build_stream_request(const stream_request& req) {
  std::string out{stream_method};
  out += build_query(req);
  out += " HTTP/1.1\r\n";
  for (auto& [name, value] : req.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

int64_t effective_version(const stream_request& req) {
  if (req.ver)
    return *req.ver;
  auto proto = req.info("NETDATA_PROTOCOL_VERSION");
  return proto != nullptr && !proto->empty() ? 1 : 0;
}

error validate(const stream_request& req) {
  if (req.key.empty())
    return error{ec::access_denied,
                 "request without an API key. Forbidding access."};
  if (req.hostname.empty())
    return error{ec::access_denied,
                 "request without a hostname. Forbidding access."};
  if (req.machine_guid.empty())
    return error{ec::access_denied,
                 "request without a machine GUID. Forbidding access."};
  if (!is_valid_machine_guid(req.key))
    return error{ec::access_denied,
                 "API key '" + req.key
                     + "' is not valid GUID (use the command uuidgen to "
                       "generate one). Forbidding access."};
  if (!is_valid_machine_guid(req.machine_guid))
    return error{ec::access_denied, "machine GUID '" + req.machine_guid
                                        + "' is not GUID. Forbidding access."};
  return {};
}

bool is_valid_machine_guid(std::string_view s) noexcept {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                 || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

} // namespace tributary::protocol
