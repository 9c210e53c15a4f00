#pragma once

// Deterministic actor tests under doctest. CAF's dsl.hpp macros crash under a
// doctest main, so this fixture drives CAF's test coordinator and test
// multiplexer directly: one message or one I/O event at a time, virtual time.

#include "actors/actors.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/io/network/test_multiplexer.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <string>
#include <vector>

namespace tributary::test {

/// An actor system on the test coordinator and the test multiplexer: nothing
/// runs until the test says so, no socket is opened, time is virtual.
struct actor_fixture {
  static caf::actor_system_config& init(caf::actor_system_config& cfg) {
    cfg.load<caf::io::middleman>();
    cfg.add_message_types<caf::id_block::tributary>();
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("middleman.network-backend", caf::atom("testing"));
    cfg.set("middleman.manual-multiplexing", true);
    cfg.set("middleman.heartbeat-interval", caf::timespan{0});
    cfg.set("middleman.workers", size_t{0});
    return cfg;
  }

  actor_fixture()
      : sys(init(cfg)), self(sys, true),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
        mpx(dynamic_cast<caf::io::network::test_multiplexer&>(
            sys.middleman().backend())) {
    // Make sure the current time isn't 0.
    sched.clock().current_time += std::chrono::hours(1);
  }

  ~actor_fixture() {
    run();
  }

  /// Runs one message or one multiplexer job; false if nothing was pending.
  bool step() {
    return sched.try_run_once() || mpx.try_exec_runnable()
           || mpx.try_accept_connection() || mpx.try_read_data();
  }

  /// Runs until no actor has a message and no I/O event is pending.
  size_t run() {
    size_t n = 0;
    while (step())
      ++n;
    return n;
  }

  /// Advances virtual time by `d`, fires due timeouts and runs.
  void advance(caf::timespan d) {
    sched.clock().advance_time(d);
    run();
  }

  /// Lets `secs` seconds pass, on the daemon's clock (`now_usec`) and CAF's.
  void wait(int secs) {
    for (int i = 0; i < secs; ++i) {
      now_usec += 1000000;
      advance(std::chrono::seconds(1));
    }
  }

  /// Fires the timeouts still pending (idle checks, ticks): they hold
  /// references to their actors, which must be gone before the system is.
  void fire_pending_timeouts() {
    for (int i = 0; i < 3 && sched.clock().has_pending_timeout(); ++i) {
      sched.clock().trigger_timeouts();
      run();
    }
  }

  /// Bytes the actors wrote to `hdl` so far; clears them.
  std::string take_output(caf::io::connection_handle hdl) {
    auto& buf = mpx.output_buffer(hdl);
    std::string out{buf.begin(), buf.end()};
    buf.clear();
    return out;
  }

  /// Delivers `bytes` from the peer of `hdl` and runs.
  void peer_sends(caf::io::connection_handle hdl, const std::string& bytes) {
    mpx.virtual_send(hdl, std::vector<char>{bytes.begin(), bytes.end()});
    run();
  }

  /// The daemon's clock in the fixtures (`daemon_context::now_usec`).
  uint64_t now_usec = 1795635100ull * 1000000;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  caf::scheduler::test_coordinator& sched;
  caf::io::network::test_multiplexer& mpx;
};

} // namespace tributary::test
