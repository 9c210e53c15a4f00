#include "protocol/plain_set.hpp"

#include "protocol/commands.hpp"

#include <doctest/doctest.h>
#include <string>
#include <variant>

using namespace tributary::protocol;

namespace {

/// The fast path's answer agrees with tokenize + parse_command.
void check_same_as_generic(std::string_view line) {
  set_view fast;
  REQUIRE(parse_plain_set(line, fast));
  auto cmd = parse_line(line);
  REQUIRE(cmd);
  auto* x = std::get_if<set>(&*cmd);
  REQUIRE(x != nullptr);
  CHECK(x->dimension_id == fast.dimension_id);
  CHECK(x->value == fast.value);
}

bool fast(std::string_view line) {
  set_view v;
  return parse_plain_set(line, v);
}

} // namespace

TEST_CASE("plain SET: the lines Netdata writes, same as the generic parser") {
  check_same_as_generic("SET \"user\" = 234567");
  check_same_as_generic("SET 'user' = 234567");
  check_same_as_generic("SET \"in\" = -17");
  check_same_as_generic("SET \"in\" = -0");
  check_same_as_generic("SET \"x\" = 007");
  check_same_as_generic("SET \"x\" =");
  check_same_as_generic("SET \"a = b\" = 1");
  check_same_as_generic("SET \"a b\" = 999999999999999999");
  check_same_as_generic("SET \"caf\xc3\xa9\" = 3");
  set_view v;
  REQUIRE(parse_plain_set("SET \"user\" = 5", v));
  CHECK(v.dimension_id == "user");
  CHECK(v.value == 5);
}

TEST_CASE("plain SET: every other shape is left to the generic parser") {
  CHECK_FALSE(fast("SET user = 5"));        // unquoted id
  CHECK_FALSE(fast("SET \"\" = 5"));        // empty id: an error there
  CHECK_FALSE(fast("SET \"x\" = +5"));      // '+': from_chars' rules
  CHECK_FALSE(fast("SET \"x\" = 5 extra")); // more words
  CHECK_FALSE(fast("SET \"x\" = 5\r"));     // a separator at the end
  CHECK_FALSE(fast("SET \"x\" = "));        // trailing space
  CHECK_FALSE(fast("SET \"x\" = -"));       // no digits
  CHECK_FALSE(fast("SET \"x\" = 1.5"));     // not an integer: an error there
  CHECK_FALSE(fast("SET \"x\" = 9999999999999999999")); // may overflow
  CHECK_FALSE(fast("SET \"x\"=5"));                     // no spaces
  CHECK_FALSE(fast("SET  \"x\" = 5"));                  // two spaces
  CHECK_FALSE(fast("SET \"x' = 5"));                    // quote mismatch
  CHECK_FALSE(fast("SET \"x"));                         // no closing quote
  CHECK_FALSE(fast("SET \"a\\b\" = 5"));                // backslash in the id
  CHECK_FALSE(
      fast(std::string_view("SET \"a\0b\" = 5", 14))); // NUL ends a line
  CHECK_FALSE(fast("SET \"a\tb\" = 5"));               // control byte
  CHECK_FALSE(fast("SETX \"x\" = 5"));
  CHECK_FALSE(fast("BEGIN \"x\" 5"));
  CHECK_FALSE(fast(""));
}
