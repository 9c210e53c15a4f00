// The console sampler walks only while someone watches: nothing before the
// first console request, every second for 60 s after the last one, then
// nothing again; the first request after a quiet minute waits for a walk.

#include "actors/console.hpp"
#include "log/logger.hpp"
#include "tests/actors/fixture.hpp"

#include <doctest/doctest.h>
#include <memory>

namespace tributary::test {
namespace {

struct sampler_fixture : actor_fixture {
  sampler_fixture() {
    log.quiet(true);
    ctx.log = &log;
    ctx.now_usec = [this] { return now_usec; };
    // Stands in for the registry: counts the walks, lists nobody.
    auto counter = walks;
    // The (unused) int: CAF 0.17.6 dereferences a null tuple for a function
    // actor spawned without arguments (UBSan reports it).
    auto fake = sys.spawn(
        [counter](int) -> caf::behavior {
          return {[counter](atom::get, atom::status) {
            ++*counter;
            return std::vector<actor_status>{};
          }};
        },
        0);
    ctx.registry = caf::actor_cast<registry_actor>(fake);
    sampler = caf::actor_cast<caf::actor>(sys.spawn(console_sampler, ctx));
    run();
  }

  ~sampler_fixture() {
    caf::anon_send_exit(sampler, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx.registry, caf::exit_reason::user_shutdown);
    run();
    fire_pending_timeouts();
  }

  /// Asks /api/v1/console/actors as the page does; true if answered.
  bool ask() {
    self->send(sampler, atom::get::value, std::string{"actors"}, int64_t{0});
    run();
    bool answered = false;
    self->receive([&](const std::string&) { answered = true; },
                  caf::after(std::chrono::seconds(0)) >> [] {});
    return answered;
  }

  logger log;
  daemon_context ctx;
  std::shared_ptr<int> walks = std::make_shared<int>(0);
  caf::actor sampler;
};

} // namespace

TEST_CASE_FIXTURE(sampler_fixture,
                  "the console sampler walks only while someone watches") {
  wait(10);
  CHECK(*walks == 0); // nobody asked yet
  CHECK(ask());       // answered after a fresh walk
  CHECK(*walks == 1);
  wait(10);
  CHECK(*walks == 11); // one a second
  CHECK(ask());        // answered from the last walk
  CHECK(*walks == 11);
  wait(70);
  auto after_quiet = *walks;
  CHECK(after_quiet >= 70); // 60 s after the last request
  CHECK(after_quiet <= 72);
  wait(30);
  CHECK(*walks == after_quiet); // idle
  CHECK(ask());
  CHECK(*walks == after_quiet + 1);
  wait(3);
  CHECK(*walks == after_quiet + 4);
}

} // namespace tributary::test
