#include "tests/tls/helpers.hpp"
#include "tls/session.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace tributary;
using namespace tributary::tls;
using namespace tributary::tls::test;

namespace {

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 31 + i / 251) % 256);
  return s;
}

} // namespace

TEST_CASE("session: handshake with a trusted CA, data both ways, close") {
  connection c{client_context("ca.pem"), server_context("server")};
  REQUIRE(c.handshake_done());
  CHECK(c.client.established == 1);
  CHECK(c.server.established == 1);
  CHECK(c.client.tls.verify_result() == 0);
  CHECK(c.client.tls.has_peer_certificate());
  CHECK_FALSE(c.server.tls.has_peer_certificate());
  auto described = c.client.tls.describe();
  CHECK_MESSAGE(starts_with(described, "TLSv1.3 "), described);
  CHECK(c.server.tls.describe() == described);

  REQUIRE_FALSE(c.client.tls.write("STREAM key=x\r\n"));
  REQUIRE_FALSE(c.server.tls.write("Hit me baby, push them over...\r\n"));
  pump(c.client, c.server);
  CHECK(c.server.received == "STREAM key=x\r\n");
  CHECK(c.client.received == "Hit me baby, push them over...\r\n");

  // More than one record (16 KiB) and more than feed's read buffer.
  auto big = pattern(1024 * 1024);
  REQUIRE_FALSE(c.client.tls.write(big));
  REQUIRE_FALSE(c.server.tls.write(big));
  c.server.received.clear();
  c.client.received.clear();
  pump(c.client, c.server);
  CHECK(c.server.received.size() == big.size());
  CHECK(c.server.received == big);
  CHECK(c.client.received == big);
  CHECK(c.client.established == 1);
  CHECK(c.server.established == 1);
  CHECK(c.client.closed == 0);
  CHECK(c.server.closed == 0);

  c.client.tls.close();
  pump(c.client, c.server);
  CHECK(c.server.closed == 1);
  CHECK_FALSE(c.server.failed);
}

TEST_CASE("session: write before the handshake is refused") {
  session client{client_context("ca.pem"), session::role::client};
  REQUIRE_FALSE(client.start());
  CHECK_FALSE(client.established());
  auto err = client.write("early");
  CHECK(err.code == ec::internal);
}

TEST_CASE("session: server limited to TLS 1.2") {
  connection c{client_context("ca.pem"), server_context("server", "1.2")};
  REQUIRE(c.handshake_done());
  CHECK(c.client.established == 1);
  CHECK(c.server.established == 1);
  auto described = c.client.tls.describe();
  CHECK_MESSAGE(starts_with(described, "TLSv1.2 "), described);
  CHECK(c.client.tls.verify_result() == 0);
  REQUIRE_FALSE(c.client.tls.write("ping"));
  pump(c.client, c.server);
  CHECK(c.server.received == "ping");
}

TEST_CASE("session: server cipher list is applied under TLS 1.2") {
  server_options opts;
  opts.certificate = tls_file("server.pem");
  opts.key = tls_file("server.key");
  opts.version = "1.2";
  opts.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
  auto server_ctx = context::server(opts);
  REQUIRE(server_ctx.has_value());
  connection c{client_context("ca.pem"), *server_ctx};
  REQUIRE(c.handshake_done());
  CHECK(c.client.tls.describe() == "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256");
}

TEST_CASE("session: a server fed a plain HTTP request fails cleanly") {
  session server{server_context("server"), session::role::server};
  std::string plain;
  auto ev = server.feed("GET / HTTP/1.1\r\n\r\n", plain);
  REQUIRE_FALSE(ev.has_value());
  CHECK(ev.err().code == ec::tls_error);
  CHECK_FALSE(ev.err().message.empty());
  CHECK(plain.empty());
  CHECK_FALSE(server.established());
  std::vector<char> alert;
  server.take_output(alert); // whatever it is, it must not crash
}

TEST_CASE("session: a client answered in plain HTTP fails") {
  session client{client_context("ca.pem"), session::role::client};
  REQUIRE_FALSE(client.start());
  std::vector<char> hello;
  REQUIRE(client.take_output(hello) > 0);
  CHECK(hello.front() == '\x16'); // a handshake record
  std::string plain;
  auto ev = client.feed("HTTP/1.1 400 Bad Request\r\n\r\n", plain);
  REQUIRE_FALSE(ev.has_value());
  CHECK(ev.err().code == ec::tls_error);
  CHECK(plain.empty());
  CHECK_FALSE(client.established());
}

TEST_CASE("looks_like_tls: tells a record from a plain request") {
  CHECK_FALSE(looks_like_tls('S'));
  CHECK_FALSE(looks_like_tls('G'));
  CHECK_FALSE(looks_like_tls('O'));
  CHECK(looks_like_tls('\x16'));
  CHECK(looks_like_tls('\x80'));
  CHECK(looks_like_tls('\x00'));
  CHECK(looks_like_tls('\x17')); // application data
  CHECK_FALSE(looks_like_tls('\x18'));
}
