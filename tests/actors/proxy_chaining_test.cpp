// A proxy's chaining: what a receiver hands its host (definitions, rows) goes
// on to the host's subscribers, the senders that stream the host upstream,
// in the order it came. A chart the child is still replicating is held back
// until its replication finished. The test stands in for both the receiver
// (it sends to the host) and the sender side (it subscribes).

#include "tests/actors/host_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {
namespace {

chart_row make_row(const std::string& id, int64_t value, uint64_t now_usec) {
  chart_row r;
  r.chart_id = id;
  r.now_usec = now_usec;
  r.values = {value};
  r.is_set = {1};
  return r;
}

/// What the sender side got, in order: "define <id>" or "row <id> <value>".
struct proxy_fixture : host_fixture {
  proxy_fixture() {
    self->send(aut, atom::stream::value, true, false);
    run();
  }

  void subscribe() {
    self->send(aut, atom::subscribe::value,
               caf::actor_cast<stream_subscriber_actor>(self.ptr()));
    run();
  }

  void define(const std::string& id) {
    self->send(aut, atom::define::value, make_chart(id));
    run();
  }

  void row(const std::string& id, int64_t value) {
    now_usec += 1000000;
    self->send(aut, make_row(id, value, now_usec));
    run();
  }

  std::vector<std::string> upstream() {
    std::vector<std::string> out;
    bool more = true;
    while (more)
      self->receive(
          [&](atom::define, const chart_def& def) {
            out.push_back("define " + def.id);
          },
          [&](const chart_row& r) {
            out.push_back("row " + r.chart_id + " "
                          + std::to_string(r.values.at(0)));
          },
          caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
    return out;
  }
};

using lines = std::vector<std::string>;

} // namespace

TEST_CASE_FIXTURE(proxy_fixture,
                  "definitions and rows reach the sender side in order") {
  subscribe();
  define("a.one");
  define("b.two");
  row("a.one", 1);
  row("b.two", 2);
  row("a.one", 3);
  CHECK_EQ(upstream(), lines{"define a.one", "define b.two", "row a.one 1",
                             "row b.two 2", "row a.one 3"});
}

TEST_CASE_FIXTURE(proxy_fixture,
                  "a sender that subscribes late gets the known charts first") {
  define("b.two");
  define("a.one");
  row("a.one", 1);
  subscribe();
  row("b.two", 2);
  CHECK_EQ(upstream(), lines{"define a.one", "define b.two", "row b.two 2"});
}

TEST_CASE_FIXTURE(proxy_fixture,
                  "a chart being replicated is held back until it finished") {
  subscribe();
  self->send(aut, atom::replay::value, std::string{"a.one"});
  run();
  define("a.one");
  define("b.two");
  row("a.one", 1);
  row("b.two", 2);
  CHECK_EQ(upstream(), lines{"define b.two", "row b.two 2"});
  // REND with start streaming: the replication of a.one is over.
  replay_batch end;
  end.chart_id = "a.one";
  end.has_state = true;
  end.state.end = true;
  end.state.start_streaming = true;
  end.state.update_every = 1;
  self->send(aut, std::move(end));
  run();
  row("a.one", 3);
  CHECK_EQ(upstream(), lines{"define a.one", "row a.one 3"});
}

TEST_CASE_FIXTURE(proxy_fixture,
                  "rows of charts the host does not know are not forwarded") {
  subscribe();
  row("no.such", 1);
  CHECK(upstream().empty());
}

} // namespace tributary::test
