#include "base/error.hpp"

namespace tributary {

std::string_view to_string(ec x) noexcept {
  switch (x) {
  case ec::none:
    return "none";
  case ec::truncated:
    return "truncated";
  case ec::malformed:
    return "malformed";
  case ec::line_too_long:
    return "line_too_long";
  case ec::unknown_command:
    return "unknown_command";
  case ec::bad_parameters:
    return "bad_parameters";
  case ec::unknown_reference:
    return "unknown_reference";
  case ec::compression_error:
    return "compression_error";
  case ec::bad_handshake:
    return "bad_handshake";
  case ec::access_denied:
    return "access_denied";
  case ec::config_syntax:
    return "config_syntax";
  case ec::config_unknown_key:
    return "config_unknown_key";
  case ec::config_bad_value:
    return "config_bad_value";
  case ec::bad_pattern:
    return "bad_pattern";
  case ec::io_error:
    return "io_error";
  case ec::corruption:
    return "corruption";
  case ec::not_found:
    return "not_found";
  case ec::buffer_overflow:
    return "buffer_overflow";
  case ec::timeout:
    return "timeout";
  case ec::internal:
    return "internal";
  case ec::tls_error:
    return "tls_error";
  case ec::ec_count:
    return "ec_count";
  }
  return "unknown";
}

std::string to_string(const error& x) {
  std::string out{to_string(x.code)};
  if (!x.message.empty()) {
    out += ": ";
    out += x.message;
  }
  if (x.position != error::npos) {
    out += " (at ";
    out += std::to_string(x.position);
    out += ')';
  }
  return out;
}

} // namespace tributary
