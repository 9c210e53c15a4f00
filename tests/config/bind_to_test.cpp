#include "config/bind_to.hpp"

#include <doctest/doctest.h>

using tributary::config::parse_bind_to;

TEST_CASE("bind to: hosts, IPv6, unix sockets, ACLs and SSL suffixes") {
  auto b = parse_bind_to("127.0.0.1:19999 [::1]:20000, * unix:/run/x.sock "
                         "localhost=streaming^SSL=force fe80::1%lo",
                         19999);
  REQUIRE(b);
  REQUIRE_EQ(b->size(), 6u);
  auto& v = *b;
  CHECK_EQ(v[0].host, "127.0.0.1");
  CHECK_EQ(v[0].port, 19999);
  CHECK_EQ(v[1].host, "::1");
  CHECK_EQ(v[1].port, 20000);
  CHECK(v[2].host.empty()); // every interface
  CHECK_EQ(v[3].unix_path, "/run/x.sock");
  CHECK_EQ(v[4].host, "localhost");
  CHECK_EQ(v[4].ssl, "force");
  CHECK_EQ(v[5].host, "fe80::1%lo");
  CHECK_EQ(v[5].port, 19999); // the default port
}

TEST_CASE("bind to: bad entries are errors naming the entry") {
  for (auto bad : {"127.0.0.1:99999", "127.0.0.1:0", "[::1:19999", "[::1]x",
                   "unix:", "host:http", ""}) {
    auto b = parse_bind_to(bad, 19999);
    REQUIRE_FALSE_MESSAGE(b, bad);
  }
  auto b = parse_bind_to("127.0.0.1:70000", 19999);
  CHECK_NE(b.err().message.find("'127.0.0.1:70000'"), std::string::npos);
  CHECK_NE(b.err().message.find("above 65535"), std::string::npos);
}
