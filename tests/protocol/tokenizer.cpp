#include "protocol/tokenizer.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace tributary::protocol;

namespace {

std::vector<std::string> split(std::string_view line) {
  words ws;
  tokenize(line, ws);
  return {ws.begin(), ws.end()};
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("tokenizer: plain, quoted and = separated words") {
  CHECK(split("SET \"user\" = 234567") == strings{"SET", "user", "234567"});
  CHECK(split("SET x 5") == split("SET x = 5"));
  CHECK(split("SET x=5") == strings{"SET", "x", "5"});
  CHECK(split("a\tb\r\nc") == strings{"a", "b", "c"});
  CHECK(split("  leading   and trailing  ")
        == strings{"leading", "and", "trailing"});
  CHECK(split("X 'single quoted' \"double quoted\"")
        == strings{"X", "single quoted", "double quoted"});
  // Inside quotes, = and whitespace are literal.
  CHECK(split("LABEL \"a = b\" = 1 \"c d\"")
        == strings{"LABEL", "a = b", "1", "c d"});
}

TEST_CASE("tokenizer: empty quoted words count") {
  CHECK(split("RBEGIN '' 1 2 3") == strings{"RBEGIN", "", "1", "2", "3"});
  CHECK(split("RSET \"x\" 1.0000000 \"\"")
        == strings{"RSET", "x", "1.0000000", ""});
  CHECK(split("A \"\" \"\"") == strings{"A", "", ""});
  CHECK(split("CHART \"   \"") == strings{"CHART", "   "});
}

TEST_CASE("tokenizer: quotes only open at word start") {
  CHECK(split("ab\"c d\"") == strings{"ab\"c", "d\""});
  CHECK(split("it's fine") == strings{"it's", "fine"});
  // A closing quote ends the word even when text follows it.
  CHECK(split("\"abc\"def") == strings{"abc", "def"});
  // The other quote character does not close.
  CHECK(split("'a\"b' c") == strings{"a\"b", "c"});
  // Unterminated quote runs to the end of the line.
  CHECK(split("X \"open quote = here") == strings{"X", "open quote = here"});
  // A lone opening quote at the end opens no word.
  CHECK(split("X \"") == strings{"X"});
}

TEST_CASE("tokenizer: backslash skips the next character and is kept") {
  CHECK(split("X \"a\\\"b\" c") == strings{"X", "a\\\"b", "c"});
  CHECK(split("a\\ b c") == strings{"a\\ b", "c"});
  CHECK(split("X ab\\") == strings{"X", "ab\\"});
}

TEST_CASE("tokenizer: at most 20 words, the rest dropped") {
  std::string line;
  for (int i = 0; i < 21; ++i)
    line += "w" + std::to_string(i) + " ";
  words ws;
  tokenize(line, ws);
  REQUIRE(ws.size() == max_words);
  CHECK(ws.dropped);
  CHECK(ws[19] == "w19");
  CHECK(ws[20].empty());
  line = line.substr(0, line.find("w20"));
  tokenize(line, ws);
  CHECK(ws.size() == 20);
  CHECK_FALSE(ws.dropped);
}

TEST_CASE("tokenizer: empty lines, NUL bytes, maximum line length") {
  CHECK(split("").empty());
  CHECK(split(" \t = \r").empty());
  using namespace std::string_literals;
  CHECK(split("A B\0C D"s) == strings{"A", "B"});
  std::string big(max_line_length - 1, 'x');
  auto res = tokenize(big);
  REQUIRE(res);
  CHECK(res->size() == 1);
  CHECK((*res)[0].size() == max_line_length - 1);
}
