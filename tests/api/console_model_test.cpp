#include "api/console_model.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace tributary;

namespace {

std::vector<actor_status> walk(int64_t samples, int64_t wire, int64_t text) {
  actor_status reg;
  reg.name = reg.kind = "registry";
  reg.id = 1;
  actor_status host;
  host.name = "child";
  host.kind = "host";
  host.id = 2;
  host.parent = 1;
  host.counters = {{"rows", samples / 10}, {"samples", samples}, {"hops", 1}};
  host.labels
      = {{"guid", "g-1"}, {"hostname", "child"}, {"direction", "inbound"}};
  actor_status rx;
  rx.name = "STREAM child [receive from [127.0.0.1]:1]";
  rx.kind = "receiver";
  rx.id = 3;
  rx.parent = 2;
  rx.mailbox = 4;
  rx.counters = {{"bytes", wire}, {"text_bytes", text}, {"lines", 7}};
  return {reg, host, rx};
}

} // namespace

TEST_SUITE("console model") {

  TEST_CASE(
      "rates come from two walks, the ring keeps per-second totals per host") {
    console_model m;
    m.add(walk(1000, 100, 400), 10'000'000);
    m.add(walk(1500, 300, 1200), 11'000'000);
    auto streams = nlohmann::json::parse(m.render_streams());
    REQUIRE(streams["hosts"].size() == 1);
    auto& h = streams["hosts"][0];
    CHECK(h["hostname"] == "child");
    CHECK(h["samples_per_s"] == 500.0);
    CHECK(h["bytes_in_per_s"] == 200.0);
    CHECK(h["compression_ratio"] == 4.0);
    CHECK(h["mailbox"] == 4);

    auto actors = nlohmann::json::parse(m.render_actors());
    REQUIRE(actors["actors"].size() == 3);
    CHECK(actors["actors"][1]["handled_per_s"] == 50.0);
    CHECK(actors["actors"][1]["uptime_s"] == 1);
    CHECK(actors["actors"][2]["parent"] == 2);

    auto series = nlohmann::json::parse(m.render_series(10));
    CHECK(series["t"] == nlohmann::json::array({11}));
    CHECK(series["total"]["samples_per_s"][0] == 500.0);
    CHECK(series["hosts"][0]["hostname"] == "child");
    CHECK(series["hosts"][0]["bytes_per_s"][0] == 200.0);
  }

  TEST_CASE(
      "a counter that starts over has no rate; the ring keeps 300 seconds") {
    console_model m;
    m.add(walk(1000, 500, 500), 1'000'000);
    m.add(walk(1000, 100, 100), 2'000'000);
    auto streams = nlohmann::json::parse(m.render_streams());
    CHECK(streams["hosts"][0]["bytes_in_per_s"] == 0.0);
    for (uint64_t s = 3; s < 400; ++s)
      m.add(walk(1000, 100, 100), s * 1'000'000);
    auto series = nlohmann::json::parse(m.render_series(0));
    CHECK(series["t"].size() == console_model::history_seconds);
    CHECK(series["t"][0] == 100);
  }

  TEST_CASE("handling times, a receiver under its connection, host ids") {
    auto w = walk(1000, 100, 400);
    w[1].handling_p50_us = 2.048;
    w[1].handling_p99_us = 65.536;
    actor_status lis;
    lis.name = lis.kind = "listener";
    lis.id = 5;
    lis.parent = 1;
    actor_status conn;
    conn.name = "[127.0.0.1]:1";
    conn.kind = "connection";
    conn.id = 6;
    conn.parent = 5;
    conn.counters = {{"receiver", 3}};
    w.push_back(lis);
    w.push_back(conn);
    console_model m;
    m.add(w, 10'000'000);
    auto a = nlohmann::json::parse(m.render_actors())["actors"];
    REQUIRE(a.size() == 5);
    CHECK(a[1]["handling_p50_us"] == 2.05);
    CHECK(a[1]["handling_p99_us"] == 65.54);
    CHECK(a[0]["handling_p50_us"].is_null()); // nothing timed
    CHECK(a[2]["parent"] == 6);               // the receiver: its connection
    CHECK(a[2]["host"] == 2);                 // still the child's
    CHECK(a[1]["host"] == 2);
    CHECK(a[4]["host"] == 0);
    // The streams still find the receiver through its host.
    m.add(walk(1500, 300, 1200), 11'000'000);
    auto h = nlohmann::json::parse(m.render_streams())["hosts"][0];
    CHECK(h["bytes_in_per_s"] == 200.0);
  }

  TEST_CASE("the charts drill-down: rows/s against the previous one") {
    console_model m;
    m.add(walk(1000, 100, 400), 10'000'000);
    auto chart = [](int64_t rows) {
      actor_status c;
      c.name = "system.cpu";
      c.kind = "chart";
      c.id = 9;
      c.parent = 2;
      c.counters = {{"rows", rows}, {"points", rows}};
      return c;
    };
    auto d = nlohmann::json::parse(
        m.render_charts("child", {chart(10)}, 1000, 10'000'000));
    CHECK(d["host"] == "child");
    CHECK(d["limit"] == 1000);
    REQUIRE(d["actors"].size() == 1);
    CHECK(d["actors"][0]["handled_per_s"] == 0.0);
    d = nlohmann::json::parse(
        m.render_charts("child", {chart(30)}, 1000, 15'000'000));
    CHECK(d["actors"][0]["handled_per_s"] == 4.0);
    CHECK(d["actors"][0]["uptime_s"] == 5);
    CHECK(d["actors"][0]["parent"] == 2);
  }
} // TEST_SUITE
