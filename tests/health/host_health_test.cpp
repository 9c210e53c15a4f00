#include "health/host_health.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace tributary::health;

namespace {

constexpr const char* config = R"(
 alarm: fake_level
    on: fake.c1
lookup: average -3s unaligned of d0
 every: 1s
 units: things
  warn: $this > 1005
  crit: $this > 1015
  info: level of $family

 alarm: fake_ratio
    on: fake.c1
  calc: $d1 / $d0 * 100
 every: 2s
  warn: $this > 200
  crit: $fake_level > 2000

template: fake_dim
      on: fake.c2
  lookup: max -2s unaligned foreach d0,d2
   every: 1s
    warn: $this > 2025

template: fake_level
      on: fake.c1
    calc: 1
   every: 1s
)";

chart_snapshot chart(int c, int64_t first, int64_t last) {
  chart_snapshot s;
  s.facts.id = "fake.c" + std::to_string(c);
  s.facts.name = s.facts.id;
  s.facts.context = s.facts.id;
  s.facts.family = "fake";
  s.facts.plugin = "ndfakechild";
  s.facts.module = "fake";
  for (auto d : {"d0", "d1", "d2"})
    s.facts.dimensions.emplace_back(d, d);
  s.units = "units";
  s.update_every = 1;
  s.first_entry = first;
  s.last_entry = last;
  return s;
}

lookup_row row(std::vector<double> values) {
  lookup_row r;
  r.ids = {"d0", "d1", "d2"};
  r.names = r.ids;
  r.values = std::move(values);
  return r;
}

struct fixture {
  load_result defs = parse_health_text(config, "test.conf");
  host_health h{defs, host_facts{"linux", "child"}, 1000, 100};
};

} // namespace

