#include "protocol/plain_set.hpp"

namespace tributary::protocol {

namespace {

/// Bytes an id in the fast path may not hold: quotes, backslash, NUL and
/// control bytes (one lookup instead of four tests a byte).
struct special_bytes {
  bool is[256] = {};
  constexpr special_bytes() {
    for (int c = 0; c < 0x20; ++c)
      is[c] = true;
    is[static_cast<unsigned char>('"')] = true;
    is[static_cast<unsigned char>('\'')] = true;
    is[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr special_bytes special;

/// Reads a quoted word of at least `min` bytes at `p` (the quote) whose
/// bytes need no care: no quote, backslash, NUL or control byte. Moves `p`
/// past the closing quote.
bool plain_quoted(const char*& p, const char* e, std::string_view& out,
                  size_t min) noexcept {
  if (p == e || (*p != '"' && *p != '\''))
    return false;
  char quote = *p++;
  const char* start = p;
  while (p != e && *p != quote) {
    if (special.is[static_cast<unsigned char>(*p)])
      return false;
    ++p;
  }
  if (p == e || static_cast<size_t>(p - start) < min)
    return false;
  out = std::string_view(start, static_cast<size_t>(p - start));
  ++p;
  return true;
}

} // namespace

bool parse_plain_rset(std::string_view line, rset_view& out) noexcept {
  constexpr std::string_view head = "RSET ";
  if (line.substr(0, head.size()) != head)
    return false;
  const char* p = line.data() + head.size();
  const char* e = line.data() + line.size();
  if (!plain_quoted(p, e, out.dimension_id, 1) || p == e || *p++ != ' ')
    return false;
  bool negative = p != e && *p == '-';
  if (negative)
    ++p;
  int64_t n = 0;
  int digits = 0;
  int decimals = 0;
  bool dot = false;
  for (; p != e && *p != ' '; ++p) {
    if (*p == '.' && !dot && digits > 0) {
      dot = true;
      continue;
    }
    if (*p < '0' || *p > '9')
      return false;
    n = n * 10 + (*p - '0');
    if (++digits > 15)
      return false;
    if (dot)
      ++decimals;
  }
  if (digits == 0 || (dot && decimals == 0) || p == e)
    return false;
  ++p;
  if (!plain_quoted(p, e, out.flags, 0) || p != e)
    return false;
  static constexpr double powers[]
      = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
         1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  auto v = static_cast<double>(n) / powers[decimals];
  out.value = negative ? -v : v;
  return true;
}

bool parse_plain_set(std::string_view line, set_view& out) noexcept {
  constexpr std::string_view head = "SET ";
  if (line.substr(0, head.size()) != head)
    return false;
  const char* p = line.data() + head.size();
  const char* e = line.data() + line.size();
  if (!plain_quoted(p, e, out.dimension_id, 1))
    return false;
  // " =" and then nothing, or " = " and the value.
  if (e - p < 2 || p[0] != ' ' || p[1] != '=')
    return false;
  p += 2;
  if (p == e) {
    out.value.reset();
    return true;
  }
  if (*p++ != ' ' || p == e)
    return false;
  bool negative = *p == '-';
  if (negative)
    ++p;
  if (p == e || e - p > 18)
    return false;
  int64_t v = 0;
  for (; p != e; ++p) {
    auto digit = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
    if (digit > 9)
      return false;
    v = v * 10 + static_cast<int64_t>(digit);
  }
  out.value = negative ? -v : v;
  return true;
}

} // namespace tributary::protocol
