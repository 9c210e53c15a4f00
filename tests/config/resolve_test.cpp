#include "config/load.hpp"
#include "config/resolve.hpp"
#include "tests/config/helpers.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>

using namespace tributary::config;

namespace {

// The sections of tests/data/config/precedence/stream.conf.
constexpr const char* key_a = "aaaaaaaa-0000-4000-8000-000000000001";
constexpr const char* key_b = "bbbbbbbb-0000-4000-8000-000000000002";
constexpr const char* key_unknown = "cccccccc-0000-4000-8000-000000000003";
constexpr const char* guid_1 = "11111111-0000-4000-8000-00000000000a";
constexpr const char* guid_2 = "22222222-0000-4000-8000-00000000000b";
constexpr const char* guid_api = "33333333-0000-4000-8000-00000000000c";
constexpr const char* untyped = "44444444-0000-4000-8000-00000000000d";
constexpr const char* guid_none = "55555555-0000-4000-8000-00000000000e";

settings precedence() {
  auto x = load_config_dir(tributary::test::data_path("config/precedence"));
  REQUIRE(x.has_value());
  REQUIRE_MESSAGE(x->ok(), test::all_diagnostics(*x));
  return x->cfg;
}

} // namespace

TEST_SUITE("resolve") {

  TEST_CASE("no sections: the globals of netdata.conf and [stream]") {
    auto cfg = precedence();
    auto r = resolve_receiver(cfg, key_unknown, guid_none, 2);
    CHECK(r.history == 1000);                   // [db] retention
    CHECK(r.memory_mode == memory_mode::ram);   // [db] mode
    CHECK(r.health_enabled == health_mode::no); // [health] enabled
    CHECK(r.postpone_alarms_on_connect_seconds == 60);
    CHECK(r.proxy_enabled); // [stream] enabled
    CHECK(r.proxy_destination == "upstream.example:19999");
    CHECK(r.proxy_api_key == "99999999-9999-4999-8999-999999999999");
    CHECK(r.proxy_send_charts_matching.source() == "!apps.* *");
    CHECK(r.seconds_to_replicate == 7200); // [db]
    CHECK(r.seconds_per_replication_step == 300);
    CHECK(r.enable_compression);
    CHECK(r.update_every == 2); // the child's
    CHECK_FALSE(r.enabled);     // unknown key
  }

  TEST_CASE("[API_KEY] overrides the globals with its `default` names") {
    auto cfg = precedence();
    auto r = resolve_receiver(cfg, key_a, guid_none, 1);
    CHECK(r.history == 2000);
    CHECK(r.memory_mode == memory_mode::dbengine);
    CHECK(r.health_enabled == health_mode::automatic);
    CHECK_FALSE(r.proxy_enabled);
    CHECK(r.proxy_destination == "upstream.example:19999"); // not overridden
    CHECK(r.seconds_to_replicate == 3600);
    CHECK(r.seconds_per_replication_step == 300);
    CHECK_FALSE(r.enable_compression);
    CHECK(r.enabled);
  }

  TEST_CASE("the agent has 3 storage tiers when dbengine runs for any host") {
    auto cfg = precedence();
    // [db] mode is ram, but key A is enabled and sets dbengine.
    CHECK(agent_storage_tiers(cfg) == 3);
    // Enabled without a mode of its own, or a mode without `enabled = yes`,
    // does not start dbengine (rrdpush_receiver_needs_dbengine).
    cfg.api_keys.at(key_a).memory_mode = memory_mode::ram;
    CHECK(agent_storage_tiers(cfg) == 1);
    auto& b = cfg.api_keys.at(key_b);
    b.memory_mode = memory_mode::dbengine;
    b.mark_set(receiver_field::memory_mode);
    CHECK(agent_storage_tiers(cfg) == 1); // key B says `enabled = no`
    b.enabled = true;
    CHECK(agent_storage_tiers(cfg) == 3);
    cfg = precedence();
    cfg.api_keys.at(key_a).memory_mode = memory_mode::ram;
    cfg.global.mode = memory_mode::dbengine;
    CHECK(agent_storage_tiers(cfg) == 3);
  }

  TEST_CASE("[MACHINE_GUID] overrides [API_KEY]") {
    auto cfg = precedence();
    auto r = resolve_receiver(cfg, key_a, guid_1, 1);
    CHECK(r.history == 5); // 3, raised to Netdata's minimum
    CHECK(r.memory_mode == memory_mode::none);
    CHECK(r.health_enabled == health_mode::automatic); // from the key
    CHECK(r.proxy_enabled);
    CHECK(r.proxy_destination == "other.example:19999");
    CHECK(r.seconds_to_replicate == 3600); // from the key
    CHECK_FALSE(r.enable_compression);     // from the key
    CHECK(r.update_every == 5);            // GUID wins over the child's 1
    CHECK(r.allow_from.source() == "10.2.*");
  }

  TEST_CASE("compression is ANDed with [stream] enable compression") {
    auto x = load_ini_text("", "[stream]\nenable compression = no\n"
                               "[aaaaaaaa-0000-4000-8000-000000000001]\n"
                               "type = api\nenabled = yes\n"
                               "enable compression = yes\n");
    REQUIRE(x.ok());
    CHECK_FALSE(resolve_receiver(x.cfg, key_a, guid_none).enable_compression);
  }

  TEST_CASE("untyped sections are read with the names of each level") {
    auto cfg = precedence();
    REQUIRE(cfg.api_keys.count(untyped) == 1);
    REQUIRE(cfg.machine_guids.count(untyped) == 1);
    CHECK(resolve_receiver(cfg, untyped, guid_none).history == 111);
    CHECK(resolve_receiver(cfg, key_a, untyped).history == 222);
  }

  TEST_CASE("admission: enabled, type and allow from at both levels") {
    auto cfg = precedence();
    using v = access_verdict;
    CHECK(check_access(cfg, key_a, guid_none, "10.2.3.4") == v::allowed);
    CHECK(check_access(cfg, "not-a-uuid", guid_none, "10.2.3.4")
          == v::bad_api_key);
    CHECK(check_access(cfg, key_a, "nope", "10.2.3.4") == v::bad_machine_guid);
    CHECK(check_access(cfg, key_unknown, guid_none, "10.2.3.4")
          == v::api_key_disabled);
    CHECK(check_access(cfg, key_b, guid_none, "10.2.3.4")
          == v::api_key_disabled);
    // allow from of the key: !10.1.* 10.*
    CHECK(check_access(cfg, key_a, guid_none, "10.1.0.1")
          == v::api_key_ip_denied);
    CHECK(check_access(cfg, key_a, guid_none, "192.168.0.1")
          == v::api_key_ip_denied);
    // allow from of the GUID: 10.2.*, on top of the key's
    CHECK(check_access(cfg, key_a, guid_1, "10.2.0.1") == v::allowed);
    CHECK(check_access(cfg, key_a, guid_1, "10.3.0.1")
          == v::machine_guid_ip_denied);
    CHECK(check_access(cfg, key_a, guid_2, "10.2.0.1")
          == v::machine_guid_disabled);
    CHECK(check_access(cfg, key_a, guid_api, "10.2.0.1")
          == v::machine_guid_wrong_type);
    CHECK(check_access(cfg, guid_1, guid_none, "10.2.0.1")
          == v::api_key_wrong_type);
    CHECK(is_api_key_enabled(cfg, key_a));
    CHECK_FALSE(is_api_key_enabled(cfg, key_b));
    CHECK_FALSE(is_api_key_enabled(cfg, key_unknown));
    CHECK(is_machine_guid_enabled(cfg, guid_none));
    CHECK_FALSE(is_machine_guid_enabled(cfg, guid_2));
    CHECK(is_ip_allowed(cfg, key_a, guid_1, "10.2.9.9"));
    CHECK_FALSE(is_ip_allowed(cfg, key_a, guid_1, "10.1.9.9"));
    CHECK_FALSE(resolve_receiver(cfg, key_a, guid_2).enabled);
  }

  TEST_CASE("an empty allow from is not checked") {
    auto x = load_ini_text("", "[aaaaaaaa-0000-4000-8000-000000000001]\n"
                               "type = api\nenabled = yes\nallow from =\n");
    REQUIRE(x.ok());
    CHECK(check_access(x.cfg, key_a, guid_none, "1.2.3.4")
          == access_verdict::allowed);
  }

  TEST_CASE("UUIDs") {
    CHECK(is_uuid("22222222-2222-4222-8222-222222222222"));
    CHECK(is_uuid("ABCDEF01-2345-6789-abcd-ef0123456789"));
    CHECK_FALSE(is_uuid("22222222-2222-4222-8222-22222222222"));
    CHECK_FALSE(is_uuid("22222222x2222-4222-8222-222222222222"));
    CHECK_FALSE(is_uuid("g2222222-2222-4222-8222-222222222222"));
  }

} // TEST_SUITE

