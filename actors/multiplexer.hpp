#pragma once

// The daemon's I/O thread: CAF 0.17.6's epoll multiplexer with a short pause
// after every round that handled events.
//
// Why: thousands of children each send a block a second, spread over the
// second, so CAF's loop woke from `epoll_wait` for one or two readable
// sockets at a time, and every read it handed on woke a sleeping worker:
// ~7,000 context switches a second at 5,000 children, each costly on a
// virtual machine (a fifth of the parent's CPU was the kernel switching;
// BENCHMARKS.md). Pausing for `pause` after a busy round lets the sockets
// that become readable meanwhile be read in the next round, and their
// receivers woken together. A read waits at most `pause` longer; a round
// still reads up to `middleman.max-consecutive-reads` times per socket, so
// a busy connection is not slowed. An idle daemon blocks in `epoll_wait` as
// before (no round, no pause).

#include <caf/config.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <chrono>
#include <thread>

static_assert(CAF_VERSION / 100 == 17,
              "actors/multiplexer.hpp is for CAF 0.17");

namespace tributary {

/// Load with `cfg.load<caf::io::middleman, pausing_multiplexer>()`.
class pausing_multiplexer : public caf::io::network::default_multiplexer {
public:
  /// The pause after a round that handled events.
  static constexpr std::chrono::microseconds pause{1000};

  explicit pausing_multiplexer(caf::actor_system* sys)
      : default_multiplexer(sys) {
    // nop
  }

  /// CAF's loop (run while any socket or the wake-up pipe is registered),
  /// pausing after each busy round.
  void run() override {
    while (num_socket_handlers() > 0)
      if (poll_once(true))
        std::this_thread::sleep_for(pause);
  }
};

} // namespace tributary
