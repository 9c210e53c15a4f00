// The registry's STREAM access decisions, one request at a time: each case
// sends the registry a child's hello and checks the reply it answers with
// (the bytes the connection writes to the child) and whether a host comes
// with it.

#include "actors/registry.hpp"
#include "config/load.hpp"
#include "protocol/handshake.hpp"
#include "tests/actors/fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {
namespace {

constexpr auto own_guid = "11111111-1111-4111-8111-111111111111";
constexpr auto child_guid = "33333333-3333-4333-8333-333333333333";
constexpr auto good_key = "22222222-2222-4222-8222-222222222222";
constexpr auto lan_key = "44444444-4444-4444-8444-444444444444";
constexpr auto unknown_key = "99999999-9999-4999-8999-999999999999";
constexpr auto banned_guid = "55555555-5555-4555-8555-555555555555";
constexpr auto lan_guid = "66666666-6666-4666-8666-666666666666";

/// A parent's registry: one open key, one key only for 10.*, one machine
/// GUID section that is off, one machine GUID only from 10.*.
struct registry_fixture : actor_fixture {
  registry_fixture() {
    log.quiet(true);
    auto loaded = config::load_ini_text(
        "[db]\n  mode = ram\n[directories]\n  lib = /nonexistent\n"
        "[health]\n  enabled = no\n",
        std::string{"["} + good_key + "]\n  enabled = yes\n" + "[" + lan_key
            + "]\n  enabled = yes\n  allow from = 10.*\n" + "[" + banned_guid
            + "]\n  type = machine\n  enabled = no\n" + "[" + lan_guid
            + "]\n  type = machine\n  enabled = yes\n  allow from = 10.*\n");
    REQUIRE(loaded.ok());
    ctx.log = &log;
    ctx.settings = std::make_shared<const config::settings>(loaded.cfg);
    ctx.now_usec = [this] { return now_usec; };
    host_info local;
    local.machine_guid = own_guid;
    local.hostname = "aut-parent";
    reg = sys.spawn(registry, local, ctx);
    run();
  }

  ~registry_fixture() {
    caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
    run();
    for (int i = 0; i < 3 && sched.clock().has_pending_timeout(); ++i) {
      sched.clock().trigger_timeouts();
      run();
    }
  }

  static stream_hello hello(const std::string& key, const std::string& guid,
                            const std::string& ip = "127.0.0.1") {
    stream_hello h;
    h.host.machine_guid = guid;
    h.host.hostname = "child-" + guid.substr(0, 4);
    h.host.update_every = 1;
    h.api_key = key;
    h.ver = 5;
    h.has_ver = true;
    h.peer_ip = ip;
    h.peer_port = 40000;
    return h;
  }

  /// The registry's answer to one STREAM request: its decision, and whether
  /// it handed out a host.
  struct answer {
    access_decision decision;
    bool has_host = false;
  };

  answer ask(const stream_hello& h) {
    self->send(reg, atom::stream::value, h);
    run();
    answer out;
    bool got = false;
    self->receive(
        [&](access_decision& d, host_actor& host) {
          out.decision = std::move(d);
          out.has_host = host != nullptr;
          got = true;
        },
        caf::after(std::chrono::seconds(0)) >> [] {});
    REQUIRE(got);
    return out;
  }

  /// The receiver for `guid` attaches, as the connection does after an
  /// accepted hello.
  void attach_receiver(const std::string& guid) {
    self->send(reg, atom::takeover::value, guid, receiver_actor{});
    run();
  }

  logger log;
  daemon_context ctx;
  registry_actor reg;
};

std::string denied() {
  return protocol::build_reply(protocol::reply_kind::permission_denied);
}

} // namespace

TEST_CASE_FIXTURE(registry_fixture, "an enabled API key is accepted") {
  auto a = ask(hello(good_key, child_guid));
  CHECK(a.decision.accepted);
  CHECK_EQ(a.decision.reply, protocol::build_ok_reply(a.decision.capabilities));
  CHECK_NE(a.decision.capabilities, 0u);
  CHECK(a.has_host);
}

