#include "config/dump.hpp"
#include "config/load.hpp"
#include "tests/config/helpers.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>

using namespace tributary::config;
using tributary::config::test::all_diagnostics;
using tributary::config::test::find_diagnostic;
using tributary::config::test::load_fixture;
using tributary::test::data_path;

namespace {

constexpr const char* fixture_key = "22222222-2222-4222-8222-222222222222";

} // namespace

TEST_SUITE("load") {

  TEST_CASE("defaults are Netdata 1.37.1's code defaults") {
    auto x = load_ini_text("", "");
    CHECK(x.ok());
    const auto& c = x.cfg;
    CHECK(c.global.mode == memory_mode::dbengine);
    CHECK(c.global.history == 3600);
    CHECK(c.global.update_every == 1);
    CHECK(c.global.bind_to == "*");
    CHECK(c.global.default_port == 19999);
    CHECK(c.global.allow_connections_from.source() == "localhost *");
    CHECK(c.global.enable_replication);
    CHECK(c.global.seconds_to_replicate == 86400);
    CHECK(c.global.seconds_per_replication_step == 600);
    CHECK(c.global.accept_a_streaming_request_every_seconds == 0);
    CHECK(c.global.health_enabled);
    CHECK_FALSE(c.stream.enabled);
    CHECK(c.stream.timeout_seconds == 600); // code default, not the stock 60
    CHECK(c.stream.buffer_size_bytes == 10485760);
    CHECK(c.stream.reconnect_delay_seconds == 5);
    CHECK(c.stream.initial_clock_resync_iterations == 60);
    CHECK(c.stream.send_charts_matching.source() == "*");
    CHECK(c.stream.enable_compression);
    CHECK(c.api_keys.empty());
    CHECK(c.machine_guids.empty());
    CHECK(dump(c) == dump(netdata_defaults()));
  }

  TEST_CASE("paths under [directories] follow the directories the file sets") {
    auto x = load_ini_text(
        "[directories]\n    config = /srv/nd\n"
        "    stock config = /opt/nd/conf.d\n    lib = /var/nd\n",
        "", "netdata.conf", "stream.conf");
    auto& g = x.cfg.global;
    // A cert.pem/key.pem dropped into <config>/ssl/ enables TLS (as in
    // Netdata).
    CHECK(g.ssl_certificate == "/srv/nd/ssl/cert.pem");
    CHECK(g.ssl_key == "/srv/nd/ssl/key.pem");
    CHECK(g.health_config_dir == "/srv/nd/health.d");
    CHECK(g.stock_health_config_dir == "/opt/nd/conf.d/health.d");
    CHECK(g.netdata_unique_id_file
          == "/var/nd/registry/netdata.public.unique.id");
    auto legacy
        = load_ini_text("[health]\n    health configuration directory = /h\n",
                        "", "netdata.conf", "stream.conf");
    CHECK(legacy.cfg.global.health_config_dir == "/h");
  }

  TEST_CASE("the embedded default is a parent on 127.0.0.1:19999") {
    auto c = default_settings();
    CHECK(c.global.bind_to == "127.0.0.1");
    CHECK(c.global.default_port == 19999);
    CHECK_FALSE(c.stream.enabled);
  }

  TEST_CASE("the parent fixture loads with the right values") {
    auto x = load_fixture("parent");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    const auto& c = x.cfg;
    CHECK(c.global.hostname == "ndpeer-parent");
    CHECK(c.global.run_as_user == "root");
    CHECK(c.global.mode == memory_mode::dbengine);
    CHECK(c.global.bind_to == "127.0.0.1:29999");
    CHECK(c.global.allow_connections_from.source() == "*");
    CHECK(c.global.lib_dir == "/tmp/ndpeer/cap-lz4/parent/lib");
    CHECK(c.global.log_dir == "/tmp/ndpeer/cap-lz4/parent/log");
    CHECK_FALSE(c.global.health_enabled);
    CHECK_FALSE(c.global.ml_enabled);
    CHECK_FALSE(c.stream.enabled);
    CHECK(c.stream.enable_compression);
    REQUIRE(c.api_keys.count(fixture_key) == 1);
    CHECK(c.machine_guids.count(fixture_key) == 0); // type = api
    const auto& k = c.api_keys.at(fixture_key);
    CHECK(k.type == "api");
    CHECK(k.enabled);
    CHECK(k.allow_from.source() == "*");
    CHECK(k.memory_mode == memory_mode::dbengine);
    CHECK(k.health_enabled == health_mode::no);
    CHECK(k.postpone_alarms_on_connect_seconds == 60);
    CHECK_FALSE(k.proxy_enabled);
    CHECK(k.enable_compression);
    CHECK(k.enable_replication);
    CHECK(k.is_set(receiver_field::health_enabled));
    CHECK_FALSE(k.is_set(receiver_field::history));
    CHECK(k.line == 6);
    // Ignored Netdata keys are notes, not errors.
    CHECK(find_diagnostic(x, "parent-netdata.conf", 5, diagnostic::note)
          != nullptr); // OOM score
  }

  TEST_CASE("the child fixture loads with the right values") {
    auto x = load_fixture("child");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    const auto& c = x.cfg;
    CHECK(c.global.hostname == "ndpeer-child");
    CHECK(c.global.mode == memory_mode::ram);
    CHECK(c.global.history == 3600);
    CHECK(c.global.bind_to == "127.0.0.1:29997");
    CHECK(c.stream.enabled);
    CHECK(c.stream.destination == "127.0.0.1:29998");
    CHECK_FALSE(c.stream.force_ssl);
    CHECK(c.stream.api_key == fixture_key);
    CHECK(c.stream.timeout_seconds == 60);
    CHECK(c.stream.default_port == 19999);
    CHECK(c.stream.send_charts_matching.source() == "*");
    CHECK(c.stream.buffer_size_bytes == 10485760);
    CHECK(c.stream.reconnect_delay_seconds == 5);
    CHECK(c.stream.initial_clock_resync_iterations == 60);
    CHECK(c.stream.enable_compression);
    CHECK(c.api_keys.empty());
  }

  TEST_CASE("the YAML equivalents of the fixtures give the same model") {
    for (auto role : {"parent", "child"}) {
      auto ini = load_fixture(role);
      auto yaml
          = load_yaml_file(data_path(std::string{"config/"} + role + ".yaml"));
      REQUIRE(yaml.has_value());
      INFO(all_diagnostics(*yaml));
      CHECK(yaml->ok());
      CHECK(dump(yaml->cfg) == dump(ini.cfg));
    }
  }

  TEST_CASE("the directory loader reads netdata.conf and stream.conf") {
    auto x = load_config_dir(data_path("config/precedence"));
    REQUIRE(x.has_value());
    INFO(all_diagnostics(*x));
    CHECK(x->ok());
    CHECK(x->cfg.global.mode == memory_mode::ram);
    CHECK(x->cfg.stream.destination == "upstream.example:19999");
    CHECK(x->cfg.api_keys.size() == 4); // A, B, the api-typed "GUID", untyped
    CHECK(x->cfg.machine_guids.size() == 3);
    CHECK_FALSE(load_config_dir(data_path("config/no-such-dir")).has_value());
    // A directory without the files: defaults plus a note per file.
    auto empty = load_config_dir(data_path("config"));
    REQUIRE(empty.has_value());
    CHECK(empty->ok());
    CHECK(empty->count(diagnostic::note) == 2);
  }

  TEST_CASE("legacy [global] names still work; the new name wins") {
    auto x = load_ini_text("[global]\n"
                           "  memory mode = save\n"
                           "  history = 7200\n"
                           "  bind socket to IP = 10.0.0.1\n"
                           "  bind to = 10.0.0.2\n"
                           "  update every = 2\n"
                           "  log directory = /l\n"
                           "[db]\n"
                           "  update every = 3\n",
                           "");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK(x.cfg.global.mode == memory_mode::save);
    CHECK(x.cfg.global.history == 7200);
    CHECK(x.cfg.global.bind_to == "10.0.0.1"); // first in config_move order
    CHECK(x.cfg.global.update_every == 3);
    CHECK(x.cfg.global.log_dir == "/l");
  }

  TEST_CASE("[plugins] proc switches the built-in collector; other names are "
            "plugins") {
    auto on = load_ini_text("[plugins]\n  apps = yes\n", "");
    CHECK(on.cfg.global.proc_plugin);
    auto x = load_ini_text(
        "[plugins]\n  proc = no\n  apps = yes\n  go.d = no\n", "");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK_FALSE(x.cfg.global.proc_plugin);
    CHECK(x.cfg.global.plugins.count("proc") == 0);
    CHECK(x.cfg.global.plugins.at("apps"));
    CHECK_FALSE(x.cfg.global.plugins.at("go.d"));
    CHECK(dump(x.cfg).find("[plugins]\n    proc = no\n") != std::string::npos);
  }

  TEST_CASE("[stream] quirks: :SSL cut, enabled needs destination and key") {
    auto x
        = load_ini_text("", "[stream]\n"
                            "enabled = yes\n"
                            "destination = a:19999:SSL b:19999\n"
                            "api key = 11111111-2222-3333-4444-555555555555\n");
    CHECK(x.ok());
    CHECK(x.cfg.stream.destination == "a:19999");
    CHECK(x.cfg.stream.force_ssl);
    CHECK(x.cfg.stream.enabled);
    CHECK(find_diagnostic(x, "stream.conf", 3, diagnostic::note) != nullptr);
    auto y = load_ini_text("", "[stream]\nenabled = yes\n");
    CHECK_FALSE(y.cfg.stream.enabled);
    CHECK(find_diagnostic(y, "stream.conf", 2) != nullptr);
  }

  TEST_CASE("booleans: Netdata's words in any case") {
    for (auto t : {"yes", "YES", "true", "On", "auto", "on demand"})
      CHECK(parse_bool(t) == true);
    for (auto f : {"no", "False", "off"})
      CHECK(parse_bool(f) == false);
    CHECK_FALSE(parse_bool("1").has_value());
    CHECK_FALSE(parse_bool("yse").has_value());
    CHECK(parse_number("0x10") == 16);
    CHECK(parse_number("010") == 8);
    CHECK(parse_number("-5") == -5);
    CHECK_FALSE(parse_number("60s").has_value());
    CHECK_FALSE(parse_number("").has_value());
    for (auto m : {"dbengine", "ram", "save", "map", "none", "alloc"})
      CHECK(to_string(*parse_memory_mode(m)) == m);
    CHECK_FALSE(parse_memory_mode("RAM").has_value());
  }

} // TEST_SUITE
