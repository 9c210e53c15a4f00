#include "protocol/handshake.hpp"

#include "protocol/capabilities.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>

using namespace tributary;
using namespace tributary::protocol;

namespace {

stream_request parse_fixture(const std::string& name) {
  auto bytes = test::read_data("netdata-1.37.1/" + name);
  auto req = parse_stream_request(bytes);
  REQUIRE_MESSAGE(req, (req ? "" : to_string(req.err())));
  return std::move(*req);
}

} // namespace

TEST_CASE("handshake: child-request.txt parses to every field") {
  auto req = parse_fixture("child-request.txt");
  CHECK(req.key == "22222222-2222-4222-8222-222222222222");
  CHECK(req.hostname == "ndpeer-child");
  CHECK(req.registry_hostname == "ndpeer-child");
  CHECK(req.machine_guid == "33333333-3333-4333-8333-333333333333");
  CHECK(req.update_every == 1);
  CHECK(req.os == "linux");
  CHECK(req.timezone == "Etc/UTC");
  CHECK(req.abbrev_timezone == "UTC");
  CHECK(req.utc_offset == 0);
  CHECK(req.hops == 1);
  CHECK_FALSE(req.ml_capable);
  CHECK_FALSE(req.ml_enabled);
  CHECK(req.mc_version == 1);
  CHECK(req.tags.empty());
  REQUIRE(req.ver);
  CHECK(*req.ver == 16376);
  REQUIRE(req.system_info.size() == 28);
  CHECK(req.system_info.front().first == "NETDATA_INSTANCE_CLOUD_TYPE");
  CHECK(req.system_info.back()
        == name_value{"NETDATA_PROTOCOL_VERSION", "1.1"});
  CHECK(*req.info("NETDATA_SYSTEM_KERNEL_VERSION") == "6.18.44-fc-v657");
  // Raw (not encoded) values keep their spaces; the whole request is
  // decoded, as a 1.37.1 parent does, so a raw '+' reads as a space there.
  CHECK(*req.info("NETDATA_CONTAINER_OS_NAME") == "Debian GNU/Linux");
  CHECK(*req.info("NETDATA_CONTAINER_OS_VERSION") == "12 (bookworm)");
  CHECK(*req.info("NETDATA_SYSTEM_CPU_FREQ") == "2.445e 09");
  CHECK(*req.info("NETDATA_SYSTEM_TOTAL_RAM") == "25276510208");
  REQUIRE(req.headers.size() == 2);
  CHECK(req.headers[0] == name_value{"User-Agent", "netdata/v1.37.1"});
  CHECK(req.headers[1] == name_value{"Accept", "*/*"});
  CHECK(req.program_name() == "netdata");
  CHECK(req.program_version() == "v1.37.1");
  CHECK(effective_version(req) == 16376);
  CHECK_FALSE(validate(req));
}

TEST_CASE("handshake: child-request-nocomp.txt") {
  auto req = parse_fixture("child-request-nocomp.txt");
  REQUIRE(req.ver);
  CHECK(*req.ver == 15352);
  CHECK(req.hostname == "ndpeer-child");
  CHECK(req.machine_guid == "33333333-3333-4333-8333-333333333333");
  CHECK(req.update_every == 1);
}

TEST_CASE("handshake: parse then build reproduces the child's bytes") {
  // ... but for the raw '+' a 1.37.1 parent decodes as a space (a 1.37.1
  // proxy forwards it so too).
  for (auto name : {"child-request.txt", "child-request-nocomp.txt"}) {
    CAPTURE(name);
    auto bytes = test::read_data(std::string{"netdata-1.37.1/"} + name);
    auto req = parse_stream_request(bytes);
    REQUIRE(req);
    auto expected = bytes;
    auto plus = expected.find("2.445e+09");
    REQUIRE(plus != std::string::npos);
    expected[plus + 6] = ' ';
    CHECK(build_stream_request(*req) == expected);
  }
}

