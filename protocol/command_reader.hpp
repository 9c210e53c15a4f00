#pragma once

#include "base/error.hpp"
#include "protocol/commands.hpp"
#include "protocol/plain_set.hpp"

#include <cstddef>
#include <string_view>

namespace tributary::protocol {

/// Turns lines (from a `line_splitter`) into commands, handling the one
/// multi-line construct: after `FUNCTION_RESULT_BEGIN` every line is payload,
/// kept verbatim, until a line whose first word is `FUNCTION_RESULT_END`;
/// the reader then yields one `function_result`. Empty lines outside a
/// payload are skipped.
class command_reader {
public:
  /// Outcome of `consume()`.
  enum class status {
    /// `cmd` holds a command.
    ready,
    /// The line was consumed (payload, blank line); nothing to yield yet.
    more,
    /// The line is bad; see the error.
    failed,
  };

  explicit command_reader(direction dir = direction::to_parent) : dir_(dir) {
    // nop
  }

  /// Consumes one line (without its `\n`). On `status::ready`, `cmd` holds
  /// the command; on `status::failed`, `err` holds the error.
  status consume(std::string_view line, command& cmd, error& err);

  /// True if `line` is a SET in Netdata's own form (`parse_plain_set`) and
  /// not part of a function result: the caller handles `out` instead of
  /// calling `consume()`.
  bool plain_set(std::string_view line, set_view& out) const noexcept {
    return !in_payload_ && parse_plain_set(line, out);
  }

  /// As `plain_set()`, for an RSET (`parse_plain_rset`).
  bool plain_rset(std::string_view line, rset_view& out) const noexcept {
    return !in_payload_ && parse_plain_rset(line, out);
  }

  /// As `plain_set()`, for an RBEGIN (`parse_plain_rbegin`).
  bool plain_rbegin(std::string_view line, rbegin& out) const {
    return !in_payload_ && parse_plain_rbegin(line, out);
  }

  /// Forgets any partial function result.
  void reset() noexcept {
    in_payload_ = false;
    pending_ = function_result{};
  }

private:
  direction dir_;
  bool in_payload_ = false;
  function_result pending_;
};

} // namespace tributary::protocol
