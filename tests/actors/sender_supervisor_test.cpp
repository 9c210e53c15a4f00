// The sender supervisor's restart policy, one message at a time in virtual
// time: a sender that ends is replaced only after `reconnect delay seconds`,
// a connect that fails is retried after the same delay, and the status answer
// counts the restarts and names the last reason. The connector and the sender
// are stand-ins (sender_seams): the real ones block on connect and need a
// socket.

#include "actors/sender.hpp"
#include "tests/actors/host_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {
namespace {

constexpr int reconnect_delay = 5;

struct supervisor_fixture : host_fixture {
  supervisor_fixture() {
    auto seams = std::make_shared<sender_seams>();
    seams->spawn_connector = [this](caf::local_actor* sup) {
      ++connects;
      auto ok = connect_ok;
      return sup->spawn(
          // An (unused) argument: CAF 0.17.6 dereferences a null tuple for a
          // function actor spawned without one (UBSan reports it).
          [ok](connector_actor::pointer c,
               int) -> connector_actor::behavior_type {
            return {[=](atom::get) -> caf::result<int, uint64_t> {
              c->quit();
              if (!ok)
                return caf::make_error(caf::sec::cannot_connect_to_node);
              return {-1, uint64_t{0}};
            }};
          },
          0);
    };
    seams->spawn_sender = [this](caf::local_actor* sup, int, uint64_t) {
      auto s = sup->spawn(
          [](caf::event_based_actor* self, int) -> caf::behavior {
            self->set_default_handler(caf::drop);
            return {[](atom::status) {
              actor_status st;
              st.kind = "sender";
              return st;
            }};
          },
          0);
      senders.push_back(s);
      return caf::actor_cast<sender_actor>(s);
    };
    sender_settings cfg;
    auto dests = config::parse_destinations("127.0.0.1:19999");
    REQUIRE(dests);
    cfg.destinations = *dests;
    cfg.reconnect_delay_seconds = reconnect_delay;
    cfg.seams = seams;
    sup = sys.spawn(sender_supervisor, aut, std::string{"child"}, cfg, ctx);
    run();
  }

  ~supervisor_fixture() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    run();
    fire_pending_timeouts();
  }

  actor_status status() {
    self->send(sup, atom::status::value);
    run();
    actor_status out;
    bool got = false;
    self->receive(
        [&](actor_status& s) {
          out = std::move(s);
          got = true;
        },
        caf::after(std::chrono::seconds(0)) >> [] {});
    REQUIRE(got);
    return out;
  }

  static std::string label(const actor_status& s, const std::string& key) {
    for (auto& [k, v] : s.labels)
      if (k == key)
        return v;
    return "";
  }

  int connects = 0;
  bool connect_ok = true;
  std::vector<caf::actor> senders;
  sender_supervisor_actor sup;
};

TEST_CASE_FIXTURE(supervisor_fixture,
                  "a sender that ends is restarted after the reconnect delay, "
                  "not before") {
  REQUIRE(connects == 1);
  REQUIRE(senders.size() == 1);
  CHECK(label(status(), "state") == "connected");
  CHECK(status().restarts == 0);

  caf::anon_send_exit(senders[0], caf::exit_reason::user_shutdown);
  run();
  auto s = status();
  CHECK(s.restarts == 1);
  CHECK(label(s, "state") == "waiting");

  wait(reconnect_delay - 1);
  CHECK(connects == 1);
  CHECK(senders.size() == 1);
  wait(1);
  CHECK(connects == 2);
  REQUIRE(senders.size() == 2);
  CHECK(label(status(), "state") == "connected");
  CHECK(status().restarts == 1);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "a failed connect is retried after the reconnect delay, and "
                  "the status names it") {
  connect_ok = false;
  caf::anon_send_exit(senders[0], caf::exit_reason::user_shutdown);
  run();
  wait(reconnect_delay);
  REQUIRE(connects == 2);
  auto s = status();
  CHECK(label(s, "state") == "waiting");
  CHECK(label(s, "last_reason")
        == "could not connect to parent node at this time.");
  CHECK(s.restarts == 1); // a failed connect is no restart of a sender

  connect_ok = true;
  wait(reconnect_delay - 1);
  CHECK(connects == 2);
  wait(1);
  CHECK(connects == 3);
  CHECK(senders.size() == 2);
  CHECK(label(status(), "state") == "connected");
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "the reason a sender gives before it ends is the status's "
                  "last reason") {
  caf::anon_send(sup, atom::detach::value, int64_t{0}, uint64_t{1234},
                 std::string{"parent closed the connection"});
  caf::anon_send_exit(senders[0], caf::exit_reason::user_shutdown);
  run();
  auto s = status();
  CHECK(label(s, "last_reason") == "parent closed the connection");
  int64_t before = -1;
  for (auto& [k, v] : s.counters)
    if (k == "bytes_sent_before")
      before = v;
  CHECK(before == 1234);
}

} // namespace
} // namespace tributary::test
