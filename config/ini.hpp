#pragma once

#include "base/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// One `key = value` line of an INI file.
struct ini_entry {
  /// The key, trimmed; may contain inner spaces (`allow from`).
  std::string key;
  /// The value, trimmed; inner spaces and any `#` are kept (Netdata has no
  /// inline comments: `a = b # c` has the value `b # c`).
  std::string value;
  /// The file the entry came from.
  std::string file;
  /// 1-based line number.
  size_t line = 0;
};

/// A `[section]` and its entries, in file order.
struct ini_section {
  /// The text between the brackets, verbatim (Netdata does not trim it).
  std::string name;
  /// The file the section header came from.
  std::string file;
  /// 1-based line number of the header.
  size_t line = 0;
  /// The entries below the header.
  std::vector<ini_entry> entries;
};

/// A parsed INI file: its sections in file order. A section name may appear
/// more than once; Netdata merges them (later values win).
struct ini_file {
  /// The name used in messages.
  std::string file_name;
  /// The sections in file order.
  std::vector<ini_section> sections;
};

/// A syntax problem found by `parse_ini_lenient`.
struct ini_problem {
  /// 1-based line number.
  size_t line = 0;
  /// What is wrong, without the position.
  std::string message;
};

/// Reads Netdata's INI dialect: `[section]` headers, `key = value` lines
/// (split at the first `=`, both sides trimmed), full-line `#` comments and
/// blank lines. Lines Netdata would ignore with an error in its log (a line
/// outside any section, a line without `=`, an empty key, an unterminated
/// `[section`) are recorded in `problems` and skipped; parsing continues.
ini_file parse_ini_lenient(std::string_view text, std::string file_name,
                           std::vector<ini_problem>& problems);

/// Like `parse_ini_lenient`, but fails on the first problem with
/// `ec::config_syntax`, the message `file:line: message` and the line as
/// position.
expected<ini_file> parse_ini(std::string_view text,
                             const std::string& file_name);

} // namespace tributary::config
