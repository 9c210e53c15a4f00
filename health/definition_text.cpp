// health.d text: 1.37.1's line reading (fgets pieces, backslash joins) and
// the small rewrites its parser applies to values.

#include "health/definition_text.hpp"

#include "config/text.hpp"

namespace tributary::health::definition_text {

namespace {

using config::is_space;
using config::trim;

/// fgets() with a 4096-byte buffer: at most 4095 bytes, newline included.
constexpr size_t max_chunk = 4095;

} // namespace

/// Trims and collapses whitespace runs into one space.
std::string collapse(std::string_view x) {
  std::string result;
  bool pending_space = false;
  for (char c : trim(x)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space)
      result += ' ';
    pending_space = false;
    result += c;
  }
  return result;
}

std::string to_lower(std::string x) {
  for (auto& c : x)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return x;
}

std::string ticked(std::string_view x) {
  return "`" + std::string{x} + "`";
}

/// `'` and `"` become spaces, without trimming again.
std::string unquote(std::string x) {
  for (auto& c : x)
    if (c == '\'' || c == '"')
      c = ' ';
  return x;
}

/// `host labels`: spaces around `=` removed.
std::string squeeze_equals(std::string_view x) {
  std::string result;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] == ' ') {
      size_t j = i;
      while (j < x.size() && x[j] == ' ')
        ++j;
      bool before_eq = j < x.size() && x[j] == '=';
      bool after_eq = !result.empty() && result.back() == '=';
      if (before_eq || after_eq) {
        i = j - 1;
        continue;
      }
    }
    result += x[i];
  }
  return result;
}

/// Physical lines (split like fgets with a 4096-byte buffer), joined at
/// trailing backslashes. Line numbers are the file's, of the first piece.
std::vector<logical_line> read_lines(std::string_view text,
                                     const std::string& file,
                                     std::vector<diagnostic>& diags) {
  std::vector<logical_line> chunks;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    auto with_nl = nl == std::string_view::npos ? text : text.substr(0, nl + 1);
    text.remove_prefix(with_nl.size());
    if (with_nl.size() > max_chunk)
      diags.push_back({file, line_no, diagnostic::error,
                       "line longer than 4094 bytes; Netdata reads every "
                       "4095 bytes of it as a line of its own"});
    while (!with_nl.empty()) {
      auto piece = with_nl.substr(0, max_chunk);
      with_nl.remove_prefix(piece.size());
      chunks.push_back({line_no, std::string{piece}});
    }
  }
  std::vector<logical_line> result;
  bool joining = false;
  for (auto& chunk : chunks) {
    auto piece = std::string{trim(chunk.text)};
    if (joining) {
      result.back().text += piece;
    } else {
      // Keep leading whitespace out; it is trimmed later anyway.
      result.push_back({chunk.line, piece});
    }
    auto& cur = result.back().text;
    joining = !cur.empty() && cur.back() == '\\';
    if (joining)
      cur.back() = ' ';
  }
  return result;
}

} // namespace tributary::health::definition_text
