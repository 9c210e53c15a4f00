#include "protocol/plain_set.hpp"

#include "protocol/commands.hpp"

#include <cstring>
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

namespace {

/// The RSET fast path's answer agrees with tokenize + parse_command, to the
/// bit.
void check_rset_same_as_generic(std::string_view line) {
  rset_view fast;
  REQUIRE(parse_plain_rset(line, fast));
  auto cmd = parse_line(line);
  REQUIRE(cmd);
  auto* x = std::get_if<rset>(&*cmd);
  REQUIRE(x != nullptr);
  CHECK(x->dimension_id == fast.dimension_id);
  CHECK(x->flags == fast.flags);
  CHECK(std::memcmp(&x->value.value, &fast.value, sizeof(double)) == 0);
}

bool fast_rset(std::string_view line) {
  rset_view v;
  return parse_plain_rset(line, v);
}

} // namespace

TEST_CASE("plain RSET: the lines Netdata writes, same as the generic parser") {
  check_rset_same_as_generic("RSET \"user\" 0.5050505 \"\"");
  check_rset_same_as_generic("RSET \"guest\" 0.0000000 \"\"");
  check_rset_same_as_generic("RSET \"x\" -0.0000000 \"\"");
  check_rset_same_as_generic("RSET \"x\" -12345.6789012 \"R\"");
  check_rset_same_as_generic("RSET 'x' 7 'E'");
  check_rset_same_as_generic("RSET \"x\" 99999999.9999999 \"\"");
  check_rset_same_as_generic("RSET \"x\" 0.1000000 \"\"");
  check_rset_same_as_generic("RSET \"x\" 0.3 \"\"");
  check_rset_same_as_generic("RSET \"x\" 123456789012345 \"\"");
  check_rset_same_as_generic("RSET \"a = b\" 1.5 \"ER\"");
  rset_view v;
  REQUIRE(parse_plain_rset("RSET \"user\" 0.5050505 \"E\"", v));
  CHECK(v.dimension_id == "user");
  CHECK(v.value == 0.5050505);
  CHECK(v.flags == "E");
}

TEST_CASE("plain RSET: every length of integer part and decimals, eight "
          "digits at a time or one, same as the generic parser") {
  // Digits cross the 8-byte steps at every offset; what follows the value
  // (the flags) is short or long enough for another step.
  uint64_t seed = 12345;
  auto digit = [&seed] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<char>('0' + (seed >> 33) % 10);
  };
  for (int int_digits = 1; int_digits <= 15; ++int_digits)
    for (int decimals = 0; int_digits + decimals <= 15; ++decimals)
      for (const char* flags : {"", "ER", "RRRRRRRRRR"}) {
        std::string value;
        for (int i = 0; i < int_digits; ++i)
          value += digit();
        if (decimals > 0) {
          value += '.';
          for (int i = 0; i < decimals; ++i)
            value += digit();
        }
        auto line = "RSET \"x\" " + value + " \"" + flags + "\"";
        INFO(line);
        check_rset_same_as_generic(line);
        check_rset_same_as_generic("RSET \"x\" -" + value + " \"" + flags
                                   + "\"");
      }
  // A byte above 0x7f right after the digits ends the value: not a digit.
  CHECK_FALSE(fast_rset("RSET \"x\" 1234\xb0 \"\" and more"));
  CHECK_FALSE(fast_rset("RSET \"x\" 1234\x80 \"\" and more"));
  CHECK_FALSE(fast_rset("RSET \"x\" 1234/ \"\" and more"));
  CHECK_FALSE(fast_rset("RSET \"x\" 1234: \"\" and more"));
}