TEST_SUITE("host health") {

  TEST_CASE_FIXTURE(
      fixture,
      "alarms and templates link to their charts, logging UNINITIALIZED") {
    INFO(defs.diagnostics.size());
    REQUIRE(defs.ok());
    h.link({chart(1, 1000, 1010), chart(2, 1000, 1010), chart(3, 1000, 1010)},
           1010);
    auto& a = h.alerts();
    // fake_level the template yields to fake_level the alarm on fake.c1.
    CHECK(a.size() == 4);
    REQUIRE(a.count("fake.c1/fake_level") == 1);
    CHECK(a.at("fake.c1/fake_level").def->is_template == false);
    CHECK(a.count("fake.c1/fake_ratio") == 1);
    CHECK(a.count("fake.c2/fake_dim_d0") == 1);
    CHECK(a.count("fake.c2/fake_dim_d2") == 1);
    CHECK(a.count("fake.c2/fake_dim_d1") == 0);
    auto& level = a.at("fake.c1/fake_level").state;
    CHECK(level.units == "things");
    CHECK(level.info == "level of fake");
    CHECK(a.at("fake.c2/fake_dim_d0").state.units == "units");
    CHECK(a.at("fake.c2/fake_dim_d0").api_chart == "fake.c2");
    CHECK(h.log().entries().size() == 4);
    CHECK(h.log().entries().front().new_status == status::uninitialized);
    CHECK(h.take_problems().empty());
    // Linking again adds nothing.
    h.link({chart(1, 1000, 1011), chart(2, 1000, 1011)}, 1011);
    CHECK(h.alerts().size() == 4);
    CHECK(h.log().entries().size() == 4);
  }

  TEST_CASE_FIXTURE(
      fixture,
      "a dimension added later gets its foreach alert at the next link") {
    auto c2 = chart(2, 1000, 1010);
    c2.facts.dimensions.pop_back(); // no d2 yet
    h.link({c2}, 1010);
    CHECK(h.alerts().count("fake.c2/fake_dim_d0") == 1);
    CHECK(h.alerts().count("fake.c2/fake_dim_d2") == 0);
    h.link({chart(2, 1000, 1020)}, 1020);
    CHECK(h.alerts().count("fake.c2/fake_dim_d2") == 1);
    // A chart that went away and came back keeps its alerts, linked again.
    h.link({chart(1, 1000, 1030)}, 1030);
    CHECK_FALSE(h.alerts().at("fake.c2/fake_dim_d0").linked);
    h.link({chart(1, 1000, 1040), chart(2, 1000, 1040)}, 1040);
    CHECK(h.alerts().at("fake.c2/fake_dim_d0").linked);
    CHECK(h.alerts().count("fake.c1/fake_level") == 1);
  }

  TEST_CASE_FIXTURE(
      fixture, "due: collected twice, enough history for the lookup window") {
    h.link({chart(1, 1000, 1000), chart(2, 1000, 1001)}, 1001);
    // fake.c1 has one point only: nothing on it is due.
    auto due = h.due(1001);
    CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 0);
    h.link({chart(1, 1000, 1002), chart(2, 1000, 1002)}, 1002);
    // -3s: the window must start no earlier than one update before the
    // first stored point.
    due = h.due(1001);
    CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 0);
    CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_ratio") == 1);
    due = h.due(1002);
    CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 1);
    due = h.due(1004);
    CHECK(std::count(due.begin(), due.end(), "fake.c1/fake_level") == 1);
    auto q = h.query_for("fake.c1/fake_level", 1004);
    REQUIRE(q.has_value());
    CHECK(q->chart_id == "fake.c1");
    CHECK(q->group == "average");
    CHECK(q->after == -3);
    CHECK(q->before == 0);
    CHECK_FALSE(q->aligned); // `unaligned`
    CHECK_FALSE(h.query_for("fake.c1/fake_ratio", 1004).has_value());
  }

  TEST_CASE("a lookup's method is the storage query's group where the query "
            "has one") {
    auto defs = parse_health_text(R"(
 alarm: by_median
    on: fake.c1
lookup: median -3s of d0
 every: 1s

 alarm: by_des
    on: fake.c1
lookup: des -3s of d0
 every: 1s

 alarm: by_trimmed
    on: fake.c1
lookup: trimmed-median -3s of d0
 every: 1s
)",
                                  "methods.conf");
    REQUIRE(defs.ok());
    host_health h{defs, host_facts{"linux", "child"}, 1000, 100};
    h.link({chart(1, 1000, 1010)}, 1010);
    auto median = h.query_for("fake.c1/by_median", 1010);
    REQUIRE(median.has_value());
    CHECK(median->group == "median");
    auto des = h.query_for("fake.c1/by_des", 1010);
    REQUIRE(des.has_value());
    CHECK(des->group == "des");
    // No storage group computes a trimmed median yet: no query, NaN.
    CHECK_FALSE(h.query_for("fake.c1/by_trimmed", 1010).has_value());
  }

  TEST_CASE_FIXTURE(fixture, "evaluation: lookup, calc with dimensions and "
                             "alarm variables, status changes") {
    h.link({chart(1, 1000, 1010), chart(2, 1000, 1010)}, 1010);
    auto last = row({1000, 3000, 1020});
    h.evaluate("fake.c1/fake_level", row({1004, 2500, 7}), last, 1010);
    auto& level = h.alerts().at("fake.c1/fake_level").state;
    CHECK(level.value == 1004); // of d0 only
    CHECK(level.current == status::clear);
    CHECK(level.next_update == 1011);
    CHECK(h.alerts().at("fake.c1/fake_level").db_before == 1010);
    CHECK(h.alerts().at("fake.c1/fake_level").db_after == 1007);
    h.evaluate("fake.c1/fake_level", row({1010, 2500, 7}), last, 1011);
    CHECK(level.current == status::warning);
    h.evaluate("fake.c1/fake_ratio", std::nullopt, last, 1011);
    auto& ratio = h.alerts().at("fake.c1/fake_ratio").state;
    CHECK(ratio.value == doctest::Approx(300.0));
    CHECK(ratio.current == status::warning);
    h.evaluate("fake.c1/fake_level", row({2001, 2500, 7}), last, 1012);
    CHECK(level.current == status::critical);
    // $fake_level reads the other alarm of the chart.
    h.evaluate("fake.c1/fake_ratio", std::nullopt, last, 1013);
    CHECK(ratio.current == status::critical);
    // A failed lookup makes the value NaN: `$this > 1005` is false, CLEAR.
    h.evaluate("fake.c1/fake_level", std::nullopt, last, 1014);
    CHECK(std::isnan(level.value));
    CHECK(level.current == status::clear);
    // foreach: each instance folds its own dimension.
    h.evaluate("fake.c2/fake_dim_d2", row({2000, 2010, 2030}), last, 1014);
    CHECK(h.alerts().at("fake.c2/fake_dim_d2").state.value == 2030);
    CHECK(h.alerts().at("fake.c2/fake_dim_d2").state.current
          == status::warning);
    h.evaluate("fake.c2/fake_dim_d0", row({2000, 2010, 2030}), last, 1014);
    CHECK(h.alerts().at("fake.c2/fake_dim_d0").state.current == status::clear);
    // The log holds every transition, newest first; due notifications.
    auto& log = h.log().entries();
    CHECK(log.front().name == "fake_dim_d0");
    auto due = h.take_notifications(1014);
    CHECK_FALSE(due.empty());
  }

  TEST_CASE("an expression that does not parse is reported at its line") {
    auto defs = parse_health_text(
        " alarm: broken\n    on: fake.c1\n  calc: 1\n every: 1s\n"
        "  warn: $this >\n",
        "bad.conf");
    host_health h{defs, host_facts{"linux", "child"}, 1000, 1};
    h.link({chart(1, 1000, 1010)}, 1010);
    auto problems = h.take_problems();
    // Either the loader or the linker names bad.conf:5.
    bool named = false;
    for (auto& p : problems)
      named = named || p.rfind("bad.conf:5:", 0) == 0;
    for (auto& d : defs.diagnostics)
      named = named || (d.file == "bad.conf" && d.line == 5);
    CHECK(named);
  }

} // TEST_SUITE

