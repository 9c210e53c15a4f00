#pragma once

#include "protocol/commands.hpp"

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

/// An RSET line's dimension id, value and flags (views into the line).
struct rset_view {
  std::string_view dimension_id;
  double value = 0;
  std::string_view flags;
};

/// Reads `line` as an RSET in the form a Netdata child writes it:
/// `RSET "id" 12.3456789 "flags"` (the id and flags as for SET, the flags
/// possibly empty; the value `-`, digits, optionally `.` and digits, at most
/// 15 digits in all). Returns false for any other line (a `nan`, an
/// exponent, more digits...), which then goes the generic way; for a line
/// it accepts, the result is the `rset` the generic parser makes: the value
/// is the integer of its digits divided by a power of ten, both exact in a
/// double, so the quotient is the correctly rounded value `from_chars` gives.
bool parse_plain_rset(std::string_view line, rset_view& out) noexcept;

/// Reads `line` as an RBEGIN in the forms a Netdata child writes:
/// `RBEGIN "type.id"` (a response's chart) and `RBEGIN '' start end now`
/// (a point; `now` may be missing), with single spaces, the id as for SET
/// (empty only in the timed form) and times of 1 to 18 digits. Returns false
/// for any other line, which goes the generic way; for a line it accepts,
/// `out` is the `rbegin` the generic parser makes (unspecified after false;
/// the timed form's empty id allocates nothing). A backfill is one RBEGIN
/// per point of every chart.
bool parse_plain_rbegin(std::string_view line, rbegin& out);

} // namespace tributary::protocol
