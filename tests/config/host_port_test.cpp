#include "config/host_port.hpp"

#include <doctest/doctest.h>

using tributary::config::is_port_or_service;
using tributary::config::parse_port_number;
using tributary::config::split_host_port;

TEST_CASE("host_port: IPv4, host names and service names") {
  auto a = split_host_port("127.0.0.1:19999");
  REQUIRE(a);
  CHECK_EQ(a->host, "127.0.0.1");
  CHECK_EQ(a->port, "19999");
  CHECK(a->interface.empty());
  CHECK_FALSE(a->bracketed);
  auto b = split_host_port("parent.example.net");
  REQUIRE(b);
  CHECK_EQ(b->host, "parent.example.net");
  CHECK(b->port.empty());
  auto c = split_host_port("localhost:netdata");
  REQUIRE(c);
  CHECK_EQ(c->port, "netdata");
  CHECK(is_port_or_service(c->port));
  auto star = split_host_port("*:19999");
  REQUIRE(star);
  CHECK_EQ(star->host, "*");
}

TEST_CASE("host_port: IPv6 in brackets, bare, with an interface") {
  auto a = split_host_port("[::1]:20000");
  REQUIRE(a);
  CHECK_EQ(a->host, "::1");
  CHECK_EQ(a->port, "20000");
  CHECK(a->bracketed);
  auto b = split_host_port("[fe80::1]%eth0:19999");
  REQUIRE(b);
  CHECK_EQ(b->host, "fe80::1");
  CHECK_EQ(b->interface, "eth0");
  CHECK_EQ(b->port, "19999");
  auto c = split_host_port("fe80::1%eth0");
  REQUIRE(c);
  CHECK_EQ(c->host, "fe80::1");
  CHECK_EQ(c->interface, "eth0");
  CHECK(c->port.empty());
  CHECK_FALSE(c->bracketed);
  auto d = split_host_port("host%eth1:7");
  REQUIRE(d);
  CHECK_EQ(d->host, "host");
  CHECK_EQ(d->interface, "eth1");
  CHECK_EQ(d->port, "7");
  auto e = split_host_port("[::]");
  REQUIRE(e);
  CHECK_EQ(e->host, "::");
  CHECK(e->port.empty());
}

TEST_CASE("host_port: malformed addresses are errors saying why") {
  auto open = split_host_port("[::1:19999");
  REQUIRE_FALSE(open);
  CHECK_NE(open.err().message.find("missing ']'"), std::string::npos);
  auto junk = split_host_port("[::1]x");
  REQUIRE_FALSE(junk);
  CHECK_NE(junk.err().message.find("unexpected 'x'"), std::string::npos);
  auto no_port = split_host_port("host:");
  REQUIRE_FALSE(no_port);
  CHECK_NE(no_port.err().message.find("empty port"), std::string::npos);
  auto no_iface = split_host_port("host%:1");
  REQUIRE_FALSE(no_iface);
  CHECK_NE(no_iface.err().message.find("empty interface"), std::string::npos);
}

TEST_CASE("host_port: port numbers are 1..65535 with clear errors") {
  CHECK_EQ(*parse_port_number("1"), 1);
  CHECK_EQ(*parse_port_number("65535"), 65535);
  for (auto bad : {"", "0", "65536", "99999999999", "19x", "-1", " 80"}) {
    auto p = parse_port_number(bad);
    REQUIRE_FALSE_MESSAGE(p, bad);
    CHECK_NE(p.err().message.find("port"), std::string::npos);
  }
  CHECK_NE(parse_port_number("65536").err().message.find("above 65535"),
           std::string::npos);
  CHECK_NE(parse_port_number("19x").err().message.find("'19x'"),
           std::string::npos);
  CHECK_FALSE(is_port_or_service("19x!"));
  CHECK_FALSE(is_port_or_service(""));
}
