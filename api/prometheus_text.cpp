#include "api/prometheus_text.hpp"

#include "api/text_fix.hpp"

namespace tributary::api {

std::string prometheus_name(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 1);
  if (!text.empty() && text[0] >= '0' && text[0] <= '9')
    out += '_';
  for (auto c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

void append_prometheus_label_value(std::string& out, std::string_view text) {
  for (auto c : fix_utf8(text)) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '\n':
      out += "\\n";
      break;
    default:
      out += c;
    }
  }
}

} // namespace tributary::api
