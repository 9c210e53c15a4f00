// `postpone alarms on connect seconds` in virtual time: the host of a child
// that connects postpones its health monitor, whose one-second tick resumes
// the rounds once the time is up; a reconnect moves the end.

#include "tests/actors/host_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {
namespace {

/// Not Netdata's default (60): the key's section sets it.
constexpr int postpone_on_connect_s = 45;

struct postpone_fixture : host_fixture {
  explicit postpone_fixture(int postpone_s = postpone_on_connect_s)
      : host_fixture("  health enabled by default = yes\n"
                     "  default postpone alarms on connect seconds = "
                     + std::to_string(postpone_s) + "\n") {
    self->send(aut, atom::get::value, atom::health::value);
    run();
    self->receive(
        [&](std::vector<caf::actor>& helpers) {
          // Its database, then its health monitor.
          REQUIRE_EQ(helpers.size(), 2u);
          monitor = helpers.back();
        },
        caf::after(std::chrono::seconds(0)) >> [] { FAIL("no answer"); });
  }

  /// The receiver's word to the host: the child connected or left.
  void child_connected(bool connected) {
    self->send(aut, atom::stream::value, connected, false);
    run();
  }

  int64_t counter(const std::string& name) {
    self->send(monitor, atom::status::value);
    run();
    int64_t out = -1;
    self->receive(
        [&](actor_status& s) {
          for (auto& [k, v] : s.counters)
            if (k == name)
              out = v;
        },
        caf::after(std::chrono::seconds(0)) >> [] { FAIL("no answer"); });
    return out;
  }

  int64_t rounds() {
    return counter("rounds");
  }

  int64_t now_s() const {
    return static_cast<int64_t>(now_usec / 1000000);
  }

  caf::actor monitor;
};

} // namespace

TEST_CASE_FIXTURE(postpone_fixture,
                  "alerts are evaluated only once the postponement is over") {
  child_connected(true);
  CHECK_EQ(counter("postponed_until"), now_s() + postpone_on_connect_s);
  wait(postpone_on_connect_s - 1);
  CHECK_EQ(rounds(), 0);
  wait(1);
  CHECK_EQ(rounds(), 1);
  CHECK_EQ(counter("postponed_until"), 0);
  wait(5);
  CHECK_EQ(rounds(), 6);
}

TEST_CASE_FIXTURE(postpone_fixture,
                  "a reconnect starts the postponement over") {
  child_connected(true);
  wait(30);
  child_connected(false);
  child_connected(true);
  CHECK_EQ(counter("postponed_until"), now_s() + postpone_on_connect_s);
  wait(postpone_on_connect_s - 1); // past the first connect's end
  CHECK_EQ(rounds(), 0);
  wait(1);
  CHECK_EQ(rounds(), 1);
}

namespace {

struct no_postpone_fixture : postpone_fixture {
  no_postpone_fixture() : postpone_fixture(0) {
    // nop
  }
};

} // namespace

TEST_CASE_FIXTURE(no_postpone_fixture,
                  "without a postponement a connecting child is evaluated at "
                  "once") {
  child_connected(true);
  CHECK_EQ(counter("postponed_until"), 0);
  CHECK_EQ(rounds(), 1);
  wait(1);
  CHECK_EQ(rounds(), 2);
}

} // namespace tributary::test
