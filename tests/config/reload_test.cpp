#include "config/load.hpp"
#include "config/reload.hpp"
#include "config/resolve.hpp"
#include "tests/config/helpers.hpp"

#include <doctest/doctest.h>

using namespace tributary::config;

namespace {

constexpr const char* key_a = "aaaaaaaa-0000-4000-8000-000000000001";
constexpr const char* key_b = "bbbbbbbb-0000-4000-8000-000000000002";
constexpr const char* guid = "11111111-0000-4000-8000-00000000000a";

settings load(const std::string& netdata, const std::string& stream) {
  auto x = load_ini_text(netdata, stream);
  REQUIRE_MESSAGE(x.ok(), test::all_diagnostics(x));
  return x.cfg;
}

const std::string base_netdata = "[db]\n  mode = ram\n"
                                 "[web]\n  bind to = 127.0.0.1:19999\n"
                                 "  allow connections from = *\n";

std::string keys_of(const std::vector<setting_change>& xs) {
  std::string out;
  for (auto& x : xs)
    out += x.key + ";";
  return out;
}

} // namespace

TEST_SUITE("reload") {

  TEST_CASE("nothing changed: nothing to report, the same settings") {
    auto cfg
        = load(base_netdata, "[" + std::string{key_a} + "]\n  enabled = yes\n");
    auto plan = plan_reload(cfg, cfg);
    CHECK(plan.applied.empty());
    CHECK(plan.needs_restart.empty());
    CHECK(is_api_key_enabled(plan.next, key_a));
  }

  TEST_CASE("a new API key and a disabled one apply at once") {
    auto running
        = load(base_netdata, "[" + std::string{key_a} + "]\n  enabled = yes\n");
    auto fresh
        = load(base_netdata, "[" + std::string{key_a}
                                 + "]\n  enabled = no\n"
                                   "["
                                 + std::string{key_b} + "]\n  enabled = yes\n");
    auto plan = plan_reload(running, fresh);
    CHECK_FALSE(is_api_key_enabled(plan.next, key_a));
    CHECK(is_api_key_enabled(plan.next, key_b));
    CHECK(plan.needs_restart.empty());
    auto applied = keys_of(plan.applied);
    CHECK(applied.find(std::string{"["} + key_b + "] added")
          != std::string::npos);
    CHECK(applied.find(std::string{"["} + key_a + "] changed")
          != std::string::npos);
  }

  TEST_CASE(
      "bind to and [db] mode need a restart and keep their running values") {
    auto running
        = load(base_netdata, "[" + std::string{key_a} + "]\n  enabled = yes\n");
    auto fresh = load("[db]\n  mode = save\n"
                      "[web]\n  bind to = 127.0.0.1:29999\n"
                      "  allow connections from = localhost\n",
                      "[" + std::string{key_a} + "]\n  enabled = yes\n");
    auto plan = plan_reload(running, fresh);
    REQUIRE(plan.needs_restart.size() == 2);
    CHECK(plan.needs_restart[0].key == "[db] mode");
    CHECK(plan.needs_restart[0].running == "ram");
    CHECK(plan.needs_restart[0].wanted == "save");
    CHECK(plan.needs_restart[1].key == "[web] bind to");
    CHECK(plan.next.global.bind_to == "127.0.0.1:19999");
    CHECK(plan.next.global.mode == memory_mode::ram);
    // A key that does not set `default memory mode` inherits the running one,
    // not the one that waits for a restart.
    CHECK(resolve_receiver(plan.next, key_a, guid).memory_mode
          == memory_mode::ram);
    // allow connections from is live.
    CHECK(keys_of(plan.applied) == "[web] allow connections from;");
    CHECK(plan.next.global.allow_connections_from.source() == "localhost");
  }

  TEST_CASE("[plugins] proc needs a restart") {
    auto running = load(base_netdata, "");
    auto fresh = load(base_netdata + "[plugins]\n  proc = no\n", "");
    auto plan = plan_reload(running, fresh);
    REQUIRE(plan.needs_restart.size() == 1);
    CHECK(plan.needs_restart[0].key == "[plugins] proc");
    CHECK(plan.next.global.proc_plugin);
  }

  TEST_CASE("a key's own memory mode for new hosts is live") {
    auto running
        = load(base_netdata, "[" + std::string{key_a} + "]\n  enabled = yes\n");
    auto fresh
        = load(base_netdata,
               "[" + std::string{key_a}
                   + "]\n  enabled = yes\n  default memory mode = none\n");
    auto plan = plan_reload(running, fresh);
    CHECK(plan.needs_restart.empty());
    CHECK(resolve_receiver(plan.next, key_a, guid).memory_mode
          == memory_mode::none);
  }

  TEST_CASE("[stream] send charts matching is live, destination is not") {
    auto child = [](const std::string& dest, const std::string& charts) {
      return load(base_netdata,
                  "[stream]\n  enabled = yes\n  destination = " + dest
                      + "\n  api key = " + key_a
                      + "\n  send charts matching = " + charts + "\n");
    };
    auto plan = plan_reload(child("127.0.0.1:1", "*"),
                            child("127.0.0.1:2", "system.*"));
    CHECK(keys_of(plan.applied) == "[stream] send charts matching;");
    CHECK(keys_of(plan.needs_restart) == "[stream] destination;");
    CHECK(plan.next.stream.destination == "127.0.0.1:1");
    CHECK(plan.next.stream.send_charts_matching.source() == "system.*");
  }
}
