#include "health/alert_instance.hpp"
#include "health/alert_state.hpp"
#include "health/health_log.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>

using namespace tributary::health;

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_v = std::numeric_limits<double>::infinity();

log_entry transition(health_log& log, const std::string& name, status from,
                     status to, int64_t when, int64_t delay = 0) {
  log_entry e;
  e.alarm_id = log.alarm_id("system.cpu", name);
  e.name = name;
  e.chart = "system.cpu";
  e.old_status = from;
  e.new_status = to;
  e.when = when;
  e.delay = delay;
  e.delay_up_to_timestamp = when + delay;
  return e;
}

} // namespace

TEST_SUITE("alert state") {

  TEST_CASE(
      "the status decision: crit wins, a failed expression is undefined") {
    CHECK(decide_status(std::nullopt, std::nullopt) == status::undefined);
    CHECK(decide_status(0.0, std::nullopt) == status::clear);
    CHECK(decide_status(1.0, std::nullopt) == status::warning);
    CHECK(decide_status(1.0, 1.0) == status::critical);
    CHECK(decide_status(0.0, 1.0) == status::critical);
    CHECK(decide_status(std::nullopt, 0.0) == status::clear);
    CHECK(decide_status(nan_v, nan_v) == status::undefined);
    CHECK(decide_status(inf_v, 0.0) == status::clear);
    CHECK(decide_status(-2.5, std::nullopt) == status::warning);
    CHECK(to_string(status::critical) == "CRITICAL");
    CHECK(to_string(status::uninitialized) == "UNINITIALIZED");
    CHECK(to_string(status::removed) == "REMOVED");
  }

  TEST_CASE("delays: up and down, multiplied while one runs, capped at max") {
    delay_settings cfg;
    cfg.up = 10;
    cfg.down = 60;
    cfg.multiplier = 2.0;
    cfg.max = 100;
    delay_state st;
    // UNINITIALIZED -> CLEAR counts as up.
    CHECK(apply_delay(cfg, st, status::uninitialized, status::clear, 1000)
          == 10);
    CHECK(st.up_to == 1010);
    // Within the running delay: both grow by the multiplier.
    CHECK(apply_delay(cfg, st, status::clear, status::warning, 1005) == 20);
    CHECK(st.current_down == 100); // 120 capped
    CHECK(apply_delay(cfg, st, status::warning, status::clear, 1010) == 100);
    CHECK(st.up_to == 1110);
    // After the delay ended, back to the configured values.
    CHECK(apply_delay(cfg, st, status::clear, status::critical, 1200) == 10);
    CHECK(st.current_down == 60);
  }

  TEST_CASE("log: ids, event counters, superseding and non-clear durations") {
    health_log log{1000, 500};
    auto a = log.alarm_id("system.cpu", "cpu_usage");
    CHECK(log.alarm_id("system.cpu", "cpu_usage") == a);
    CHECK(log.alarm_id("system.load", "cpu_usage") != a);
    auto first = log.add(transition(log, "cpu_usage", status::uninitialized,
                                    status::warning, 100));
    CHECK(first == 500);
    auto e2
        = transition(log, "cpu_usage", status::warning, status::critical, 160);
    e2.duration = 60;
    auto second = log.add(e2);
    auto e3
        = transition(log, "cpu_usage", status::critical, status::clear, 200);
    e3.duration = 40;
    log.add(e3);
    auto& es = log.entries();
    REQUIRE(es.size() == 3);
    CHECK(es[0].alarm_event_id == 3);
    CHECK(es[0].updates_id == second);
    CHECK(es[1].updated_by_id == es[0].unique_id);
    CHECK((es[1].flags & entry_flag::updated) != 0);
    CHECK((es[0].flags & entry_flag::updated) == 0);
    // 60 s in WARNING, then 40 s in CRITICAL: raised -> raised sums.
    CHECK(es[1].non_clear_duration == 60);
    CHECK(es[0].non_clear_duration == 100);
  }

  TEST_CASE("notifications: only the newest transition, once per status, CLEAR "
            "after a sent alert") {
    health_log log{1000, 1};
    log.add(transition(log, "a", status::uninitialized, status::clear, 10));
    // A first CLEAR notifies nothing.
    CHECK(log.take_notifications(10).empty());
    log.add(transition(log, "a", status::clear, status::warning, 20));
    auto due = log.take_notifications(20);
    REQUIRE(due.size() == 1);
    CHECK(due[0].new_status == status::warning);
    log.mark_exec(due[0].unique_id, 20, 0);
    // Processed entries never notify again.
    CHECK(log.take_notifications(21).empty());
    // WARNING -> REMOVED -> UNINITIALIZED -> WARNING sends nothing the second
    // time.
    log.add(transition(log, "a", status::warning, status::removed, 30));
    log.add(transition(log, "a", status::removed, status::uninitialized, 31));
    log.add(transition(log, "a", status::uninitialized, status::warning, 32));
    CHECK(log.take_notifications(32).empty());
    log.add(transition(log, "a", status::warning, status::clear, 40));
    due = log.take_notifications(40);
    REQUIRE(due.size() == 1);
    CHECK(due[0].new_status == status::clear);
  }

  TEST_CASE("notifications wait for the delay, and a superseded delayed entry "
            "is dropped") {
    health_log log{1000, 1};
    log.add(transition(log, "b", status::clear, status::warning, 100, 30));
    CHECK(log.take_notifications(110).empty());
    log.add(transition(log, "b", status::warning, status::critical, 120, 30));
    CHECK(log.take_notifications(140).empty());
    auto due = log.take_notifications(150);
    REQUIRE(due.size() == 1);
    CHECK(due[0].new_status == status::critical);
  }

  TEST_CASE("silenced and no-clear-notification entries do not notify") {
    health_log log{1000, 1};
    auto w = transition(log, "c", status::clear, status::warning, 10);
    w.flags |= entry_flag::silenced;
    log.add(w);
    CHECK(log.take_notifications(10).empty());
    auto crit = transition(log, "c", status::warning, status::critical, 20);
    crit.flags |= entry_flag::no_clear_notification;
    log.add(crit);
    CHECK(log.take_notifications(20).size() == 1);
    auto clear = transition(log, "c", status::critical, status::clear, 30);
    clear.flags |= entry_flag::no_clear_notification;
    log.add(clear);
    CHECK(log.take_notifications(30).empty());
  }

  TEST_CASE(
      "a repeating alert's transitions are skipped by the notifications") {
    health_log log{1000, 1};
    log.set_repeating(log.alarm_id("system.cpu", "r"), true);
    log.add(transition(log, "r", status::uninitialized, status::clear, 10));
    log.add(transition(log, "r", status::clear, status::warning, 20));
    log.add(transition(log, "n", status::clear, status::warning, 20));
    for (auto& e : log.entries())
      CHECK(((e.flags & entry_flag::is_repeating) != 0) == (e.name == "r"));
    auto due = log.take_notifications(20);
    REQUIRE(due.size() == 1);
    CHECK(due[0].name == "n");
    // Skipped, not processed: they never notify.
    CHECK((log.entries()[1].flags & entry_flag::processed) == 0);
    CHECK(log.take_notifications(1000).empty());
    log.set_repeating(log.alarm_id("system.cpu", "r"), false);
    log.add(transition(log, "r", status::warning, status::critical, 30));
    CHECK((log.entries().front().flags & entry_flag::is_repeating) == 0);
    CHECK(log.take_notifications(30).size() == 1);
  }

  TEST_CASE("repeat entries: numbered, not stored, CLEAR only with RUN_ONCE "
            "after raised") {
    health_log log{1000, 50};
    log.add(transition(log, "r", status::uninitialized, status::warning, 10));
    // No duplicate check for a repeat: WARNING again notifies.
    auto w = transition(log, "r", status::uninitialized, status::warning, 20);
    w.duration = 10;
    CHECK(log.take_temporary(w));
    CHECK(w.unique_id == 51);
    CHECK(w.alarm_event_id == 2);
    CHECK(w.non_clear_duration == 0);
    CHECK((w.flags & entry_flag::processed) != 0);
    CHECK((w.flags & entry_flag::exec_run) != 0);
    CHECK(log.entries().size() == 1);
    CHECK((log.entries().front().flags & entry_flag::updated) == 0);
    auto w2 = transition(log, "r", status::clear, status::warning, 30);
    w2.duration = 20;
    CHECK(log.take_temporary(w2));
    CHECK(w2.unique_id == 52);
    CHECK(w2.alarm_event_id == 3);
    CHECK(w2.non_clear_duration == 0);
    // The next stored transition numbers after the repeats.
    auto id
        = log.add(transition(log, "r", status::warning, status::critical, 40));
    CHECK(id == 53);
    CHECK(log.entries().front().alarm_event_id == 4);
    // CLEAR: needs RUN_ONCE and an old WARNING/CRITICAL.
    auto c = transition(log, "r", status::critical, status::clear, 50);
    c.duration = 10;
    CHECK_FALSE(log.take_temporary(c));
    CHECK(c.non_clear_duration == 10);
    CHECK((c.flags & entry_flag::exec_run) == 0);
    c = transition(log, "r", status::critical, status::clear, 50);
    c.flags |= entry_flag::run_once;
    CHECK(log.take_temporary(c));
    c = transition(log, "r", status::warning, status::clear, 50);
    c.flags |= entry_flag::run_once;
    CHECK(log.take_temporary(c));
    c = transition(log, "r", status::undefined, status::clear, 50);
    c.flags |= entry_flag::run_once;
    CHECK_FALSE(log.take_temporary(c));
    c = transition(log, "r", status::critical, status::clear, 50);
    c.flags |= entry_flag::run_once | entry_flag::no_clear_notification;
    CHECK_FALSE(log.take_temporary(c));
    auto s = transition(log, "r", status::warning, status::critical, 50);
    s.flags |= entry_flag::silenced;
    CHECK_FALSE(log.take_temporary(s));
    auto u = transition(log, "r", status::critical, status::undefined, 50);
    CHECK_FALSE(log.take_temporary(u));
    // mark_exec of an id not in the log changes nothing.
    auto before = log.entries().front();
    log.mark_exec(c.unique_id, 60, 1);
    CHECK(log.entries().size() == 2);
    CHECK(log.entries().front().flags == before.flags);
    CHECK(log.entries().front().exec_code == 0);
  }

  TEST_CASE("the in-memory log keeps the newest two thirds when full") {
    health_log log{30, 1};
    for (int i = 0; i < 31; ++i)
      log.add(transition(log, "d" + std::to_string(i % 3), status::clear,
                         status::warning, i));
    CHECK(log.entries().size() == 20);
    CHECK(log.entries().front().when == 30);
    health_log tiny{3, 1}; // at least 10
    for (int i = 0; i < 10; ++i)
      tiny.add(transition(tiny, "e", status::clear, status::warning, i));
    CHECK(tiny.entries().size() == 10);
  }

} // TEST_SUITE

