#include "protocol/tokenizer.hpp"

#include <cstdint>
#include <cstring>

namespace tributary::protocol {

namespace {

// Separator table of v1.37.1's tokenizer: `=` separates like whitespace so
// that `SET x = 5` and `SET x 5` read the same.
struct separator_table {
  bool sep[256] = {};
  // Separators plus the backslash: the bytes that stop an unquoted word.
  bool special[256] = {};

  constexpr separator_table() {
    sep[static_cast<unsigned char>(' ')] = true;
    sep[static_cast<unsigned char>('\t')] = true;
    sep[static_cast<unsigned char>('\r')] = true;
    sep[static_cast<unsigned char>('\n')] = true;
    sep[static_cast<unsigned char>('=')] = true;
    for (int i = 0; i < 256; ++i)
      special[i] = sep[i];
    special[static_cast<unsigned char>('\\')] = true;
  }
};

constexpr separator_table separators{};

inline bool is_sep(char c) noexcept {
  return separators.sep[static_cast<unsigned char>(c)];
}

inline bool is_quote(char c) noexcept {
  return c == '"' || c == '\'';
}

} // namespace

void tokenize(std::string_view line, words& out) noexcept {
  out.count = 0;
  out.dropped = false;
  // Netdata works on a C string: an embedded NUL ends the line.
  const char* s = line.data();
  const char* e = s + line.size();
  if (auto* nul = static_cast<const char*>(std::memchr(s, '\0', line.size())))
    e = nul;
  const char* p = s;
  while (p != e) {
    while (p != e && is_sep(*p))
      ++p;
    if (p == e)
      return;
    char quote = 0;
    if (is_quote(*p)) {
      quote = *p++;
      // An opening quote at the very end opens no word.
      if (p == e)
        return;
    }
    if (out.count == max_words) {
      out.dropped = true;
      return;
    }
    const char* start = p;
    if (quote != 0) {
      for (;;) {
        while (p != e && *p != quote && *p != '\\')
          ++p;
        // Skips the escaped character but keeps the backslash: there is no
        // real escaping in this protocol.
        if (p != e && *p == '\\' && p + 1 != e) {
          p += 2;
          continue;
        }
        if (p != e && *p == '\\')
          ++p;
        else
          break;
      }
    } else {
      for (;;) {
        while (p != e && !separators.special[static_cast<unsigned char>(*p)])
          ++p;
        if (p != e && *p == '\\') {
          p += p + 1 != e ? 2 : 1;
          continue;
        }
        break;
      }
    }
    out.items[out.count++]
        = std::string_view(start, static_cast<size_t>(p - start));
    // The closing quote or the separator is consumed like a separator.
    if (p != e)
      ++p;
  }
}

expected<words> tokenize(std::string_view line) {
  words ws;
  tokenize(line, ws);
  return ws;
}

} // namespace tributary::protocol
