#include "tests/tls/helpers.hpp"
#include "tls/context.hpp"

#include <doctest/doctest.h>

using namespace tributary;
using namespace tributary::tls;
using namespace tributary::tls::test;

namespace {

const std::string missing_files_line
    = "To use encryption it is necessary to set \"ssl certificate\" and "
      "\"ssl key\" in [web] !";

server_options server_files(const std::string& cert, const std::string& key) {
  server_options opts;
  opts.certificate = tls_file(cert);
  opts.key = tls_file(key);
  return opts;
}

} // namespace

TEST_CASE("context: client with an unusable CAfile still works") {
  client_options opts;
  opts.ca_file = "/nonexistent";
  std::vector<std::string> notes;
  auto ctx = context::client(opts, notes);
  REQUIRE(ctx.has_value());
  CHECK(ctx->native() != nullptr);
  REQUIRE(notes.size() == 1);
  CHECK(
      starts_with(notes[0], "Netdata can not verify custom CAfile or CApath"));
}

TEST_CASE("context: client with a usable CAfile has no notes") {
  client_options opts;
  opts.ca_file = tls_file("ca.pem");
  opts.ca_path = tls_file("capath");
  std::vector<std::string> notes;
  auto ctx = context::client(opts, notes);
  REQUIRE(ctx.has_value());
  CHECK(notes.empty());
}

TEST_CASE("context: skip certificate verification") {
  std::vector<std::string> notes;
  client_options opts;
  auto checking = context::client(opts, notes);
  REQUIRE(checking.has_value());
  CHECK(checking->verifies_peer());
  opts.skip_verification = true;
  auto skipping = context::client(opts, notes);
  REQUIRE(skipping.has_value());
  CHECK_FALSE(skipping->verifies_peer());
}

TEST_CASE("context: server from the test certificate") {
  auto ctx = context::server(server_files("server.pem", "server.key"));
  REQUIRE_MESSAGE(ctx.has_value(), (ctx ? "" : ctx.err().message));
  CHECK(ctx->native() != nullptr);
  CHECK_FALSE(ctx->verifies_peer());
}

TEST_CASE("context: server with a missing file") {
  for (auto opts :
       {server_files("nonexistent.pem", "server.key"),
        server_files("server.pem", "nonexistent.key"), server_options{}}) {
    auto ctx = context::server(opts);
    REQUIRE_FALSE(ctx.has_value());
    CHECK(ctx.err().code == ec::not_found);
    CHECK(ctx.err().message.find(missing_files_line) != std::string::npos);
  }
}

TEST_CASE("context: server key that does not match the certificate") {
  auto ctx = context::server(server_files("server.pem", "mismatch.key"));
  REQUIRE_FALSE(ctx.has_value());
  CHECK(ctx.err().code == ec::tls_error);
  CHECK_MESSAGE(
      starts_with(ctx.err().message, "SSL cannot check the private key:"),
      ctx.err().message);
}

TEST_CASE("context: server with an unknown cipher list") {
  auto opts = server_files("server.pem", "server.key");
  opts.version = "1.2";
  opts.ciphers = "NOT-A-CIPHER";
  auto ctx = context::server(opts);
  REQUIRE_FALSE(ctx.has_value());
  CHECK(ctx.err().code == ec::tls_error);
  CHECK(ctx.err().message == "SSL error. cannot set the cipher list");
}
