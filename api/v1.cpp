#include "api/v1.hpp"

#include "api/text_fix.hpp"

#include <cstdio>
#include <ctime>

namespace tributary::api {

route parse_route(std::string_view path) {
  route r;
  // Netdata's dashboard asks for `//api/v1/info` (and `/host/<h>//api/...`):
  // one slash counts.
  while (path.size() > 1 && path[0] == '/' && path[1] == '/')
    path.remove_prefix(1);
  // Probes for orchestrators (Kubernetes, Docker HEALTHCHECK): tributary's own.
  if (path == "/alive" || path == "/ready") {
    r.endpoint = std::string{path.substr(1)};
    return r;
  }
  // The web console: its page and assets, and `/` sent to it.
  if (path == "/" || path == "/console" || path.rfind("/console/", 0) == 0) {
    r.endpoint = path == "/" ? "root" : "console-page";
    return r;
  }
  if (path.rfind("/host/", 0) == 0) {
    path.remove_prefix(6);
    auto slash = path.find('/');
    if (slash == std::string_view::npos)
      return r;
    r.host = std::string{path.substr(0, slash)};
    path.remove_prefix(slash);
    while (path.size() > 1 && path[0] == '/' && path[1] == '/')
      path.remove_prefix(1);
  }
  constexpr std::string_view prefix = "/api/v1/";
  if (path.rfind("/api/", 0) != 0) {
    r.endpoint = "static";
    r.file_path = std::string{path};
    return r;
  }
  if (path.rfind(prefix, 0) != 0)
    return r;
  path.remove_prefix(prefix.size());
  if (path == "info" || path == "charts" || path == "chart" || path == "data"
      || path == "allmetrics" || path == "actors" || path == "alarms"
      || path == "alarm_log" || path == "alarm_count" || path == "alarms_values"
      || path == "console/actors" || path == "console/streams"
      || path == "console/series" || path == "registry")
    r.endpoint = std::string{path};
  else {
    r.endpoint = "unsupported";
    r.file_path = std::string{path};
  }
  return r;
}

namespace {

const char* reason_phrase(int code) {
  switch (code) {
  case 200:
    return "OK";
  case 302:
    return "Found";
  case 400:
    return "Bad Request";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 413:
    return "Payload Too Large";
  case 500:
    return "Internal Server Error";
  case 503:
    return "Service Unavailable";
  default:
    return "Unknown";
  }
}

} // namespace

std::string http_response(int code, std::string_view content_type,
                          std::string_view body) {
  std::string out
      = "HTTP/1.1 " + std::to_string(code) + " " + reason_phrase(code) + "\r\n";
  out += "Content-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size());
  out += "\r\nAccess-Control-Allow-Origin: *\r\nCache-Control: no-cache"
         "\r\nConnection: close\r\nServer: tributary\r\n\r\n";
  out += body;
  return out;
}

std::string redirect(std::string_view location) {
  std::string body = "<!DOCTYPE html><html><body><a href=\"";
  body += location;
  body += "\">";
  body += location;
  body += "</a></body></html>\r\n";
  std::string out = "HTTP/1.1 302 Found\r\nLocation: ";
  out += location;
  out += "\r\nContent-Type: text/html\r\nContent-Length: "
         + std::to_string(body.size())
         + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
  return out + body;
}

std::string http_stream_head(int code, std::string_view content_type,
                             bool chunked) {
  std::string out
      = "HTTP/1.1 " + std::to_string(code) + " " + reason_phrase(code) + "\r\n";
  out += "Content-Type: ";
  out += content_type;
  if (chunked)
    out += "\r\nTransfer-Encoding: chunked";
  out += "\r\nAccess-Control-Allow-Origin: *\r\nCache-Control: no-cache"
         "\r\nConnection: close\r\nServer: tributary\r\n\r\n";
  return out;
}

void append_body_part(std::string& out, std::string_view part, bool chunked) {
  if (part.empty())
    return;
  if (!chunked) {
    out += part;
    return;
  }
  char size[24];
  auto n = std::snprintf(size, sizeof(size), "%zx\r\n", part.size());
  out.append(size, static_cast<size_t>(n));
  out += part;
  out += "\r\n";
}

std::string_view body_end(bool chunked) {
  return chunked ? std::string_view{"0\r\n\r\n"} : std::string_view{};
}

std::string https_redirect(std::string_view host, std::string_view url) {
  std::string location = "https://";
  location += host;
  location += url;
  std::string body = "<!DOCTYPE html><html><body>This server accepts only "
                     "encrypted connections: <a href=\""
                     + location + "\">" + location + "</a></body></html>\r\n";
  std::string out = "HTTP/1.1 301 Moved Permanently\r\nLocation: " + location
                    + "\r\nContent-Type: text/html\r\nContent-Length: "
                    + std::to_string(body.size()) + "\r\nConnection: close"
                    + "\r\n\r\n";
  return out + body;
}

std::string render_health_disabled(const std::string& hostname,
                                   const std::string& endpoint) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("hostname", hostname);
  if (endpoint == "alarms") {
    w.member("latest_alarm_log_unique_id", 0);
    w.member("status", false);
    w.member("now", static_cast<int64_t>(std::time(nullptr)));
  }
  w.key("alarms").begin_object().end_object();
  w.end_object();
  return out;
}

std::string bad_request(std::string_view reason) {
  return "Bad request: " + fix_utf8(reason) + "\n";
}

} // namespace tributary::api
