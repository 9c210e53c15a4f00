#include "protocol/capabilities.hpp"
#include "protocol/handshake.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>

using namespace tributary;
using namespace tributary::protocol;

namespace {

parsed_reply fixture_reply(const std::string& name) {
  auto bytes = test::read_data("netdata-1.37.1/" + name);
  auto r = parse_reply(bytes);
  REQUIRE_MESSAGE(r, name);
  return *r;
}

} // namespace

TEST_CASE("reply: captured parent replies are recognised") {
  auto ok = fixture_reply("parent-reply.bin");
  CHECK(ok.kind == reply_kind::ok_version);
  CHECK(ok.version == 16320);
  auto nocomp = fixture_reply("parent-reply-nocomp.bin");
  CHECK(nocomp.kind == reply_kind::ok_version);
  CHECK(nocomp.version == 15296);
  auto norepl = fixture_reply("fakeparent-norepl-reply.bin");
  CHECK(norepl.version == 11200);
  CHECK((accept_reply(norepl.version, our_capabilities) & cap_replication)
        == 0);
  CHECK(fixture_reply("parent-reply-denied.bin").kind
        == reply_kind::permission_denied);
  CHECK(fixture_reply("parent-reply-already-streaming.bin").kind
        == reply_kind::already_streaming);
}

TEST_CASE("reply: build reproduces the captured bytes") {
  CHECK(build_reply(reply_kind::ok_version, 16320)
        == test::read_data("netdata-1.37.1/parent-reply.bin"));
  CHECK(build_ok_reply(negotiate(15352, parent_capabilities(true)))
        == test::read_data("netdata-1.37.1/parent-reply-nocomp.bin"));
  CHECK(build_reply(reply_kind::permission_denied)
        == test::read_data("netdata-1.37.1/parent-reply-denied.bin"));
  CHECK(
      build_reply(reply_kind::already_streaming)
      == test::read_data("netdata-1.37.1/parent-reply-already-streaming.bin"));
}

TEST_CASE("reply: every kind round-trips") {
  for (int i = 0; i <= static_cast<int>(reply_kind::vnode); ++i) {
    auto kind = static_cast<reply_kind>(i);
    CAPTURE(to_string(kind));
    auto bytes = build_reply(kind, 5);
    auto r = parse_reply(bytes);
    REQUIRE(r);
    CHECK(r->kind == kind);
  }
  CHECK(parse_reply(build_reply(reply_kind::ok_host_labels))->version == 2);
  CHECK(parse_reply(build_reply(reply_kind::ok_v1))->version == 1);
  CHECK(build_reply(reply_kind::localhost)
        == "Don't hit me baby, you are trying to stream my localhost back");
}

TEST_CASE("reply: the child's matching rules") {
  // A newline after the prompt still passes (Netdata ignores it) ...
  CHECK(parse_reply("Hit me baby, push them over with the version=16320\n"));
  // ... but the prompt alone, a missing number or extra data do not.
  CHECK_FALSE(parse_reply("Hit me baby, push them over with the version="));
  CHECK_FALSE(parse_reply("Hit me baby, push them over with the version=x"));
  CHECK_FALSE(parse_reply("Hit me baby, push them over with the version=16320"
                          "CLAIMED_ID 33333333-3333-4333-8333-333333333333"));
  CHECK_FALSE(parse_reply("This GUID is already streaming to this server\n"));
  auto junk = parse_reply("HTTP/1.1 404 Not Found\r\n\r\n");
  REQUIRE_FALSE(junk);
  CHECK(junk.err().code == ec::bad_handshake);
  CHECK(known_to_v1_37(reply_kind::localhost));
  CHECK_FALSE(known_to_v1_37(reply_kind::busy));
  CHECK(postpone_seconds(reply_kind::already_streaming) == 120);
  CHECK(postpone_seconds(reply_kind::localhost) == 3600);
  CHECK(postpone_seconds(reply_kind::busy) == 60);
}
