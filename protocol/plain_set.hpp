#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary::protocol {

/// A SET line's dimension id (a view into the line) and value.
struct set_view {
  std::string_view dimension_id;
  std::optional<int64_t> value;
};

/// Reads `line` as a SET in the form every Netdata child writes it:
/// `SET "id" = 123` (or 'id', a negative value, no value at all), with
/// single spaces, an id holding no quote, backslash, NUL or control byte,
/// and at most 18 digits. Returns false for any other line, which then goes
/// through `tokenize` and `parse_command`; for a line it accepts, the result
/// is the `set` those would make. A stream is nine tenths SETs: this skips
/// building a command for each.
bool parse_plain_set(std::string_view line, set_view& out) noexcept;

} // namespace tributary::protocol
