#include "health/definitions.hpp"
#include "tests/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <string>

using namespace tributary::health;
using tributary::test::data_path;

namespace {

constexpr const char* stock_health_dir = "/usr/lib/netdata/conf.d/health.d";

std::string all_diagnostics(const std::vector<diagnostic>& xs) {
  std::string result;
  for (const auto& d : xs)
    result += to_string(d) + "\n";
  return result;
}

std::string all_diagnostics(const load_result& x) {
  return all_diagnostics(x.diagnostics);
}

/// The first diagnostic of level `lvl` at `line` whose message contains
/// `needle`.
const diagnostic* find_diag(const load_result& x, size_t line,
                            const std::string& needle,
                            diagnostic::severity lvl = diagnostic::error) {
  for (const auto& d : x.diagnostics)
    if (d.line == line && d.level == lvl
        && d.message.find(needle) != std::string::npos)
      return &d;
  return nullptr;
}

const alert_definition* find_def(const load_result& x, const std::string& name,
                                 const std::string& os = "") {
  for (const auto& d : x.definitions)
    if (d.name == name
        && (os.empty() || applies_to_host(d, host_facts{os, "h"})))
      return &d;
  return nullptr;
}

load_result parse(const std::string& text, load_options opts = {}) {
  return parse_health_text(text, "test.conf", opts);
}

std::string file_name(const std::string& path) {
  return std::filesystem::path{path}.filename().string();
}

} // namespace