TEST_CASE("resolve: parallel destinations for the child and per key / GUID for "
          "a proxy") {
  auto x = load_ini_text(
      "",
      "[stream]\n  enabled = yes\n  destination = a:1\n  api key = k\n"
      "  parallel destinations = b:1 b:2 | c:1\n"
      "[aaaaaaaa-0000-4000-8000-000000000001]\n  type = api\n  enabled = yes\n"
      "  default proxy parallel destinations = p:1\n"
      "[11111111-0000-4000-8000-00000000000a]\n  type = machine\n"
      "  proxy parallel destinations = q:1 | r:1\n");
  REQUIRE_MESSAGE(x.ok(), test::all_diagnostics(x));
  CHECK_EQ(x.cfg.stream.parallel_destinations, "b:1 b:2 | c:1");
  auto by_key = resolve_receiver(x.cfg, key_a, guid_2);
  CHECK_EQ(by_key.proxy_parallel_destinations, "p:1");
  auto by_guid = resolve_receiver(x.cfg, key_a, guid_1);
  CHECK_EQ(by_guid.proxy_parallel_destinations, "q:1 | r:1");
  auto other = resolve_receiver(x.cfg, key_unknown, guid_none);
  CHECK_EQ(other.proxy_parallel_destinations, "b:1 b:2 | c:1");
}