TEST_SUITE("alert instance") {

  TEST_CASE("settle: a change is logged with values, durations and its delay") {
    health_log log{1000, 1};
    alert_instance a;
    a.name = "cpu_usage";
    a.chart_id = "system.cpu";
    a.units = "%";
    a.update_every = 10;
    a.alarm_id = log.alarm_id(a.chart_id, a.name);
    delay_settings d;
    d.down = 300;
    d.max = 300;
    a.value = 50;
    CHECK(settle(a, d, 0.0, 0.0, 1000, log));
    CHECK(a.current == status::clear);
    CHECK(a.next_update == 1010);
    a.old_value = 50;
    a.value = 95;
    CHECK(settle(a, d, 1.0, 0.0, 1010, log));
    CHECK(a.current == status::warning);
    CHECK(a.old_status == status::clear);
    a.old_value = 95;
    a.value = 96;
    CHECK_FALSE(settle(a, d, 1.0, 0.0, 1020, log));
    CHECK(a.last_updated == 1020);
    a.old_value = 96;
    a.value = 10;
    CHECK(settle(a, d, 0.0, 0.0, 1030, log));
    auto& es = log.entries();
    REQUIRE(es.size() == 3);
    CHECK(es[0].old_status == status::warning);
    CHECK(es[0].new_status == status::clear);
    CHECK(es[0].duration == 20);
    CHECK(es[0].delay == 300); // down
    CHECK(es[0].delay_up_to_timestamp == 1330);
    CHECK(es[0].old_value == 96);
    CHECK(es[0].new_value == 10);
    CHECK(es[0].units == "%");
    CHECK(es[1].delay == 0); // up
    CHECK(es[2].old_status == status::uninitialized);
  }

} // TEST_SUITE
