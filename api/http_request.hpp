#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace tributary {

/// One parsed HTTP request (what the API needs of it).
struct http_request {
  std::string method;
  /// The request target as sent (path and query, not decoded).
  std::string url;
  /// The path without the query, percent-decoded.
  std::string path;
  /// Query parameters, decoded (`+` is a space); the last one of a name wins.
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;
  /// Who asked (the connection fills it): an address, or "localhost" for
  /// loopback and unix sockets, as Netdata names a client.
  std::string client;
  /// HTTP/1.1 or later: the client reads a chunked body.
  bool http_1_1 = true;
};

/// Incremental HTTP/1.x request reader on top of http_parser. Feed it bytes
/// as they arrive; it stops after the first complete request.
class http_request_reader {
public:
  enum class state { incomplete, complete, failed };

  http_request_reader();
  ~http_request_reader();
  http_request_reader(const http_request_reader&) = delete;
  http_request_reader& operator=(const http_request_reader&) = delete;

  /// Consumes bytes; returns how many were used (the rest belongs to what
  /// follows the request).
  size_t feed(std::string_view bytes);

  state status() const {
    return state_;
  }

  /// Why parsing failed (http_parser's description).
  const std::string& failure() const {
    return failure_;
  }

  /// REQUIRES: status() == state::complete.
  const http_request& request() const {
    return request_;
  }

private:
  struct impl;
  friend struct impl;
  std::unique_ptr<impl> impl_;
  http_request request_;
  std::string url_;
  std::string field_;
  std::string value_;
  bool in_value_ = false;
  state state_ = state::incomplete;
  std::string failure_;
};

/// Decodes `%XX` escapes and `+` (as a space) of a URL component with
/// protocol::url_decode; text it rejects is returned unchanged.
std::string url_decode_component(std::string_view text);

/// Splits "a=1&b=2" into decoded pairs.
std::map<std::string, std::string> parse_query_string(std::string_view text);

} // namespace tributary
