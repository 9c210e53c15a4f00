#include "config/simple_pattern.hpp"

namespace tributary::config {

namespace {

bool is_separator(char c) {
  // isspace() in the C locale, as Netdata uses.
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
         || c == '\v';
}

} // namespace

expected<simple_pattern> simple_pattern::compile(std::string_view text) {
  simple_pattern result;
  result.source_ = std::string{text};
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_separator(text[i]))
      ++i;
    if (i == text.size())
      break;
    word w;
    size_t word_start = i;
    if (text[i] == '!') {
      w.negative = true;
      ++i;
    }
    // Collect the raw word, resolving escapes. As in 1.37.1, an escaped `*`
    // still acts as a wildcard: escaping only keeps separators in the word.
    std::string raw;
    while (i < text.size() && !is_separator(text[i])) {
      if (text[i] == '\\') {
        if (i + 1 == text.size())
          return error{
              ec::bad_pattern,
              "pattern `" + result.source_ + "` ends with a lone backslash", i};
        raw += text[i + 1];
        i += 2;
        continue;
      }
      raw += text[i++];
    }
    if (raw.empty())
      return error{ec::bad_pattern,
                   "pattern `" + result.source_
                       + "` has a `!` with no pattern after it",
                   word_start};
    w.star_front = raw.front() == '*';
    w.star_back = raw.back() == '*';
    std::string piece;
    for (char c : raw) {
      if (c == '*') {
        if (!piece.empty())
          w.pieces.push_back(std::move(piece));
        piece.clear();
      } else {
        piece += c;
      }
    }
    if (!piece.empty())
      w.pieces.push_back(std::move(piece));
    result.words_.push_back(std::move(w));
  }
  return result;
}

bool simple_pattern::match_word(const word& w, std::string_view s) {
  if (w.pieces.empty()) // only stars
    return true;
  if (!w.star_front && !w.star_back && w.pieces.size() == 1)
    return s == w.pieces.front();
  size_t first = 0;
  size_t last = w.pieces.size();
  size_t lo = 0;
  size_t hi = s.size();
  if (!w.star_front) {
    const auto& p = w.pieces.front();
    if (s.substr(0, p.size()) != p)
      return false;
    lo = p.size();
    ++first;
  }
  if (!w.star_back) {
    const auto& p = w.pieces.back();
    if (p.size() > hi - lo || s.substr(hi - p.size()) != p)
      return false;
    hi -= p.size();
    --last;
  }
  // Middle pieces: leftmost occurrence, in order, without overlap. Leftmost is
  // optimal for a chain of `*x*` pieces, so no backtracking is needed.
  auto rest = s.substr(lo, hi - lo);
  for (size_t k = first; k < last; ++k) {
    auto pos = rest.find(w.pieces[k]);
    if (pos == std::string_view::npos)
      return false;
    rest.remove_prefix(pos + w.pieces[k].size());
  }
  return true;
}

simple_pattern::result
simple_pattern::evaluate(std::string_view subject) const {
  if (subject.empty())
    return result::no_match;
  for (const auto& w : words_)
    if (match_word(w, subject))
      return w.negative ? result::matched_negative : result::matched;
  return result::no_match;
}

} // namespace tributary::config