TEST_SUITE("definitions") {

  TEST_CASE("durations: units, never, fractions, signs, junk") {
    CHECK(parse_duration("never") == 0);
    CHECK(parse_duration("0") == 0);
    CHECK(parse_duration("10") == 10);
    CHECK(parse_duration("10s") == 10);
    CHECK(parse_duration("1m") == 60);
    CHECK(parse_duration("2h") == 7200);
    CHECK(parse_duration("1d") == 86400);
    CHECK(parse_duration("1w") == 604800);
    CHECK(parse_duration("1M") == 30 * 86400);
    CHECK(parse_duration("1Y") == 365 * 86400);
    // Only the first char after the number counts; other letters = seconds.
    CHECK(parse_duration("10min") == 600);
    CHECK(parse_duration("10x") == 10);
    CHECK(parse_duration("1.5m") == 90);
    CHECK(parse_duration("1.9") == 1);
    CHECK(parse_duration("-10m") == -600);
    CHECK(parse_duration("-1.5") == -1);
    CHECK(parse_duration("+5m") == 300);
    CHECK_FALSE(parse_duration("").has_value());
    CHECK_FALSE(parse_duration("m").has_value());
    CHECK_FALSE(parse_duration("Never").has_value());
    CHECK_FALSE(parse_duration(".5m").has_value());
    CHECK_FALSE(parse_duration("-").has_value());
    CHECK_FALSE(parse_duration("100Y").has_value()); // beyond 2^31 seconds
  }

  TEST_CASE("thresholds, names, methods") {
    auto [a, na] = parse_threshold("12.5");
    CHECK(a == 12.5);
    CHECK(na == 4);
    auto [b, nb] = parse_threshold("12abc");
    CHECK(b == 12);
    CHECK(nb == 2);
    auto [c, nc] = parse_threshold("abc");
    CHECK(std::isnan(c));
    CHECK(nc == 0);
    auto [e, ne] = parse_threshold("1e3");
    CHECK(e == 1000);
    CHECK(ne == 3);
    CHECK(parse_threshold(".5").first == 0.5);
    CHECK(std::isnan(parse_threshold("nan").first));
    CHECK(std::isinf(parse_threshold("inf").first));
    CHECK(parse_threshold("NaN").second == 0);

    CHECK(sanitize_name("disk space-usage/%") == "disk_space_usage__");
    CHECK(sanitize_name("a.b_C9") == "a.b_C9");

    using m = lookup_method;
    CHECK(parse_lookup_method("mean")->first == m::average);
    CHECK(parse_lookup_method("incremental-sum")->first == m::incremental_sum);
    CHECK(parse_lookup_method("rsd")->first == m::cv);
    CHECK(parse_lookup_method("ewma")->first == m::ses);
    CHECK(*parse_lookup_method("trimmed-median")
          == std::pair{m::trimmed_median, 5});
    CHECK(*parse_lookup_method("trimmed-mean25")
          == std::pair{m::trimmed_mean, 25});
    CHECK(*parse_lookup_method("percentile") == std::pair{m::percentile, 95});
    CHECK(*parse_lookup_method("percentile99") == std::pair{m::percentile, 99});
    CHECK(*parse_lookup_method("sum") == std::pair{m::sum, 0});
    CHECK_FALSE(parse_lookup_method("percentile96").has_value());
    CHECK_FALSE(parse_lookup_method("trimmed-median4").has_value());
    CHECK_FALSE(parse_lookup_method("Average").has_value()); // case-sensitive
    CHECK_FALSE(parse_lookup_method("avg").has_value());
  }

  TEST_CASE("every keyword of an alarm lands in its field") {
    auto x = parse("# header comment\n"
                   "\n"
                   "    alarm: my alarm-1\n"
                   "       on: system.cpu\n"
                   "    class: 'Utilization'\n"
                   "     type: System\n"
                   "component: \"CPU\"\n"
                   "       os: linux freebsd\n"
                   "    hosts: !child* *\n"
                   "   plugin: proc*\n"
                   "   module: /proc/stat\n"
                   "host    labels: _os_name = Debian* _virt\n"
                   "   lookup: average -10m unaligned of user,system\n"
                   "     calc: $this * 2\n"
                   "    every: 30s\n"
                   "     warn: $this >   80\n"
                   "     crit: $this > 90 # not a comment\n"
                   "    green: 70\n"
                   "      red: 95.5\n"
                   "       to: sysadmin webmaster\n"
                   "     exec: /bin/notify.sh\n"
                   "    delay: up 1m down 15m multiplier 1.5 max 1h\n"
                   "   repeat: warning 2h critical 30m\n"
                   "  options: no-clear-notification\n"
                   "     info: CPU of $family is \"busy\"\n"
                   "    units: \"%\"\n");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK(x.diagnostics.empty());
    REQUIRE(x.definitions.size() == 1);
    const auto& d = x.definitions[0];
    CHECK_FALSE(d.is_template);
    CHECK(d.name == "my_alarm_1");
    CHECK(d.on == "system.cpu");
    CHECK(d.classification == " Utilization ");
    CHECK(d.type == "System");
    CHECK(d.component == " CPU ");
    REQUIRE(d.os.size() == 1);
    CHECK(d.os[0].source() == "linux freebsd");
    REQUIRE(d.hosts.size() == 1);
    CHECK(d.hosts[0].matches("parent"));
    CHECK_FALSE(d.hosts[0].matches("child1"));
    REQUIRE(d.plugin);
    CHECK(d.plugin->matches("proc.plugin"));
    REQUIRE(d.module);
    CHECK(d.module->source() == "/proc/stat");
    REQUIRE(d.host_labels);
    CHECK(d.host_labels->source() == "_os_name=Debian* _virt");
    REQUIRE(d.lookup);
    CHECK(d.lookup->method == lookup_method::average);
    CHECK(d.lookup->after == -600);
    CHECK(d.lookup->unaligned);
    CHECK(d.lookup->dimensions == "user,system");
    CHECK(d.has_lookup());
    CHECK(d.calc == "$this * 2");
    CHECK(d.calc_line == 14);
    CHECK(d.every == 30);
    CHECK(d.warn == "$this > 80");
    CHECK(d.warn_line == 16);
    CHECK(d.crit == "$this > 90 # not a comment");
    CHECK(d.crit_line == 17);
    CHECK(d.green == 70);
    CHECK(d.red == 95.5);
    CHECK(d.to == "sysadmin webmaster");
    CHECK(d.exec == "/bin/notify.sh");
    CHECK(d.delay.up == 60);
    CHECK(d.delay.down == 900);
    CHECK(d.delay.multiplier == 1.5);
    CHECK(d.delay.max == 3600);
    CHECK(d.repeat.warning == 7200);
    CHECK(d.repeat.critical == 1800);
    CHECK(d.repeat.repeating());
    CHECK(d.no_clear_notification);
    CHECK(d.info == "CPU of $family is  busy ");
    CHECK(d.units == " % ");
    CHECK(d.file == "test.conf");
    CHECK(d.line == 3);
    CHECK(d.source() == "3@test.conf");
    CHECK(d.key() == "system.cpu/my_alarm_1");
  }

  TEST_CASE("defaults of an entity and of load_options") {
    load_options opts;
    opts.default_exec = "/x/alarm-notify.sh";
    opts.default_repeat_warning = 60;
    opts.default_repeat_critical = 120;
    auto x = parse("alarm: a\non: c\ncalc: 1\nevery: 10s\n"
                   "template: t\non: ctx\nwarn: 1\nevery: 10s\n"
                   "families: eth*\n"
                   "template: u\non: ctx\ncrit: 1\nevery: 10s\nrepeat: off\n",
                   opts);
    INFO(all_diagnostics(x));
    REQUIRE(x.definitions.size() == 3);
    const auto& a = x.definitions[0];
    CHECK(a.to == "root");
    CHECK(a.exec == "/x/alarm-notify.sh");
    CHECK(a.repeat.warning == 60);
    CHECK(a.repeat.critical == 120);
    CHECK(a.units.empty());
    CHECK(a.classification.empty());
    CHECK(std::isnan(a.green));
    CHECK(std::isnan(a.red));
    CHECK(a.delay.up == 0);
    CHECK(a.delay.down == 0);
    CHECK(a.delay.multiplier == 1.0);
    CHECK(a.delay.max == 0);
    CHECK_FALSE(a.no_clear_notification);
    CHECK_FALSE(a.lookup);
    CHECK(load_options{}.default_exec
          == "/usr/lib/netdata/plugins.d/alarm-notify.sh");
    // Template keys: name plus families (or *).
    CHECK(x.definitions[1].is_template);
    CHECK(x.definitions[1].key() == "t/eth*");
    CHECK(x.definitions[2].key() == "u/*");
    CHECK(x.definitions[2].repeat.warning == 0);
    CHECK(x.definitions[2].repeat.critical == 0);
    CHECK_FALSE(x.definitions[2].repeat.repeating());
  }

  TEST_CASE(
      "bad values are reported at file:line and handled as Netdata does") {
    auto x = parse("alarm: a\n"                       // 1
                   "on: system.cpu\n"                 // 2
                   "calc: $x\n"                       // 3
                   "every: soon\n"                    // 4 → 0
                   "every: 10s\n"                     // 5
                   "green: 12abc\n"                   // 6 prefix kept
                   "red: high\n"                      // 7 NaN
                   "delay: up 1m multiplier 0\n"      // 8
                   "delay: down 1m sideways 3 up x\n" // 9
                   "repeat: warning 1m loud 2\n"      // 10
                   "options: no-clear loud\n"         // 11
                   "colour: blue\n"                   // 12
                   "no colon here\n"                  // 13
                   "units:\n"                         // 14
                   ": value\n"                        // 15
                   "os: !\n"                          // 16
                   "lookup: avg -1m\n"                // 17
                   "families: *\n"                    // 18 alarm: unknown
                   "charts: *\n");                    // 19
    CHECK_FALSE(x.ok());
    INFO(all_diagnostics(x));
    CHECK(find_diag(x, 4, "`soon`"));
    CHECK(find_diag(x, 6, "trailing text `abc`"));
    CHECK(find_diag(x, 7, "invalid number `high`"));
    CHECK(find_diag(x, 8, "multiplier `0`"));
    CHECK(find_diag(x, 9, "unknown delay option `sideways`"));
    CHECK(find_diag(x, 9, "invalid duration `x`"));
    CHECK(find_diag(x, 10, "unknown repeat option `loud`"));
    CHECK(find_diag(x, 11, "unknown option `loud`"));
    CHECK(find_diag(x, 12, "unknown key `colour`"));
    CHECK(find_diag(x, 13, "no `:`"));
    CHECK(find_diag(x, 14, "empty value for `units`"));
    CHECK(find_diag(x, 15, "empty key"));
    CHECK(find_diag(x, 16, "`os`"));
    CHECK(find_diag(x, 17, "unknown lookup method `avg`"));
    CHECK(find_diag(x, 18, "`families` is not a key of an alarm"));
    CHECK(find_diag(x, 19, "`charts` is not a key of an alarm"));
    CHECK(x.diagnostics.front().file == "test.conf");
    CHECK(to_string(*find_diag(x, 12, "colour")).rfind("test.conf:12: ", 0)
          == 0);
    REQUIRE(x.definitions.size() == 1);
    const auto& d = x.definitions[0];
    CHECK(d.every == 10);
    CHECK(d.green == 12);
    CHECK(std::isnan(d.red));
    // The last delay line wins as a whole: up x → 0, down 1m, default max.
    CHECK(d.delay.up == 0);
    CHECK(d.delay.down == 60);
    CHECK(d.delay.multiplier == 1.0);
    CHECK(d.delay.max == 60);
    CHECK(d.repeat.warning == 60);
    CHECK(d.no_clear_notification);
    CHECK_FALSE(d.lookup); // the bad lookup line was dropped
    CHECK_FALSE(d.charts);
    CHECK_FALSE(d.families);
    // `os: !` cannot compile: the entity then loads for no host.
    CHECK_FALSE(applies_to_host(d, {"linux", "h"}));
  }

  TEST_CASE("delay: a missing max is max(up, down) times the multiplier") {
    std::vector<std::string> errors;
    auto d = parse_delay("up 10s down 1m multiplier 2", errors);
    CHECK(errors.empty());
    CHECK(d.up == 10);
    CHECK(d.down == 60);
    CHECK(d.multiplier == 2.0);
    CHECK(d.max == 120);
    d = parse_delay("UP 30 multiplier 1.5", errors);
    CHECK(d.max == 45);
    d = parse_delay("down 1m max 10s", errors);
    CHECK(d.max == 10);
    CHECK(errors.empty());
    d = parse_delay("multiplier -1 up 1m", errors);
    CHECK(d.multiplier == 1.0);
    CHECK(d.max == 60);
    CHECK(errors.size() == 1);
    auto r = parse_repeat("critical 10s", repeat_settings{5, 6}, errors);
    CHECK(r.warning == 5);
    CHECK(r.critical == 10);
    r = parse_repeat("off warning 1m", repeat_settings{5, 6}, errors);
    CHECK(r.warning == 0);
    CHECK(r.critical == 0);
  }

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

  TEST_CASE("several os and hosts lines must all match") {
    auto x = parse("template: t\non: ctx\ncalc: 1\nevery: 1m\n"
                   "os: linux freebsd\nos: !freebsd *\nhosts: web* db*\n");
    REQUIRE(x.definitions.size() == 1);
    const auto& d = x.definitions[0];
    CHECK(applies_to_host(d, {"linux", "web1"}));
    CHECK_FALSE(applies_to_host(d, {"freebsd", "web1"}));
    CHECK_FALSE(applies_to_host(d, {"macos", "web1"}));
    CHECK_FALSE(applies_to_host(d, {"linux", "mail"}));
    CHECK_FALSE(applies_to_host(d, {"linux", ""}));
  }

  TEST_CASE("host labels: name or name=value, any label") {
    auto x = parse("alarm: a\non: c\ncalc: 1\nevery: 1m\n"
                   "host labels: _is_k8s_node = false\n"
                   "alarm: b\non: c\ncalc: 1\nevery: 1m\n"
                   "host labels: !role=db role\n"
                   "alarm: c\non: c\ncalc: 1\nevery: 1m\n");
    REQUIRE(x.definitions.size() == 3);
    const auto& a = x.definitions[0];
    const auto& b = x.definitions[1];
    const auto& c = x.definitions[2];
    REQUIRE(a.host_labels);
    CHECK(a.host_labels->source() == "_is_k8s_node=false");
    label_list k8s{{"_os_name", "Debian"}, {"_is_k8s_node", "true"}};
    label_list plain{{"_os_name", "Debian"}, {"_is_k8s_node", "false"}};
    label_list none;
    CHECK_FALSE(host_labels_match(a, &k8s));
    CHECK(host_labels_match(a, &plain));
    CHECK(host_labels_match(a, nullptr));     // link time: no dictionary passes
    CHECK_FALSE(host_labels_match(a, &none)); // an empty dictionary does not
    CHECK_FALSE(survives_host_label_pass(a, nullptr));
    CHECK_FALSE(survives_host_label_pass(a, &none));
    CHECK(survives_host_label_pass(a, &plain));
    // The name matches positively before name=value is tried.
    label_list db{{"role", "db"}};
    CHECK(host_labels_match(b, &db));
    label_list other{{"zone", "eu"}};
    CHECK_FALSE(host_labels_match(b, &other));
    // No host labels line: always passes.
    CHECK(host_labels_match(c, &none));
    CHECK(survives_host_label_pass(c, nullptr));
  }

  TEST_CASE("attach rules: alarms by chart id or name, templates by context") {
    auto x = parse("alarm: a\non: disk_space._\ncalc: 1\nevery: 1m\n"
                   "plugin: diskspace*\n"
                   "template: t\non: disk.space\ncalc: 1\nevery: 1m\n"
                   "families: !/dev !/dev/* *\ncharts: disk_space.*\n"
                   "module: !* *\n"
                   "template: per_dim\non: net.net\nevery: 1m\n"
                   "lookup: average -1m foreach rec*,sent\n"
                   "host labels: env=prod\n");
    INFO(all_diagnostics(x));
    REQUIRE(x.definitions.size() == 3);
    const auto& a = x.definitions[0];
    const auto& t = x.definitions[1];
    const auto& f = x.definitions[2];
    chart_facts root{"disk_space._",      "disk_space./",
                     "disk.space",        "/",
                     "diskspace.plugin",  "",
                     {{"avail", "avail"}}};
    chart_facts dev = root;
    dev.id = "disk_space._dev";
    dev.name = "disk_space./dev";
    dev.family = "/dev";
    CHECK(applies_to(a, root));
    chart_facts by_name = dev;
    by_name.name = "disk_space._"; // `on` may equal the chart name
    CHECK(applies_to(a, by_name));
    CHECK_FALSE(applies_to(a, dev));
    chart_facts other_plugin = root;
    other_plugin.plugin = "proc.plugin";
    CHECK_FALSE(applies_to(a, other_plugin));
    chart_facts no_plugin = root;
    no_plugin.plugin.clear(); // an empty subject never matches
    CHECK_FALSE(applies_to(a, no_plugin));

    // `module: !* *` fails for any module but also for an empty one.
    CHECK_FALSE(applies_to(t, root));
    chart_facts with_module = root;
    with_module.module = "m";
    CHECK_FALSE(applies_to(t, with_module)); // `!*` matches first
    CHECK(t.key() == "t/!/dev !/dev/* *");

    auto t2 = t;
    t2.module.reset();
    CHECK(applies_to(t2, root));
    CHECK_FALSE(applies_to(t2, dev)); // families excludes /dev
    chart_facts wrong_context = root;
    wrong_context.context = "disk.inodes";
    CHECK_FALSE(applies_to(t2, wrong_context));
    chart_facts other_name = root;
    other_name.id = "x";
    other_name.name = "y";
    CHECK_FALSE(applies_to(t2, other_name)); // charts: id or name
    other_name.name = "disk_space.y";
    CHECK(applies_to(t2, other_name));
    CHECK(template_instance_names(t2, root) == std::vector<std::string>{"t"});
    CHECK(template_instance_names(a, root).empty());
    CHECK(instance_key("disk_space._", "t") == "disk_space._/t");

    // foreach: needs ≥ 1 dimension; one alert per matching dim, by id or name.
    chart_facts eth{
        "net.eth0",
        "net.eth0",
        "net.net",
        "eth0",
        "proc.plugin",
        "/proc/net/dev",
        {{"received", "received"}, {"sent_id", "sent"}, {"other", "x-y"}}};
    label_list prod{{"env", "prod"}};
    CHECK(applies_to(f, eth, &prod));
    CHECK(applies_to(f, eth)); // no label dictionary: passes at link time
    label_list dev_labels{{"env", "dev"}};
    CHECK_FALSE(applies_to(f, eth, &dev_labels));
    CHECK(template_instance_names(f, eth)
          == std::vector<std::string>{"per_dim_received", "per_dim_sent"});
    chart_facts empty = eth;
    empty.dimensions.clear();
    CHECK_FALSE(applies_to(f, empty, &prod));
    // An alarm keeps foreach but ignores it.
    auto as_alarm
        = parse("alarm: fa\non: net.eth0\nlookup: sum -1m foreach *\n");
    REQUIRE(as_alarm.definitions.size() == 1);
    CHECK(as_alarm.definitions[0].lookup->foreach_filter);
    CHECK(applies_to(as_alarm.definitions[0], empty));
  }

  TEST_CASE(
      "user directory overrides stock files by name, also in subdirectories") {
    auto user = data_path("health/dirs/user");
    auto stock = data_path("health/dirs/stock");
    auto x = load_health_dirs(user, stock, true);
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    std::vector<std::string> files;
    for (const auto& f : x.files)
      files.push_back(f.substr(data_path("health/dirs/").size()));
    CHECK(files
          == std::vector<std::string>{
              "user/a.conf", "user/sub1/e.conf", "stock/sub1/c.conf",
              "user/z_dup.conf", "stock/b.conf", "stock/l1/l2/l3/deep.conf",
              "stock/sub2/d.conf"});
    std::vector<std::string> names;
    for (const auto& d : x.definitions)
      names.push_back(d.name);
    CHECK(names
          == std::vector<std::string>{"a_user", "e_user", "c_stock", "b_stock",
                                      "b_stock", "deep_stock", "d_stock"});
    CHECK(x.definitions[0].file == user + "/a.conf");
    CHECK(x.definitions[0].source() == "1@" + user + "/a.conf");

    // The first definition of a key wins: z_dup.conf (user) beats b.conf.
    auto sel = select_for_host(x, {"linux", "parent"});
    INFO(all_diagnostics(sel.diagnostics));
    REQUIRE(sel.alarms.size() == 6);
    CHECK(sel.templates.empty());
    CHECK(file_name(sel.alarms[3]->file) == "z_dup.conf");
    CHECK(sel.alarms[3]->every == 60);
    REQUIRE(sel.diagnostics.size() == 1);
    CHECK(file_name(sel.diagnostics[0].file) == "b.conf");
    CHECK(sel.diagnostics[0].message.find("system.test/b_stock")
          != std::string::npos);

    // Stock disabled: the user directory only (also inside subdirectories).
    auto y = load_health_dirs(user, stock, false);
    CHECK(y.ok());
    REQUIRE(y.files.size() == 3);
    CHECK(file_name(y.files[0]) == "a.conf");
    CHECK(file_name(y.files[1]) == "e.conf");
    CHECK(file_name(y.files[2]) == "z_dup.conf");

    // A missing user or stock directory is a note.
    auto z = load_health_dirs(data_path("health/no-such-dir"), stock, true);
    CHECK(z.ok());
    CHECK(z.count(diagnostic::note) == 1);
    CHECK(z.files.size() == 6);
    auto w = load_health_dirs(user, data_path("health/no-such-dir"), true);
    CHECK(w.ok());
    CHECK(w.count(diagnostic::note) == 1);
    CHECK(w.files.size() == 3);
  }

  TEST_CASE("all of Debian's stock health.d files load without errors") {
    REQUIRE_MESSAGE(std::filesystem::is_directory(stock_health_dir),
                    stock_health_dir,
                    " is missing: install Debian's netdata-core 1.37.1");
    auto x = load_health_dirs(data_path("health/no-such-dir"), stock_health_dir,
                              true);
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK(x.count(diagnostic::note) == 1); // the missing user directory
    CHECK(x.files.size() == 76);
    // 44 `alarm:` and 240 `template:` lines in 1.37.1's stock files.
    size_t alarms = 0;
    size_t templates = 0;
    for (const auto& d : x.definitions)
      (d.is_template ? templates : alarms)++;
    CHECK(alarms == 44);
    CHECK(templates == 240);

    SUBCASE("cpu.conf: 10min_cpu_usage (linux)") {
      const auto* d = find_def(x, "10min_cpu_usage", "linux");
      REQUIRE(d);
      CHECK(d->is_template);
      CHECK(file_name(d->file) == "cpu.conf");
      CHECK(d->line == 4);
      CHECK(d->on == "system.cpu");
      CHECK(d->classification == "Utilization");
      CHECK(d->type == "System");
      CHECK(d->component == "CPU");
      REQUIRE(d->os.size() == 1);
      CHECK(d->os[0].source() == "linux");
      REQUIRE(d->hosts.size() == 1);
      CHECK(d->hosts[0].source() == "*");
      REQUIRE(d->lookup);
      CHECK(d->lookup->method == lookup_method::average);
      CHECK(d->lookup->after == -600);
      CHECK(d->lookup->before == 0);
      CHECK(d->lookup->unaligned);
      CHECK_FALSE(d->lookup->absolute);
      CHECK(d->lookup->dimensions == "user,system,softirq,irq,guest");
      CHECK(d->lookup->selects("softirq", "softirq"));
      CHECK_FALSE(d->lookup->selects("iowait", "iowait"));
      CHECK(d->units == "%");
      CHECK(d->every == 60);
      CHECK(d->warn == "$this > (($status >= $WARNING) ? (75) : (85))");
      CHECK(d->crit == "$this > (($status == $CRITICAL) ? (85) : (95))");
      CHECK(d->calc.empty());
      CHECK(d->delay.up == 0);
      CHECK(d->delay.down == 900);
      CHECK(d->delay.multiplier == 1.5);
      CHECK(d->delay.max == 3600);
      CHECK(d->info
            == "average CPU utilization over the last 10 minutes (excluding "
               "iowait, nice and steal)");
      CHECK(d->to == "sysadmin");
      CHECK(d->key() == "10min_cpu_usage/*");
      const auto* bsd = find_def(x, "10min_cpu_usage", "freebsd");
      REQUIRE(bsd);
      CHECK(bsd->line == 53);
      CHECK(bsd->lookup->dimensions == "user,system,interrupt");
    }
    SUBCASE("ram.conf: ram_in_use (linux) and oom_kill") {
      const auto* d = find_def(x, "ram_in_use", "linux");
      REQUIRE(d);
      CHECK_FALSE(d->is_template);
      CHECK(file_name(d->file) == "ram.conf");
      CHECK(d->line == 4);
      CHECK(d->on == "system.ram");
      CHECK(d->component == "Memory");
      CHECK_FALSE(d->lookup);
      CHECK(d->calc == "$used * 100 / ($used + $cached + $free + $buffers)");
      CHECK(d->units == "%");
      CHECK(d->every == 10);
      CHECK(d->warn == "$this > (($status >= $WARNING) ? (80) : (90))");
      CHECK(d->crit == "$this > (($status == $CRITICAL) ? (90) : (98))");
      CHECK(d->delay.down == 900);
      CHECK(d->delay.multiplier == 1.5);
      CHECK(d->delay.max == 3600);
      CHECK(d->info == "system memory utilization");
      CHECK(d->to == "sysadmin");
      CHECK(d->key() == "system.ram/ram_in_use");
      const auto* oom = find_def(x, "oom_kill");
      REQUIRE(oom);
      CHECK(oom->line == 36);
      REQUIRE(oom->lookup);
      CHECK(oom->lookup->method == lookup_method::sum);
      CHECK(oom->lookup->after == -1800);
      CHECK_FALSE(oom->lookup->dimension_filter);
      CHECK(oom->every == 300);
      CHECK(oom->delay.down == 600);
      CHECK(oom->delay.max == 600);
      REQUIRE(oom->host_labels);
      CHECK(oom->host_labels->source() == "_is_k8s_node=false");
      CHECK(oom->units == "kills");
    }
    SUBCASE("disks.conf families, fping green/red, foreach, softnet "
            "continuation") {
      const auto* disk = find_def(x, "disk_space_usage");
      REQUIRE(disk);
      REQUIRE(disk->families);
      CHECK(disk->families->source() == "!/dev !/dev/* !/run !/run/* *");
      CHECK(disk->info == "disk $family space utilization");
      CHECK(disk->delay.up == 60);
      const auto* fping = find_def(x, "fping_host_latency");
      REQUIRE(fping);
      CHECK(fping->green == 500);
      CHECK(fping->red == 1000);
      const auto* raid = find_def(x, "adaptec_raid_ld_status");
      REQUIRE(raid);
      REQUIRE(raid->lookup);
      REQUIRE(raid->lookup->foreach_filter);
      CHECK(raid->lookup->foreach_dimensions == "*");
      const auto* softnet = find_def(x, "1min_netdev_backlog_exceeded");
      REQUIRE(softnet);
      CHECK(softnet->info
            == "average number of dropped packets in the last minute due to "
               "exceeded net.core.netdev_max_backlog");
      CHECK(softnet->lookup->absolute);
    }
    SUBCASE("a linux host registers each key once") {
      auto sel = select_for_host(x, {"linux", "child"});
      INFO(all_diagnostics(sel.diagnostics));
      CHECK(sel.diagnostics.empty());
      size_t ram_in_use = 0;
      for (const auto* d : sel.alarms)
        ram_in_use += d->name == "ram_in_use";
      CHECK(ram_in_use == 1);
      CHECK(sel.alarms.size() + sel.templates.size() < x.definitions.size());
      CHECK(sel.alarms.size() > 20);
      CHECK(sel.templates.size() > 150);
      auto bsd = select_for_host(x, {"freebsd", "child"});
      INFO(all_diagnostics(bsd.diagnostics));
      CHECK(bsd.diagnostics.empty());
      const alert_definition* bsd_ram = nullptr;
      for (const auto* d : bsd.alarms)
        if (d->name == "ram_in_use")
          bsd_ram = d;
      REQUIRE(bsd_ram);
      CHECK(bsd_ram->line == 50);
      CHECK(bsd.alarms.size() < sel.alarms.size());
    }
  }

} // TEST_SUITE
