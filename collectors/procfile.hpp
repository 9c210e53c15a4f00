#pragma once

// Reading /proc and /sys files the way Netdata's procfile does.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::procfs {

/// Reads a whole file with POSIX reads; false if it cannot be opened or read.
bool read_file(const std::string& path, std::string& out);

/// The file exists and is readable.
bool exists(const std::string& path);

/// One line cut into words at any of `seps` (runs of separators count once).
using line_words = std::vector<std::string_view>;

/// Every line of `text` cut into words.
std::vector<line_words> split(std::string_view text, std::string_view seps);

/// Word `i` of a line, or "" past its end.
std::string_view word(const line_words& ws, size_t i);

/// Netdata's str2ull: leading decimal digits, anything else ends the number
/// ("-1" reads as 0).
uint64_t str2ull(std::string_view s);

/// str2ull as a collected value.
int64_t num(std::string_view s);

double str2d(std::string_view s);

/// Netdata's read_single_number_file: false if unreadable.
bool read_number(const std::string& path, uint64_t& value);

bool starts_with(std::string_view s, std::string_view prefix);

bool ends_with(std::string_view s, std::string_view suffix);

/// Without leading and trailing blanks and line ends.
std::string_view trim(std::string_view s);

} // namespace tributary::procfs
