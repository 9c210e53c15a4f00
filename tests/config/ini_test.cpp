#include "config/ini.hpp"

#include <doctest/doctest.h>

using tributary::ec;
using namespace tributary::config;

TEST_SUITE("ini") {

  TEST_CASE("sections, keys with spaces, values with inner spaces") {
    auto f = parse_ini("# comment\n"
                       "\n"
                       "[stream]\n"
                       "    enabled = yes\n"
                       "\tallow from =  10.* !10.1.*  \r\n"
                       "  # indented comment\n"
                       "[22222222-2222-4222-8222-222222222222]\n"
                       "type=api\n"
                       "empty =\n",
                       "s.conf");
    REQUIRE(f.has_value());
    REQUIRE(f->sections.size() == 2);
    const auto& s = f->sections[0];
    CHECK(s.name == "stream");
    CHECK(s.line == 3);
    REQUIRE(s.entries.size() == 2);
    CHECK(s.entries[0].key == "enabled");
    CHECK(s.entries[0].value == "yes");
    CHECK(s.entries[0].line == 4);
    CHECK(s.entries[0].file == "s.conf");
    CHECK(s.entries[1].key == "allow from");
    CHECK(s.entries[1].value == "10.* !10.1.*");
    CHECK(s.entries[1].line == 5);
    const auto& k = f->sections[1];
    CHECK(k.name == "22222222-2222-4222-8222-222222222222");
    REQUIRE(k.entries.size() == 2);
    CHECK(k.entries[0].key == "type");
    CHECK(k.entries[0].value == "api");
    CHECK(k.entries[1].value.empty());
  }

  TEST_CASE("an inline # is part of the value, a split at the first =") {
    auto f = parse_ini("[x]\na = b # c\nurl = http://h/?a=b\n", "f");
    REQUIRE(f.has_value());
    CHECK(f->sections[0].entries[0].value == "b # c");
    CHECK(f->sections[0].entries[1].key == "url");
    CHECK(f->sections[0].entries[1].value == "http://h/?a=b");
  }

  TEST_CASE("an unterminated section is a syntax error with its line") {
    auto f = parse_ini("[stream]\nenabled = yes\n\n[web\nbind to = *\n",
                       "netdata.conf");
    REQUIRE_FALSE(f.has_value());
    CHECK(f.err().code == ec::config_syntax);
    CHECK(f.err().position == 4);
    CHECK(f.err().message.rfind("netdata.conf:4: ", 0) == 0);
  }

  TEST_CASE("lenient parsing reports every problem and keeps going") {
    std::vector<ini_problem> problems;
    auto f = parse_ini_lenient("orphan = 1\n[a]\nno equals sign\n= v\n[b\n"
                               "skipped = 1\n[c]\nk = v\n",
                               "f", problems);
    REQUIRE(problems.size() == 4);
    CHECK(problems[0].line == 1);
    CHECK(problems[1].line == 3);
    CHECK(problems[2].line == 4);
    CHECK(problems[3].line == 5);
    REQUIRE(f.sections.size() == 2);
    CHECK(f.sections[1].name == "c");
    CHECK(f.sections[1].entries.size() == 1);
  }

  TEST_CASE("text without a final newline and CRLF line ends") {
    auto f = parse_ini("[a]\r\nk = v", "f");
    REQUIRE(f.has_value());
    CHECK(f->sections[0].entries[0].value == "v");
  }

} // TEST_SUITE