TEST_CASE_FIXTURE(registry_fixture, "an API key not in stream.conf is denied") {
  auto a = ask(hello(unknown_key, child_guid));
  CHECK_FALSE(a.decision.accepted);
  CHECK_EQ(a.decision.reply, denied());
  CHECK_FALSE(a.has_host);
}

TEST_CASE_FIXTURE(registry_fixture, "a request without an API key is denied") {
  auto a = ask(hello("", child_guid));
  CHECK_FALSE(a.decision.accepted);
  CHECK_EQ(a.decision.reply, denied());
}

TEST_CASE_FIXTURE(registry_fixture,
                  "a machine GUID given as API key is denied") {
  auto a = ask(hello(banned_guid, child_guid));
  CHECK_FALSE(a.decision.accepted);
  CHECK_EQ(a.decision.reply, denied());
}

TEST_CASE_FIXTURE(registry_fixture,
                  "an API key's allow from admits only matching peers") {
  auto outside = ask(hello(lan_key, child_guid, "127.0.0.1"));
  CHECK_FALSE(outside.decision.accepted);
  CHECK_EQ(outside.decision.reply, denied());
  auto inside = ask(hello(lan_key, child_guid, "10.1.2.3"));
  CHECK(inside.decision.accepted);
  CHECK(inside.has_host);
}

TEST_CASE_FIXTURE(registry_fixture,
                  "a machine GUID section that is off denies a good key") {
  auto a = ask(hello(good_key, banned_guid));
  CHECK_FALSE(a.decision.accepted);
  CHECK_EQ(a.decision.reply, denied());
  CHECK_FALSE(a.has_host);
}

TEST_CASE_FIXTURE(registry_fixture,
                  "a machine GUID section's allow from applies to the child") {
  CHECK_FALSE(ask(hello(good_key, lan_guid, "127.0.0.1")).decision.accepted);
  CHECK(ask(hello(good_key, lan_guid, "10.9.9.9")).decision.accepted);
}

TEST_CASE_FIXTURE(registry_fixture,
                  "a GUID already connected is refused while its receiver "
                  "lives, accepted once it is silent for over 30 s") {
  REQUIRE(ask(hello(good_key, child_guid)).decision.accepted);
  attach_receiver(child_guid);
  auto again = ask(hello(good_key, child_guid));
  CHECK_FALSE(again.decision.accepted);
  CHECK_EQ(again.decision.reply,
           protocol::build_reply(protocol::reply_kind::already_streaming));
  CHECK_FALSE(again.has_host);
  // 30 s of silence is still alive; 31 s is dead and replaced.
  now_usec += 30 * 1000000ull;
  CHECK_FALSE(ask(hello(good_key, child_guid)).decision.accepted);
  now_usec += 1000000ull;
  CHECK(ask(hello(good_key, child_guid)).decision.accepted);
}

TEST_CASE_FIXTURE(registry_fixture,
                  "data from the receiver keeps the GUID connected") {
  REQUIRE(ask(hello(good_key, child_guid)).decision.accepted);
  attach_receiver(child_guid);
  now_usec += 31 * 1000000ull;
  self->send(reg, atom::data::value, std::string{child_guid},
             static_cast<int64_t>(now_usec / 1000000));
  run();
  CHECK_EQ(ask(hello(good_key, child_guid)).decision.reply,
           protocol::build_reply(protocol::reply_kind::already_streaming));
}

TEST_CASE_FIXTURE(registry_fixture,
                  "a GUID whose receiver detached may connect again") {
  REQUIRE(ask(hello(good_key, child_guid)).decision.accepted);
  attach_receiver(child_guid);
  self->send(reg, atom::detach::value, std::string{child_guid},
             receiver_actor{}, std::string{});
  run();
  CHECK(ask(hello(good_key, child_guid)).decision.accepted);
}

TEST_CASE_FIXTURE(registry_fixture, "the parent's own GUID is refused") {
  auto a = ask(hello(good_key, own_guid));
  CHECK_FALSE(a.decision.accepted);
  CHECK_EQ(a.decision.reply,
           protocol::build_reply(protocol::reply_kind::localhost));
}

} // namespace tributary::test
