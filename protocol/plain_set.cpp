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

/// Adds the decimal digits at `p` to `n` (n * 10 + digit each), moving `p`
/// past them.
void read_digits(const char*& p, const char* e, uint64_t& n) noexcept {
  for (; p != e; ++p) {
    auto digit = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
    if (digit > 9)
      return;
    n = n * 10 + digit;
  }
}

/// Reads 1 to 18 decimal digits at `p` into `out`, moving `p` past them.
bool plain_count(const char*& p, const char* e, int64_t& out) noexcept {
  const char* start = p;
  uint64_t n = 0;
  read_digits(p, e, n);
  auto digits = p - start;
  if (digits == 0 || digits > 18)
    return false;
  out = static_cast<int64_t>(n);
  return true;
}

} // namespace

bool parse_plain_rbegin(std::string_view line, rbegin& out) {
  constexpr std::string_view head = "RBEGIN ";
  if (line.substr(0, head.size()) != head)
    return false;
  const char* p = line.data() + head.size();
  const char* e = line.data() + line.size();
  std::string_view id;
  if (!plain_quoted(p, e, id, 0))
    return false;
  out.chart_id.assign(id);
  if (p == e) {
    out.has_times = false;
    out.child_now.reset();
    return !out.chart_id.empty();
  }
  if (*p++ != ' ' || !plain_count(p, e, out.point_start) || p == e
      || *p++ != ' ' || !plain_count(p, e, out.point_end))
    return false;
  out.has_times = true;
  out.child_now.reset();
  if (p == e)
    return true;
  int64_t now = 0;
  if (*p++ != ' ' || !plain_count(p, e, now) || p != e)
    return false;
  out.child_now = now;
  return true;
}

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
  // Digits, then optionally a dot and digits: two tight loops. The sum
  // wraps (defined for unsigned) only past 19 digits, which are refused.
  uint64_t n = 0;
  const char* digits = p;
  read_digits(p, e, n);
  if (p == digits)
    return false;
  size_t decimals = 0;
  if (p != e && *p == '.') {
    const char* fraction = ++p;
    read_digits(p, e, n);
    decimals = static_cast<size_t>(p - fraction);
    if (decimals == 0)
      return false;
  }
  if (static_cast<size_t>(p - digits) - (decimals > 0 ? 1 : 0) > 15 || p == e
      || *p != ' ')
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
