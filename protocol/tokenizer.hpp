#pragma once

#include "base/error.hpp"
#include "protocol/limits.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace tributary::protocol {

/// The words of one line: views into the line, at most `max_words`.
/// Fixed size, no allocation.
struct words {
  std::array<std::string_view, max_words> items;
  size_t count = 0;
  /// True if the line had more than `max_words` words (the rest dropped).
  bool dropped = false;

  size_t size() const noexcept {
    return count;
  }

  bool empty() const noexcept {
    return count == 0;
  }

  /// The i-th word, or an empty view if `i >= size()`.
  std::string_view operator[](size_t i) const noexcept {
    return i < count ? items[i] : std::string_view{};
  }

  const std::string_view* begin() const noexcept {
    return items.data();
  }

  const std::string_view* end() const noexcept {
    return items.data() + count;
  }
};

/// Splits `line` with v1.37.1's exact rules (docs/protocol.md "Lines and
/// words"): separators are space, tab, CR, LF and `=`; `"` or `'` opens a
/// quoted word only as the first character of a word and the same character
/// closes it; `\` makes the next character literal but is kept; `""` is an
/// empty word; a NUL byte ends the line; words past `max_words` are dropped.
/// Never fails.
void tokenize(std::string_view line, words& out) noexcept;

/// Convenience form of the above. Never returns an error today; the
/// `expected` leaves room for stricter modes.
expected<words> tokenize(std::string_view line);

} // namespace tributary::protocol
