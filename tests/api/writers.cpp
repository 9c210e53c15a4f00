#include "api/json_writer.hpp"
#include "api/prometheus_text.hpp"
#include "api/text_fix.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>

using namespace tributary::api;

TEST_CASE("html_escape writes & < > \" / ' as 1.37.1's buffer does") {
  CHECK(html_escape("a<b>&\"'/c") == "a&lt;b&gt;&amp;&quot;&#x27;&#x2F;c");
  CHECK(html_escape("system.cpu") == "system.cpu");
}

TEST_CASE("fix_utf8 keeps valid UTF-8 and turns every invalid byte into '_'") {
  CHECK(fix_utf8("plain") == "plain");
  CHECK(fix_utf8("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80")
        == "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80");
  CHECK(fix_utf8("a\xff"
                 "b")
        == "a_b");
  CHECK(fix_utf8("\xc3\x28") == "_(");           // bad continuation
  CHECK(fix_utf8("\xc0\xaf") == "__");           // overlong
  CHECK(fix_utf8("\xed\xa0\x80") == "___");      // surrogate
  CHECK(fix_utf8("\xf4\x90\x80\x80") == "____"); // above U+10FFFF
  CHECK(fix_utf8("x\xe2\x82") == "x__");         // cut short
  CHECK(is_valid_utf8("\xe2\x82\xac"));
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));
}

TEST_CASE("append_json_string escapes what JSON requires") {
  std::string out;
  append_json_string(out, std::string_view{"q\"b\\n\n\t\x01\x7f\0", 10});
  CHECK(out == "\"q\\\"b\\\\n\\n\\t\\u0001\x7f\\u0000\"");
}

TEST_CASE("json_writer indents with tabs as nlohmann::json dump(1, '\\t')") {
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("a", 1);
  w.key("b").begin_array().value("x").null().value(true).end_array();
  w.key("c").begin_object().end_object();
  w.key("d").begin_array().end_array();
  w.member("e", 1.5);
  w.member("f", 2.0);
  w.member("g", std::numeric_limits<double>::quiet_NaN());
  w.end_object();
  CHECK(w.depth() == 0);
  CHECK(out
        == "{\n\t\"a\": 1,\n\t\"b\": [\n\t\t\"x\",\n\t\tnull,\n\t\ttrue\n\t],"
           "\n\t\"c\": {},\n\t\"d\": [],\n\t\"e\": 1.5,\n\t\"f\": 2.0,"
           "\n\t\"g\": null\n}");
}

TEST_CASE("json numbers read back as the same double") {
  for (double x : {0.1, 1.0 / 3, 1e300, -2.5e-300, 123456.7654321, 1e21}) {
    std::string out;
    append_json_number(out, x);
    CHECK(std::stod(out) == x);
  }
}

TEST_CASE("Prometheus names and label values") {
  CHECK(prometheus_name("system.cpu-load") == "system_cpu_load");
  CHECK(prometheus_name("1abc") == "_1abc");
  std::string v;
  append_prometheus_label_value(v, "a\"b\\c\nd\xff");
  CHECK(v == "a\\\"b\\\\c\\nd_");
}
