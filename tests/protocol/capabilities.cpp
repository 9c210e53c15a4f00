#include "protocol/capabilities.hpp"

#include <doctest/doctest.h>

using namespace tributary::protocol;

TEST_CASE("capabilities: bit values of v1.37.1") {
  CHECK(our_capabilities == 16376);
  CHECK(our_capabilities_nocomp == 15352);
  CHECK(cap_compression == 1024);
  CHECK(cap_replication == 4096);
  CHECK(child_capabilities(false) == 15352);
}

TEST_CASE("capabilities: version_to_capabilities") {
  CHECK(version_to_capabilities(0) == cap_v1);
  CHECK(version_to_capabilities(1) == cap_v1);
  CHECK(version_to_capabilities(2) == (cap_v2 | cap_hlabels));
  CHECK(version_to_capabilities(3) == (cap_vn | cap_hlabels | cap_claim));
  CHECK(version_to_capabilities(5)
        == (cap_vn | cap_hlabels | cap_claim | cap_clabels | cap_compression));
  CHECK(version_to_capabilities(16376) == 16320);
  CHECK(version_to_capabilities(5, our_capabilities_nocomp)
        == (cap_vn | cap_hlabels | cap_claim | cap_clabels));
  // A v2.11 child: newer bits are dropped by a 1.37.1 parent.
  CHECK(version_to_capabilities(536674296) == 16320);
}

TEST_CASE("capabilities: negotiation of spec 2.4") {
  CHECK(negotiate(16376, parent_capabilities(true)) == 16320);
  CHECK(negotiate(16376, parent_capabilities(false)) == 15296);
  CHECK(negotiate(15352, parent_capabilities(true)) == 15296);
  CHECK(capabilities_to_version(16320) == 16320);
  // Old children get the legacy numbers back.
  CHECK(capabilities_to_version(negotiate(5, parent_capabilities(true))) == 5);
  CHECK(capabilities_to_version(negotiate(5, parent_capabilities(false))) == 4);
  CHECK(capabilities_to_version(negotiate(3, parent_capabilities(true))) == 3);
  CHECK(capabilities_to_version(negotiate(2, parent_capabilities(true))) == 2);
  CHECK(capabilities_to_version(negotiate(0, parent_capabilities(true))) == 1);
  // An old parent caps a 1.37 child at 5.
  CHECK(accept_reply(5, our_capabilities)
        == (cap_vn | cap_hlabels | cap_claim | cap_clabels | cap_compression));
  CHECK(accept_reply(16320, our_capabilities) == 16320);
  CHECK(accept_reply(2, our_capabilities) == (cap_v2 | cap_hlabels));
  CHECK(uses_compression(16320));
  CHECK_FALSE(uses_compression(15296));
}

TEST_CASE("capabilities: to_string_caps") {
  CHECK(to_string_caps(16320)
        == "VCAPS HLABELS CLAIM CLABELS COMPRESSION FUNCTIONS REPLICATION "
           "BINARY");
  CHECK(to_string_caps(cap_v1) == "V1");
  CHECK(to_string_caps(1) == "BIT0");
  CHECK(to_string_caps(0).empty());
}