TEST_SUITE("host health: repeat") {

  namespace {

  /// `rep` and `plain` read d0 and d1 of fake.c1: above 10 WARNING, above 20
  /// CRITICAL.
  std::string repeat_config(const std::string& repeat_line,
                            const std::string& extra = {}) {
    return " alarm: rep\n    on: fake.c1\n  calc: $d0\n every: 1s\n"
           "  warn: $this > 10\n  crit: $this > 20\n"
           + repeat_line + "\n" + extra
           + "\n alarm: plain\n    on: fake.c1\n  calc: $d1\n every: 1s\n"
             "  warn: $this > 10\n  crit: $this > 20\n";
  }

  struct repeat_host {
    load_result defs;
    host_health h;

    explicit repeat_host(const std::string& text, const load_options& o = {})
        : defs(parse_health_text(text, "repeat.conf", o)),
          h(defs, host_facts{"linux", "child"}, 1000, 100) {
      h.link({chart(1, 900, 1000)}, 1000);
    }

    /// Both alarms evaluated at `now` with `rep` = v0, `plain` = v1.
    void set(double v0, double v1, int64_t now) {
      auto last = row({v0, v1, 0});
      h.evaluate("fake.c1/rep", std::nullopt, last, now);
      h.evaluate("fake.c1/plain", std::nullopt, last, now);
    }

    const alert_instance& rep() const {
      return h.alerts().at("fake.c1/rep").state;
    }

    /// The notifications of `name` due at `now`.
    std::vector<log_entry> notified(const std::string& name, int64_t now) {
      std::vector<log_entry> out;
      for (auto& e : h.take_notifications(now))
        if (e.name == name)
          out.push_back(e);
      return out;
    }

    /// The repeats due at each second of [from, to].
    std::vector<log_entry> repeats(int64_t from, int64_t to) {
      std::vector<log_entry> out;
      for (auto t = from; t <= to; ++t)
        for (auto& e : h.take_repeats(t))
          out.push_back(e);
      return out;
    }
  };

  bool in_log(const host_health& h, uint32_t unique_id) {
    for (auto& e : h.log().entries())
      if (e.unique_id == unique_id)
        return true;
    return false;
  }

  } // namespace

  TEST_CASE("repeat warning 10s critical 20s: no normal notification, repeats "
            "at the intervals") {
    repeat_host x{repeat_config("repeat: warning 10s critical 20s")};
    REQUIRE(x.defs.ok());
    CHECK(x.rep().warn_repeat_every == 10);
    CHECK(x.rep().crit_repeat_every == 20);
    x.set(5, 5, 1000);                     // CLEAR
    CHECK(x.h.take_repeats(1000).empty()); // CLEAR after UNINITIALIZED
    x.set(15, 15, 1001);                   // WARNING
    // The plain alarm notifies its WARNING; the repeating one does not.
    CHECK(x.notified("plain", 1001).size() == 1);
    CHECK(x.notified("rep", 1001).empty());
    // Every transition of `rep` is marked repeating, none of `plain`.
    for (auto& e : x.h.log().entries())
      CHECK(((e.flags & entry_flag::is_repeating) != 0) == (e.name == "rep"));
    // The first repeat at once, then every 10 s.
    auto r = x.h.take_repeats(1001);
    REQUIRE(r.size() == 1);
    CHECK(r[0].name == "rep");
    CHECK(r[0].new_status == status::warning);
    CHECK(r[0].old_status == status::clear);
    CHECK(r[0].new_value == 15);
    CHECK(r[0].when == 1001);
    CHECK(r[0].last_repeat == 1001);
    CHECK((r[0].flags & entry_flag::is_repeating) == 0);
    CHECK(x.rep().last_repeat == 1001);
    CHECK(x.rep().times_repeat == 1);
    // Not in the log, and an id no log entry has: the notifier's mark_exec
    // on it changes nothing.
    CHECK_FALSE(in_log(x.h, r[0].unique_id));
    auto before = x.h.log().entries().size();
    auto front_flags = x.h.log().entries().front().flags;
    x.h.log().mark_exec(r[0].unique_id, 1001, 0);
    CHECK(x.h.log().entries().size() == before);
    CHECK(x.h.log().entries().front().flags == front_flags);
    CHECK(x.repeats(1002, 1010).empty());
    r = x.repeats(1011, 1020);
    REQUIRE(r.size() == 1);
    CHECK(r[0].when == 1011);
    CHECK(r[0].new_status == status::warning);
    CHECK(x.rep().times_repeat == 2);
    CHECK(r[0].alarm_event_id > 0);
    // CRITICAL: never a normal notification; the next repeat 20 s after the
    // last one.
    x.set(25, 5, 1021);
    CHECK(x.rep().current == status::critical);
    CHECK(x.notified("rep", 1021).empty());
    CHECK(x.repeats(1021, 1030).empty());
    r = x.repeats(1031, 1070);
    REQUIRE(r.size() == 2);
    CHECK(r[0].when == 1031);
    CHECK(r[1].when == 1051);
    CHECK(r[0].new_status == status::critical);
    CHECK(r[0].old_status == status::warning);
    CHECK(r[0].duration == 10);
    CHECK(r[0].non_clear_duration == 10);
    CHECK(x.rep().times_repeat == 4);
    CHECK(x.rep().last_repeat == 1051);
    // Repeats use the host's unique ids and the alert's event ids.
    CHECK(r[1].unique_id > r[0].unique_id);
    CHECK(r[1].alarm_event_id == r[0].alarm_event_id + 1);
    x.set(5, 5, 1071); // CLEAR: the next transition numbers after the repeats
    CHECK(x.h.log().entries().front().name == "rep");
    for (auto& e : x.h.log().entries())
      if (e.name == "rep") {
        CHECK(e.new_status == status::clear);
        CHECK(e.alarm_event_id == r[1].alarm_event_id + 1);
        CHECK(e.unique_id > r[1].unique_id);
        break;
      }
    CHECK(x.notified("rep", 1071).empty());
  }

  TEST_CASE("repeat critical 10s only: WARNING never notified, one CLEAR after "
            "CRITICAL") {
    repeat_host x{repeat_config("repeat: critical 10s", "delay: down 5s\n")};
    REQUIRE(x.defs.ok());
    x.set(5, 5, 1000);
    x.set(15, 5, 1001); // WARNING
    CHECK(x.notified("rep", 1001).empty());
    CHECK(x.repeats(1001, 1100).empty());
    CHECK(x.notified("rep", 1100).empty());
    CHECK(x.rep().times_repeat == 0);
    x.set(25, 5, 1101); // CRITICAL
    auto r = x.repeats(1101, 1125);
    REQUIRE(r.size() == 3);
    CHECK(r[0].when == 1101);
    CHECK(r[0].new_status == status::critical);
    CHECK(r[0].old_status == status::warning);
    CHECK(r[1].when == 1111);
    CHECK(r[2].when == 1121);
    CHECK(x.rep().times_repeat == 3);
    // CLEAR at 1126 (a round ran at 1125 without a repeat): the `down 5s`
    // delay holds it until 1131, then one CLEAR, and never again.
    x.set(5, 5, 1126);
    CHECK(x.rep().current == status::clear);
    CHECK(x.notified("rep", 1131).empty());
    CHECK(x.repeats(1126, 1130).empty());
    r = x.h.take_repeats(1131);
    REQUIRE(r.size() == 1);
    CHECK(r[0].new_status == status::clear);
    CHECK(r[0].old_status == status::critical);
    CHECK((r[0].flags & entry_flag::run_once) != 0);
    CHECK(x.rep().times_repeat == 4);
    CHECK(x.repeats(1132, 1300).empty());
    CHECK(x.rep().times_repeat == 4);
    CHECK(x.rep().last_repeat == 1131);
    // Raised again, then CLEAR again: one more CLEAR.
    x.set(25, 5, 1301);
    CHECK(x.h.take_repeats(1301).size() == 1);
    CHECK(x.h.take_repeats(1302).empty()); // clears RUN_ONCE
    x.set(5, 5, 1303);
    CHECK(x.repeats(1303, 1307).empty()); // delay
    r = x.repeats(1308, 1400);
    REQUIRE(r.size() == 1);
    CHECK(r[0].new_status == status::clear);
    CHECK(r[0].when == 1308);
  }

  TEST_CASE("repeat: Netdata's RUN_ONCE: no CLEAR when the last raised round "
            "sent a repeat") {
    repeat_host x{repeat_config("repeat: critical 10s")};
    x.set(5, 5, 1000);
    x.set(25, 5, 1001);
    CHECK(x.h.take_repeats(1001).size() == 1);
    // CLEAR before another round saw CRITICAL: the repeat of 1001 left
    // RUN_ONCE set.
    x.set(5, 5, 1002);
    CHECK(x.repeats(1002, 1100).empty());
    CHECK(x.rep().times_repeat == 1);
  }

  TEST_CASE("repeat: off, and the [health] default repeat") {
    load_options o;
    o.default_repeat_warning = 30;
    o.default_repeat_critical = 60;
    SUBCASE("off: normal notifications, no repeats") {
      repeat_host x{repeat_config("repeat: off"), o};
      REQUIRE(x.defs.ok());
      CHECK_FALSE(x.rep().repeating());
      x.set(5, 5, 1000);
      x.set(15, 5, 1001);
      auto n = x.notified("rep", 1001);
      REQUIRE(n.size() == 1);
      CHECK(n[0].new_status == status::warning);
      for (auto& e : x.h.log().entries())
        if (e.name == "rep")
          CHECK((e.flags & entry_flag::is_repeating) == 0);
      x.set(25, 5, 1002);
      CHECK(x.notified("rep", 1002).size() == 1);
      CHECK(x.repeats(1002, 1200).empty());
      x.set(5, 5, 1201);
      n = x.notified("rep", 1201);
      REQUIRE(n.size() == 1);
      CHECK(n[0].new_status == status::clear);
      CHECK(x.repeats(1201, 1300).empty());
      CHECK(x.rep().times_repeat == 0);
      CHECK(x.rep().last_repeat == 0);
    }
    SUBCASE("no repeat line: the defaults apply") {
      repeat_host x{repeat_config(""), o};
      REQUIRE(x.defs.ok());
      CHECK(x.rep().warn_repeat_every == 30);
      CHECK(x.rep().crit_repeat_every == 60);
      x.set(5, 5, 1000);
      x.set(15, 5, 1001);
      CHECK(x.notified("rep", 1001).empty());
      auto r = x.repeats(1001, 1061);
      REQUIRE(r.size() == 3);
      CHECK(r[1].when == 1031);
      CHECK(r[2].when == 1061);
    }
  }

  TEST_CASE("a non-repeating alert: normal notifications only") {
    repeat_host x{repeat_config("")};
    REQUIRE(x.defs.ok());
    CHECK_FALSE(x.rep().repeating());
    x.set(5, 15, 1000);
    auto n = x.notified("plain", 1000);
    REQUIRE(n.size() == 1);
    CHECK(n[0].new_status == status::warning);
    x.set(5, 25, 1001);
    CHECK(x.notified("plain", 1001).size() == 1);
    // Same status again: no duplicate, and no repeats.
    CHECK(x.notified("plain", 1002).empty());
    CHECK(x.repeats(1001, 1100).empty());
    x.set(5, 5, 1101);
    n = x.notified("plain", 1101);
    REQUIRE(n.size() == 1);
    CHECK(n[0].new_status == status::clear);
    CHECK(x.h.alerts().at("fake.c1/plain").state.times_repeat == 0);
  }

} // TEST_SUITE
