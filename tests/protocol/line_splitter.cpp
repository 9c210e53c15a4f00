#include "protocol/line_splitter.hpp"

#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace tributary;
using namespace tributary::protocol;

namespace {

std::vector<std::string> drain(line_splitter& s) {
  std::vector<std::string> out;
  std::string_view line;
  while (s.next(line))
    out.emplace_back(line);
  return out;
}

} // namespace

TEST_CASE("line_splitter: lines across chunks") {
  line_splitter s;
  s.feed("BEGIN \"a\" 1\nSE");
  CHECK(drain(s) == std::vector<std::string>{"BEGIN \"a\" 1"});
  s.feed("T \"x\" = 1\n");
  s.feed("END\n");
  CHECK(drain(s) == std::vector<std::string>{"SET \"x\" = 1", "END"});
  CHECK(s.line_number() == 3);
  CHECK(s.line_offset() == 24);
  CHECK_FALSE(s.finish());
}

TEST_CASE("line_splitter: byte by byte equals whole") {
  auto data = test::read_data("netdata-1.37.1/stream-plain.bin");
  line_splitter whole;
  whole.feed(data);
  auto expected = drain(whole);
  line_splitter bytes;
  std::vector<std::string> got;
  for (char c : data) {
    bytes.feed(std::string_view{&c, 1});
    auto more = drain(bytes);
    got.insert(got.end(), more.begin(), more.end());
  }
  CHECK(got.size() == 2779);
  CHECK(got == expected);
  CHECK_FALSE(bytes.finish());
}

TEST_CASE("line_splitter: trailing partial line is truncated") {
  line_splitter s;
  s.feed("END\nBEGIN \"x\"");
  CHECK(drain(s).size() == 1);
  auto err = s.finish();
  CHECK(err.code == ec::truncated);
  CHECK(err.position == 4);
}

TEST_CASE("line_splitter: 15360-byte limit including the newline") {
  SUBCASE("15359 bytes plus newline pass") {
    line_splitter s;
    s.feed(std::string(max_line_length - 1, 'x') + "\nEND\n");
    auto lines = drain(s);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].size() == max_line_length - 1);
    CHECK_FALSE(s.err());
  }
  SUBCASE("15360 bytes without a newline fail") {
    line_splitter s;
    s.feed("END\n");
    s.feed(std::string(max_line_length, 'x'));
    CHECK(drain(s).size() == 1);
    CHECK(s.err().code == ec::line_too_long);
    CHECK(s.err().position == 4);
    CHECK(s.finish().code == ec::line_too_long);
  }
  SUBCASE("a long line fed in pieces fails once it passes the limit") {
    line_splitter s;
    std::string_view line;
    for (int i = 0; i < 15; ++i) {
      s.feed(std::string(1000, 'y'));
      CHECK_FALSE(s.next(line));
      CHECK_FALSE(s.err());
    }
    s.feed(std::string(400, 'y'));
    CHECK_FALSE(s.next(line));
    CHECK(s.err().code == ec::line_too_long);
  }
}
