#pragma once

#include "tests/test_data.hpp"
#include "tls/context.hpp"
#include "tls/session.hpp"

#include <doctest/doctest.h>
#include <optional>
#include <string>
#include <vector>

namespace tributary::tls::test {

inline std::string tls_file(const std::string& name) {
  return tributary::test::data_path("tls/" + name);
}

inline bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

/// A server context from tests/data/tls/NAME.pem and NAME.key.
inline context server_context(const std::string& name,
                              const std::string& version = "1.3") {
  server_options opts;
  opts.certificate = tls_file(name + ".pem");
  opts.key = tls_file(name + ".key");
  opts.version = version;
  auto ctx = context::server(opts);
  REQUIRE_MESSAGE(ctx.has_value(), (ctx ? "" : ctx.err().message));
  return *ctx;
}

/// A client context trusting CAFILE and CAPATH (paths below tests/data/tls,
/// empty for none).
inline context client_context(const std::string& ca_file = "",
                              const std::string& ca_path = "") {
  client_options opts;
  if (!ca_file.empty())
    opts.ca_file = tls_file(ca_file);
  if (!ca_path.empty())
    opts.ca_path = tls_file(ca_path);
  std::vector<std::string> notes;
  auto ctx = context::client(opts, notes);
  REQUIRE(ctx.has_value());
  REQUIRE(notes.empty());
  return *ctx;
}

/// One side of an in-memory connection and what its `feed` calls reported.
struct endpoint {
  endpoint(const context& ctx, session::role r) : tls(ctx, r) {
    // nop
  }

  session tls;
  std::string received;
  int established = 0;
  int closed = 0;
  std::optional<error> failed;
};

/// Feeds what `from` has to send into `to`; false if it had nothing.
inline bool transfer(endpoint& from, endpoint& to) {
  std::vector<char> bytes;
  if (from.tls.take_output(bytes) == 0)
    return false;
  auto ev = to.tls.feed({bytes.data(), bytes.size()}, to.received);
  if (!ev)
    to.failed = ev.err();
  else if (*ev == session::event::established)
    ++to.established;
  else if (*ev == session::event::closed)
    ++to.closed;
  return true;
}

/// Moves ciphertext both ways until neither side produces output.
inline void pump(endpoint& client, endpoint& server) {
  for (int round = 0; round < 1000; ++round) {
    bool moved = transfer(client, server);
    moved = transfer(server, client) || moved;
    if (!moved)
      return;
  }
  FAIL("the sessions never stop producing output");
}

/// A client and a server session after the client's `start` and a pump.
struct connection {
  connection(const context& client_ctx, const context& server_ctx)
      : client(client_ctx, session::role::client),
        server(server_ctx, session::role::server) {
    auto err = client.tls.start();
    REQUIRE_MESSAGE(!err, err.message);
    pump(client, server);
  }

  bool handshake_done() const {
    return !client.failed && !server.failed && client.tls.established()
           && server.tls.established();
  }

  endpoint client;
  endpoint server;
};

} // namespace tributary::tls::test
