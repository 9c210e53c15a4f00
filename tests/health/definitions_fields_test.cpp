// health.d keys and values: durations, thresholds, every field of an alarm,
// defaults, bad values, delay.

#include "tests/health/definitions_helpers.hpp"
#include "tests/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tributary::health;
using namespace tributary::health::test;
using tributary::test::data_path;

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

} // TEST_SUITE
