#include "api/text_fix.hpp"

namespace tributary::api {

size_t utf8_sequence_length(std::string_view text) {
  if (text.empty())
    return 0;
  auto b0 = static_cast<unsigned char>(text[0]);
  if (b0 < 0x80)
    return 1;
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  // The ranges of the second byte exclude overlongs, surrogates and code
  // points above U+10FFFF (RFC 3629, table 3-7 of the Unicode standard).
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0)
      lo = 0xA0;
    else if (b0 == 0xED)
      hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0)
      lo = 0x90;
    else if (b0 == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < len)
    return 0;
  auto b1 = static_cast<unsigned char>(text[1]);
  if (b1 < lo || b1 > hi)
    return 0;
  for (size_t i = 2; i < len; ++i) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80 || b > 0xBF)
      return 0;
  }
  return len;
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    auto n = utf8_sequence_length(text.substr(i));
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

std::string fix_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      out += text[i++];
      continue;
    }
    auto n = utf8_sequence_length(text.substr(i));
    if (n == 0) {
      out += '_';
      ++i;
      continue;
    }
    out.append(text.data() + i, n);
    i += n;
  }
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      auto n = utf8_sequence_length(text.substr(i));
      if (n == 0) {
        out += '_';
        ++i;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    ++i;
    switch (c) {
    case '"':
      out += "\\\"";
      continue;
    case '\\':
      out += "\\\\";
      continue;
    case '\b':
      out += "\\b";
      continue;
    case '\f':
      out += "\\f";
      continue;
    case '\n':
      out += "\\n";
      continue;
    case '\r':
      out += "\\r";
      continue;
    case '\t':
      out += "\\t";
      continue;
    default:
      break;
    }
    if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '/':
      out += "&#x2F;";
      break;
    case '\'':
      out += "&#x27;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace tributary::api
