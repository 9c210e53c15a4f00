#include "config/simple_pattern.hpp"

#include <doctest/doctest.h>

using tributary::ec;
using tributary::config::simple_pattern;
using result = simple_pattern::result;

namespace {

simple_pattern compile(std::string_view x) {
  auto p = simple_pattern::compile(x);
  REQUIRE_MESSAGE(p.has_value(), "pattern: ", std::string{x});
  return *p;
}

} // namespace

TEST_SUITE("simple_pattern") {

  TEST_CASE("a lone star matches everything but the empty string") {
    auto p = compile("*");
    CHECK(p.matches("a"));
    CHECK(p.matches("system.cpu"));
    CHECK(p.matches("10.1.2.3"));
    CHECK_FALSE(p.matches(""));
    CHECK(p.source() == "*");
  }

  TEST_CASE("an exact word matches only itself, case-sensitively") {
    auto p = compile("system.cpu");
    CHECK(p.matches("system.cpu"));
    CHECK_FALSE(p.matches("system.cpu0"));
    CHECK_FALSE(p.matches("xsystem.cpu"));
    CHECK_FALSE(p.matches("System.cpu"));
  }

  TEST_CASE("prefix, suffix, substring and chains") {
    CHECK(compile("abc*").matches("abcdef"));
    CHECK(compile("abc*").matches("abc"));
    CHECK_FALSE(compile("abc*").matches("xabc"));
    CHECK(compile("*abc").matches("xxabc"));
    CHECK_FALSE(compile("*abc").matches("abcx"));
    CHECK(compile("*a*").matches("a"));
    CHECK(compile("*a*").matches("xxaxx"));
    CHECK_FALSE(compile("*a*").matches("xxx"));
    auto ab = compile("a*b");
    CHECK(ab.matches("ab"));
    CHECK(ab.matches("axxb"));
    CHECK_FALSE(ab.matches("axxbc"));
    CHECK_FALSE(ab.matches("ba"));
    auto aa = compile("a*a");
    CHECK_FALSE(aa.matches("a")); // prefix and suffix may not overlap
    CHECK(aa.matches("aa"));
    auto chain = compile("a*b*c");
    CHECK(chain.matches("abc"));
    CHECK(chain.matches("a-b-b-c"));
    CHECK_FALSE(chain.matches("acb"));
    CHECK(compile("**").matches("x"));
  }

  TEST_CASE("the empty pattern matches nothing") {
    auto p = compile("");
    CHECK(p.empty());
    CHECK_FALSE(p.matches("a"));
    CHECK(p.evaluate("a") == result::no_match);
    auto blank = compile(" \t ");
    CHECK(blank.empty());
    CHECK_FALSE(blank.matches("a"));
  }

  TEST_CASE("first match wins, negative words reject") {
    auto p = compile("!x *");
    CHECK_FALSE(p.matches("x"));
    CHECK(p.evaluate("x") == result::matched_negative);
    CHECK(p.matches("y"));
    CHECK(p.evaluate("y") == result::matched);
    // Order matters: the positive star comes first and wins.
    auto q = compile("* !x");
    CHECK(q.matches("x"));
    // Without a final positive word, anything not listed does not match.
    auto r = compile("!apps.* !users.*");
    CHECK(r.evaluate("system.cpu") == result::no_match);
    CHECK(r.evaluate("apps.cpu") == result::matched_negative);
  }

  TEST_CASE("IP address patterns") {
    auto p = compile("10.* !10.1.*");
    CHECK(p.matches("10.2.3.4"));
    CHECK(p.matches("10.1.2.3")); // `10.*` comes first and wins
    auto q = compile("!10.1.* 10.*");
    CHECK_FALSE(q.matches("10.1.2.3"));
    CHECK(q.matches("10.2.3.4"));
    CHECK_FALSE(q.matches("192.168.1.1"));
    auto local = compile("localhost 127.* ::1");
    CHECK(local.matches("127.0.0.1"));
    CHECK(local.matches("::1"));
    CHECK_FALSE(local.matches("128.0.0.1"));
  }

  TEST_CASE("whitespace of any kind separates, backslash escapes") {
    auto p = compile("a\tb\nc  d");
    CHECK(p.size() == 4);
    CHECK(p.matches("c"));
    auto q = compile("foo\\ bar baz");
    CHECK(q.size() == 2);
    CHECK(q.matches("foo bar"));
    CHECK_FALSE(q.matches("foo"));
  }

  TEST_CASE("bad patterns are errors with a position") {
    auto p = simple_pattern::compile("a ! b");
    REQUIRE_FALSE(p.has_value());
    CHECK(p.err().code == ec::bad_pattern);
    CHECK(p.err().position == 2);
    auto q = simple_pattern::compile("abc\\");
    REQUIRE_FALSE(q.has_value());
    CHECK(q.err().code == ec::bad_pattern);
    CHECK(q.err().position == 3);
  }

} // TEST_SUITE
