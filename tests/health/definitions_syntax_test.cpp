// health.d syntax: lookup lines, continuation lines and comments, keys,
// registration checks, the pitfalls of 1.8.

#include "tests/health/definitions_helpers.hpp"
#include "tests/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tributary::health;
using namespace tributary::health::test;
using tributary::test::data_path;

TEST_SUITE("definitions") {

  TEST_CASE("lookup grammar") {
    SUBCASE("window, at, every and options") {
      auto x = parse_lookup("max -2m at -1m every 30s absolute min2max "
                            "percentage null2zero unaligned anomaly-bit "
                            "match-ids match_names");
      CHECK(x.errors.empty());
      REQUIRE(x.lookup);
      const auto& l = *x.lookup;
      CHECK(l.method == lookup_method::max);
      CHECK(l.method_name == "max");
      CHECK(l.after == -120);
      CHECK(l.before == -60);
      CHECK(x.every == 30);
      CHECK(l.absolute);
      CHECK(l.min2max);
      CHECK(l.percentage);
      CHECK(l.null2zero);
      CHECK(l.unaligned);
      CHECK(l.anomaly_bit);
      CHECK(l.match_ids);
      CHECK(l.match_names);
      CHECK_FALSE(l.dimension_filter);
      CHECK_FALSE(l.foreach_filter);
    }
    SUBCASE("every defaults to abs(AFTER); aliases of options") {
      auto x = parse_lookup("trimmed-mean10 -10m abs absolute_sum match_ids");
      CHECK(x.errors.empty());
      REQUIRE(x.lookup);
      CHECK(x.lookup->method == lookup_method::trimmed_mean);
      CHECK(x.lookup->method_parameter == 10);
      CHECK(x.every == 600);
      CHECK(x.lookup->absolute);
      CHECK(x.lookup->match_ids);
      CHECK_FALSE(x.lookup->unaligned);
    }
    SUBCASE("of: `,` and `|` separate, a space belongs to the name") {
      auto x = parse_lookup("sum -1m of in bytes,out|!drop* , *");
      CHECK(x.errors.empty());
      REQUIRE(x.lookup);
      const auto& l = *x.lookup;
      CHECK(l.dimensions == "in bytes,out|!drop* , *");
      REQUIRE(l.dimension_filter);
      CHECK(l.dimension_filter->matches("in bytes"));
      CHECK_FALSE(l.dimension_filter->matches("in"));
      CHECK(l.dimension_filter->matches("out"));
      CHECK_FALSE(l.dimension_filter->matches("dropped"));
      // ` *` is a word of its own (space included), so `x` does not match.
      CHECK_FALSE(l.dimension_filter->matches("x"));
      CHECK(l.dimension_filter->matches(" x"));
    }
    SUBCASE("of all means no filter") {
      auto x = parse_lookup("average -1m of all");
      REQUIRE(x.lookup);
      CHECK(x.lookup->dimensions == "all");
      CHECK_FALSE(x.lookup->dimension_filter);
      CHECK(x.lookup->selects("anything", "at all"));
    }
    SUBCASE("of ... foreach ...: foreach found case-insensitively") {
      auto x = parse_lookup("average -1m unaligned of a,b FOREACH c,d|e*");
      CHECK(x.errors.empty());
      REQUIRE(x.lookup);
      const auto& l = *x.lookup;
      CHECK(l.dimensions == "a,b");
      CHECK(l.foreach_dimensions == "c,d|e*");
      REQUIRE(l.foreach_filter);
      CHECK(l.foreach_filter->matches("d"));
      CHECK(l.foreach_filter->matches("eth0"));
      CHECK_FALSE(l.foreach_filter->matches("a"));
    }
    SUBCASE("foreach without of") {
      auto x = parse_lookup("sum -2m foreach *");
      CHECK(x.errors.empty());
      REQUIRE(x.lookup);
      CHECK(x.lookup->dimensions.empty());
      CHECK_FALSE(x.lookup->dimension_filter);
      REQUIRE(x.lookup->foreach_filter);
      CHECK(x.lookup->foreach_filter->matches("x"));
    }
    SUBCASE("match-ids / match-names choose what the filter tests") {
      auto ids = parse_lookup("sum -1m match-ids of d1").lookup;
      auto names = parse_lookup("sum -1m match-names of d1").lookup;
      auto both = parse_lookup("sum -1m of d1").lookup;
      CHECK(ids->selects("d1", "other"));
      CHECK_FALSE(ids->selects("other", "d1"));
      CHECK(names->selects("other", "d1"));
      CHECK_FALSE(names->selects("d1", "other"));
      CHECK(both->selects("d1", "other"));
      CHECK(both->selects("other", "d1"));
      CHECK_FALSE(both->selects("x", "y"));
    }
    SUBCASE("errors") {
      CHECK_FALSE(parse_lookup("average").lookup);
      CHECK_FALSE(parse_lookup("Average -1m").lookup);
      auto bad_window = parse_lookup("average soon of x");
      REQUIRE(bad_window.lookup);
      CHECK(bad_window.lookup->after == 0);
      CHECK(bad_window.every == 0);
      CHECK(bad_window.errors.size() == 1);
      auto unknown = parse_lookup("average -1m sideways unaligned at");
      REQUIRE(unknown.lookup);
      CHECK(unknown.lookup->unaligned);
      REQUIRE(unknown.errors.size() == 2);
      CHECK(unknown.errors[0].find("sideways") != std::string::npos);
      CHECK(unknown.errors[1].find("`at` without a duration")
            != std::string::npos);
      CHECK(parse_lookup("average -1m of").errors.size() == 1);
      CHECK(parse_lookup("average -1m foreach").errors.size() == 1);
    }
  }

  TEST_CASE("lookup and every: whichever line comes last sets every") {
    auto x = parse("alarm: before\non: c\nevery: 10s\nlookup: sum -5m\n"
                   "alarm: after\non: c\nlookup: sum -5m\nevery: 10s\n"
                   "alarm: inline\non: c\nlookup: sum -5m every 1m\n"
                   "alarm: reset\non: c\nlookup: sum -5m percentage of a\n"
                   "options: no-clear-notification\nlookup: max -1m\n");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    REQUIRE(x.definitions.size() == 4);
    CHECK(x.definitions[0].every == 300);
    CHECK(x.definitions[1].every == 10);
    CHECK(x.definitions[2].every == 60);
    // A second lookup line resets window, filter and options, but not
    // no-clear-notification.
    const auto& r = x.definitions[3];
    REQUIRE(r.lookup);
    CHECK(r.lookup->method == lookup_method::max);
    CHECK(r.lookup->after == -60);
    CHECK_FALSE(r.lookup->percentage);
    CHECK_FALSE(r.lookup->dimension_filter);
    CHECK(r.every == 60);
    CHECK(r.no_clear_notification);
  }

  TEST_CASE("continuation lines and comments") {
    auto x = parse("# alarm: commented\n"                   // 1
                   "   # also a comment\n"                  // 2
                   "alarm: joined\n"                        // 3
                   "on: system.load\n"                      // 4
                   "info: first part \\\n"                  // 5
                   "      second   part \\\n"               // 6
                   "      third\n"                          // 7
                   "calc: $load1 +\\\n"                     // 8
                   "$load5\n"                               // 9
                   "every: 10s\r\n"                         // 10
                   "# a comment ending in a backslash \\\n" // 11
                   "to: swallowed\n"                        // 12
                   "units: 50 # of 100\n"                   // 13
                   "warn: $this > 1 \\\n");                 // 14 (at EOF)
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    REQUIRE(x.definitions.size() == 1);
    const auto& d = x.definitions[0];
    CHECK(d.line == 3);
    CHECK(d.info == "first part second part third");
    CHECK(d.calc == "$load1 + $load5");
    CHECK(d.calc_line == 8);
    CHECK(d.every == 10);
    // The comment line's backslash joined line 12 into the comment.
    CHECK(d.to == "root");
    CHECK(d.units == "50 # of 100");
    CHECK(d.warn == "$this > 1");
  }

  TEST_CASE("key syntax: case, whitespace runs, first colon, repeats") {
    auto x = parse("ALARM: a\n"
                   "On: chart.one\n"
                   "ON: chart.two\n"
                   "Calc:   $a   +    $b:c\n"
                   "eVeRy: 1m\n"
                   "host\t  labels: x\n"
                   "info: one\n"
                   "info: two\n"
                   "calc: $a\n");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    REQUIRE(x.definitions.size() == 1);
    const auto& d = x.definitions[0];
    CHECK(d.on == "chart.two");
    CHECK(d.calc == "$a"); // other keys repeat silently
    CHECK(d.every == 60);
    REQUIRE(d.host_labels);
    CHECK(d.host_labels->source() == "x");
    CHECK(d.info == "two");
    CHECK(find_diag(x, 3, "`on` repeated", diagnostic::note));
    CHECK(find_diag(x, 8, "`info` repeated", diagnostic::note));
    CHECK(x.count(diagnostic::note) == 2);
    auto y = parse("alarm: b\non: c\ncalc: $x:y\nevery: 1m\n");
    REQUIRE(y.definitions.size() == 1);
    CHECK(y.definitions[0].calc == "$x:y");
  }

  TEST_CASE("registration checks: no on, no every, useless") {
    auto x
        = parse("alarm: no_on\ncalc: 1\nevery: 10s\n"                    // 1
                "alarm: no_every\non: c\ncalc: $x\n"                     // 4
                "template: useless\non: c\nevery: 10s\n"                 // 7
                "alarm: zero_window\non: c\nlookup: sum 0\n"             // 10
                "alarm: zero_window2\non: c\nlookup: sum 0\nevery: 1m\n" // 13
                "alarm: fine\non: c\nlookup: sum -1m\n");                // 18
    INFO(all_diagnostics(x));
    CHECK(find_diag(x, 1, "alarm `no_on` has no `on` line"));
    CHECK(find_diag(x, 4, "alarm `no_every` has no frequency"));
    CHECK(find_diag(x, 7, "template `useless` is useless"));
    CHECK(find_diag(x, 10, "no frequency"));
    CHECK(find_diag(x, 13, "useless"));
    REQUIRE(x.definitions.size() == 1);
    CHECK(x.definitions[0].name == "fine");
    CHECK(x.definitions[0].every == 60);
  }

  TEST_CASE("pitfalls of 1.8") {
    SUBCASE("a calc-only alarm without every is dropped") {
      auto x
          = parse("alarm: helper\non: system.load\ncalc: $active_processors\n");
      CHECK(x.definitions.empty());
      CHECK(find_diag(x, 1, "no frequency"));
    }
    SUBCASE("os/hosts before alarm: do not affect it") {
      auto x = parse("os: freebsd\n"   // 1: a note, no effect
                     "hosts: nobody\n" // 2
                     "alarm: a\non: c\ncalc: 1\nevery: 1m\n"
                     "os: freebsd\n" // belongs to a
                     "alarm: b\non: c\ncalc: 1\nevery: 1m\n");
      INFO(all_diagnostics(x));
      CHECK(x.ok());
      CHECK(find_diag(x, 1, "`os` before the first", diagnostic::note));
      CHECK(find_diag(x, 2, "`hosts` before the first", diagnostic::note));
      REQUIRE(x.definitions.size() == 2);
      host_facts linux_host{"linux", "h"};
      CHECK_FALSE(applies_to_host(x.definitions[0], linux_host));
      CHECK(applies_to_host(x.definitions[1], linux_host));
    }
    SUBCASE("other keys before any entity are errors") {
      auto x = parse("on: c\ncalc: 1\nalarm: a\non: c\ncalc: 1\nevery: 1m\n");
      CHECK(find_diag(x, 1, "`on` outside of an alarm or template"));
      CHECK(find_diag(x, 2, "`calc` outside"));
      CHECK(x.definitions.size() == 1);
    }
    SUBCASE("a rejected expression is absent; the entity loads if something "
            "else is present") {
      load_options opts;
      opts.check_expression = [](std::string_view e) -> std::string {
        return e.find("<>") != std::string_view::npos ? "`<>` is broken" : "";
      };
      auto x = parse("alarm: a\non: c\ncalc: $x\nevery: 1m\n"
                     "warn: $this <> 1\ncrit: $this > 2\n"          // 5, 6
                     "alarm: b\non: c\nevery: 1m\nwarn: $x <> 1\n", // 7..10
                     opts);
      INFO(all_diagnostics(x));
      CHECK(find_diag(x, 5, "cannot parse `warn` expression"));
      CHECK(find_diag(x, 10, "cannot parse `warn`"));
      CHECK(find_diag(x, 7, "alarm `b` is useless"));
      REQUIRE(x.definitions.size() == 1);
      CHECK(x.definitions[0].warn.empty());
      CHECK(x.definitions[0].warn_line == 0);
      CHECK(x.definitions[0].crit == "$this > 2");
    }
    SUBCASE("alarm: accepts plugin/module/host labels, not charts/families") {
      auto x = parse("alarm: a\non: c\ncalc: 1\nevery: 1m\nplugin: p\n"
                     "module: m\nhost labels: k=v\ncharts: x\nfamilies: y\n");
      CHECK(find_diag(x, 8, "`charts` is not a key of an alarm"));
      CHECK(find_diag(x, 9, "`families` is not a key of an alarm"));
      CHECK(x.count(diagnostic::error) == 2);
      REQUIRE(x.definitions.size() == 1);
      CHECK(x.definitions[0].plugin);
      CHECK(x.definitions[0].module);
      CHECK(x.definitions[0].host_labels);
    }
    SUBCASE("an empty alarm: line is ignored; keys go to the previous entity") {
      auto x = parse("alarm: a\non: c\ncalc: 1\nevery: 1m\nalarm:\nto: ops\n");
      CHECK(find_diag(x, 5, "empty value for `alarm`"));
      REQUIRE(x.definitions.size() == 1);
      CHECK(x.definitions[0].to == "ops");
    }
    SUBCASE("a physical line is read in 4095-byte pieces") {
      std::string text = "alarm: a\non: c\nevery: 1m\ninfo: ";
      text += std::string(4095 - 6, 'x');
      text += "calc: 1\n";
      auto x = parse(text);
      INFO(all_diagnostics(x));
      CHECK(find_diag(x, 4, "longer than 4094 bytes"));
      REQUIRE(x.definitions.size() == 1);
      CHECK(x.definitions[0].info == std::string(4095 - 6, 'x'));
      CHECK(x.definitions[0].calc == "1");
    }
  }

} // TEST_SUITE
