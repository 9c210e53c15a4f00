#pragma once

// What a child sends is bytes, not text: names, titles and labels may hold
// invalid UTF-8 (a JSON document must not). These fix such text the way
// Netdata fixes ids and names (json_fix_string: a byte it cannot print
// becomes '_'), keeping valid UTF-8 as it is.

#include <string>
#include <string_view>

namespace tributary::api {

/// True if `text` is well-formed UTF-8 (no overlongs, no surrogates, no
/// code point above U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Length of the well-formed UTF-8 sequence at the start of `text`, or 0
/// if its first byte does not start one.
size_t utf8_sequence_length(std::string_view text);

/// `text` with every byte that is not part of a well-formed UTF-8 sequence
/// replaced by '_'. Returns `text` unchanged (same bytes) if it is valid.
std::string fix_utf8(std::string_view text);

/// Appends `text` to `out` as a JSON string literal (quotes included):
/// invalid UTF-8 bytes become '_', '"' and '\\' and control characters are
/// escaped. The result always parses as JSON.
void append_json_string(std::string& out, std::string_view text);

/// `text` with & < > " / ' written as HTML entities (&#x2F;, &#x27;), as
/// 1.37.1 echoes a chart id in its error answers and prints health
/// expressions in /api/v1/alarms.
std::string html_escape(std::string_view text);

} // namespace tributary::api
