#pragma once

// health.d text: how 1.37.1 reads a file into lines and rewrites values;
// not part of the health interface.

#include "health/definitions.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tributary::health::definition_text {

/// One line as the parser sees it, numbered as its first physical line.
struct logical_line {
  size_t line;
  std::string text;
};

/// Trims and collapses whitespace runs into one space.
std::string collapse(std::string_view x);

/// ASCII lower case.
std::string to_lower(std::string x);

/// `x` in backticks, for messages.
std::string ticked(std::string_view x);

/// `'` and `"` become spaces, without trimming again.
std::string unquote(std::string x);

/// `host labels`: spaces around `=` removed.
std::string squeeze_equals(std::string_view x);

/// Physical lines (split like fgets with a 4096-byte buffer), joined at
/// trailing backslashes. Line numbers are the file's, of the first piece;
/// an over-long line is reported in `diags`.
std::vector<logical_line> read_lines(std::string_view text,
                                     const std::string& file,
                                     std::vector<diagnostic>& diags);

} // namespace tributary::health::definition_text
