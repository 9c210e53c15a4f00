#include "protocol/plain_set.hpp"

namespace tributary::protocol {

bool parse_plain_set(std::string_view line, set_view& out) noexcept {
  constexpr std::string_view head = "SET ";
  if (line.size() < head.size() + 3 || line.substr(0, head.size()) != head)
    return false;
  const char* p = line.data() + head.size();
  const char* e = line.data() + line.size();
  char quote = *p++;
  if (quote != '"' && quote != '\'')
    return false;
  const char* id = p;
  while (p != e && *p != quote) {
    auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == '\\' || c == '"' || c == '\'')
      return false;
    ++p;
  }
  if (p == e || p == id)
    return false;
  out.dimension_id = std::string_view(id, static_cast<size_t>(p - id));
  ++p;
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
    if (*p < '0' || *p > '9')
      return false;
    v = v * 10 + (*p - '0');
  }
  out.value = negative ? -v : v;
  return true;
}

} // namespace tributary::protocol