TEST_CASE("handshake: raw values that would change meaning go out escaped") {
  // Found by fuzz_handshake: a decoded value holding " HTTP/" was written
  // raw and cut the rebuilt request line short.
  stream_request req;
  req.hostname = "h";
  req.system_info.emplace_back("odd name", "a HTTP/2.1\r+b 100%");
  req.system_info.emplace_back("ctl", "x\vy z");
  auto built = build_stream_request(req);
  CHECK(built.find("&odd name=a+HTTP/2.1\r%2Bb+100%25&ctl=x\vy z HTTP/1.1\r\n")
        != std::string::npos);
  auto again = parse_stream_request(built);
  REQUIRE(again);
  CHECK(*again->info("odd name") == "a HTTP/2.1\r+b 100%");
  CHECK(*again->info("ctl") == "x\vy z");
  CHECK(build_stream_request(*again) == built);
}

TEST_CASE("handshake: query part alone, URL decoding, encoded fields") {
  auto req = parse_stream_request("key=k&hostname=h%20x&machine_guid=g&NETDATA_"
                                  "SYSTEM_OS_NAME=Debian+GNU%2fLinux"
                                  "&ver=5");
  REQUIRE(req);
  // A 1.37.1 parent decodes the whole request, raw fields too (checked
  // against a real one: hostname=q%22b became `q"b`).
  CHECK(req->hostname == "h x");
  CHECK(*req->info("NETDATA_SYSTEM_OS_NAME") == "Debian GNU/Linux");
  CHECK(*req->ver == 5);
  CHECK(build_query(*req).find("NETDATA_SYSTEM_OS_NAME=Debian+GNU%2fLinux")
        != std::string::npos);
}

TEST_CASE("handshake: the request is decoded before it is split") {
  auto req = parse_stream_request("key=k&hostname=a%26tags%3Dx%22%5C&"
                                  "machine_guid=g");
  REQUIRE(req);
  CHECK(req->hostname == "a"); // %26 became a real '&'
  CHECK(req->tags == "x\"\\");
}

TEST_CASE("handshake: errors carry the offset") {
  SUBCASE("control character escape") {
    auto req
        = parse_stream_request("STREAM key=a%0Ab&hostname=x HTTP/1.1\r\n\r\n");
    REQUIRE_FALSE(req);
    CHECK(req.err().code == ec::bad_handshake);
    CHECK(req.err().position == 12);
  }
  SUBCASE("non-numeric integer") {
    auto req = parse_stream_request("key=a&update_every=abc");
    REQUIRE_FALSE(req);
    CHECK(req.err().position == 19);
  }
  SUBCASE("missing blank line") {
    auto req
        = parse_stream_request("STREAM key=a HTTP/1.1\r\nUser-Agent: x\r\n");
    REQUIRE_FALSE(req);
    CHECK(req.err().code == ec::truncated);
  }
  SUBCASE("invalid UTF-8") {
    auto req = parse_stream_request("key=%c3%28");
    REQUIRE_FALSE(req);
    CHECK(req.err().code == ec::bad_handshake);
  }
}

TEST_CASE("handshake: validation and legacy versions") {
  stream_request req;
  CHECK(validate(req).code == ec::access_denied);
  req.key = "22222222-2222-4222-8222-222222222222";
  req.hostname = "h";
  req.machine_guid = "not-a-guid";
  CHECK(validate(req).message.find("is not GUID") != std::string::npos);
  req.machine_guid = "33333333-3333-4333-8333-33333333333A";
  CHECK_FALSE(validate(req));
  CHECK(effective_version(req) == 0);
  req.system_info.emplace_back("NETDATA_PROTOCOL_VERSION", "1.1");
  CHECK(effective_version(req) == 1);
}

TEST_CASE("handshake: is_valid_machine_guid") {
  CHECK(is_valid_machine_guid("33333333-3333-4333-8333-333333333333"));
  CHECK(is_valid_machine_guid("ABCDEF01-2345-6789-abcd-ef0123456789"));
  CHECK_FALSE(is_valid_machine_guid("33333333-3333-4333-8333-33333333333"));
  CHECK_FALSE(is_valid_machine_guid("33333333x3333-4333-8333-333333333333"));
  CHECK_FALSE(is_valid_machine_guid("3333333g-3333-4333-8333-333333333333"));
  CHECK_FALSE(is_valid_machine_guid(""));
}
