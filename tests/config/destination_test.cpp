#include "config/destination.hpp"

#include <doctest/doctest.h>

using tributary::config::destination;
using tributary::config::parse_destinations;

TEST_CASE("destinations: the full grammar of [stream] destination") {
  auto ds = parse_destinations(
      "10.11.12.1:19999 tcp:parent.example.net, [::1]:20000:SSL "
      "[fe80::1]%eth0:19999 unix:/run/netdata/stream.sock /tmp/x.sock "
      "host%eth1 h:netdata");
  REQUIRE(ds);
  REQUIRE_EQ(ds->size(), 8u);
  auto& v = *ds;
  CHECK_EQ(v[0].host, "10.11.12.1");
  CHECK_EQ(v[0].port, "19999");
  CHECK_EQ(v[1].host, "parent.example.net");
  CHECK(v[1].port.empty()); // -> [stream] default port
  CHECK_EQ(v[2].host, "::1");
  CHECK_EQ(v[2].port, "20000");
  CHECK(v[2].ssl);
  CHECK_EQ(v[3].host, "fe80::1");
  CHECK_EQ(v[3].interface, "eth0");
  CHECK(v[4].protocol == destination::kind::unix_socket);
  CHECK_EQ(v[4].host, "/run/netdata/stream.sock");
  CHECK(v[5].protocol == destination::kind::unix_socket);
  CHECK_EQ(v[6].interface, "eth1");
  CHECK(v[6].port.empty());
  CHECK_EQ(v[7].port, "netdata"); // a service name
  CHECK_EQ(v[2].to_string(), "[::1]:20000:SSL");
  CHECK_EQ(v[4].to_string(), "unix:/run/netdata/stream.sock");
}

TEST_CASE("destinations: bad entries are errors naming the entry") {
  for (auto bad : {"udp:1.2.3.4:19999", "[::1:19999", "host:", "host%:1",
                   "unix:", ":19999", "host:19x!", "ho$t:19999"}) {
    auto ds = parse_destinations(bad);
    CHECK_MESSAGE(!ds, std::string{bad});
    if (!ds)
      CHECK_NE(ds.err().message.find("destination '"), std::string::npos);
  }
  auto empty = parse_destinations("   ");
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("destinations: parallel destination groups split at |") {
  using tributary::config::split_destination_groups;
  auto g = split_destination_groups("a:1 b:2 | c:3|  | ,d:4 ");
  REQUIRE_EQ(g.size(), 3u);
  CHECK_EQ(g[0], "a:1 b:2 ");
  CHECK_EQ(g[1], " c:3");
  CHECK_EQ(g[2], " ,d:4 ");
  CHECK(split_destination_groups("").empty());
  CHECK(split_destination_groups(" | ").empty());
  auto one = split_destination_groups("unix:/run/x.sock");
  REQUIRE_EQ(one.size(), 1u);
  CHECK(parse_destinations(one[0]));
}