TEST_CASE("plain RSET: every other shape is left to the generic parser") {
  CHECK_FALSE(fast_rset("RSET \"x\" nan \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" 1e5 \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" 1234567890123456 \"\"")); // 16 digits
  CHECK_FALSE(fast_rset("RSET \"x\" 5. \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" .5 \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" - \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" +5 \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" 1.2.3 \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" 5 \"\" more"));
  CHECK_FALSE(fast_rset("RSET \"x\" 5"));
  CHECK_FALSE(fast_rset("RSET \"x\" 5 "));
  CHECK_FALSE(fast_rset("RSET \"x\"  5 \"\""));
  CHECK_FALSE(fast_rset("RSET \"\" 5 \"\""));
  CHECK_FALSE(fast_rset("RSET \"x\" 5 \"E\\\\\""));
  CHECK_FALSE(fast_rset("RSET x 5 \"\""));
  CHECK_FALSE(fast_rset("RSETX \"x\" 5 \"\""));
}

namespace {

/// The RBEGIN fast path's answer agrees with tokenize + parse_command.
void check_rbegin_same_as_generic(std::string_view line) {
  rbegin fast;
  REQUIRE(parse_plain_rbegin(line, fast));
  auto cmd = parse_line(line);
  REQUIRE(cmd);
  auto* x = std::get_if<rbegin>(&*cmd);
  REQUIRE(x != nullptr);
  CHECK(x->chart_id == fast.chart_id);
  CHECK(x->has_times == fast.has_times);
  CHECK(x->point_start == fast.point_start);
  CHECK(x->point_end == fast.point_end);
  CHECK(x->child_now == fast.child_now);
}

bool fast_rbegin(std::string_view line) {
  rbegin v;
  return parse_plain_rbegin(line, v);
}

} // namespace

TEST_CASE(
    "plain RBEGIN: the lines Netdata writes, same as the generic parser") {
  check_rbegin_same_as_generic("RBEGIN \"net_operstate.ifb0\"");
  check_rbegin_same_as_generic("RBEGIN '' 1795635171 1795635172 1795635240");
  check_rbegin_same_as_generic("RBEGIN '' 1795635171 1795635172");
  check_rbegin_same_as_generic("RBEGIN \"a.b\" 0 7 000000000000000009");
  rbegin v;
  REQUIRE(parse_plain_rbegin("RBEGIN '' 10 11 12", v));
  CHECK(v.has_times);
  CHECK(v.chart_id.empty());
  CHECK_EQ(v.point_start, 10);
  CHECK_EQ(v.point_end, 11);
  CHECK(v.child_now == std::optional<int64_t>{12});
  REQUIRE(parse_plain_rbegin("RBEGIN 'a.b'", v));
  CHECK_FALSE(v.has_times);
  CHECK_FALSE(v.child_now);
  CHECK(v.chart_id == "a.b");
}

TEST_CASE("plain RBEGIN: every other shape is left to the generic parser") {
  CHECK_FALSE(fast_rbegin("RBEGIN ''"));        // no id, no times: an error
  CHECK_FALSE(fast_rbegin("RBEGIN '' 1"));      // one time
  CHECK_FALSE(fast_rbegin("RBEGIN '' 1 2 ''")); // an empty now
  CHECK_FALSE(fast_rbegin("RBEGIN '' -1 2 3"));
  CHECK_FALSE(fast_rbegin("RBEGIN '' 1  2 3")); // two spaces
  CHECK_FALSE(fast_rbegin("RBEGIN '' 1 2 3 "));
  CHECK_FALSE(fast_rbegin("RBEGIN '' 1 2 3 4"));
  CHECK_FALSE(fast_rbegin("RBEGIN '' 1 2 3x"));
  CHECK_FALSE(fast_rbegin("RBEGIN '' 1234567890123456789 2 3")); // 19 digits
  CHECK_FALSE(fast_rbegin("RBEGIN \"a\\b\""));
  CHECK_FALSE(fast_rbegin("RBEGIN a.b"));
  CHECK_FALSE(fast_rbegin("RBEGINX 'a.b'"));
  CHECK_FALSE(fast_rbegin("RSET \"x\" 5 \"\""));
}
