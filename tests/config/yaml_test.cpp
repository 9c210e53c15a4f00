#include "config/dump.hpp"
#include "config/load.hpp"
#include "tests/config/helpers.hpp"

#include <doctest/doctest.h>

using namespace tributary::config;
using tributary::config::test::all_diagnostics;
using tributary::config::test::find_diagnostic;

TEST_SUITE("yaml") {

  TEST_CASE("YAML and INI go through the same per-key code") {
    auto yaml
        = load_yaml_text("netdata:\n"
                         "  db:\n"
                         "    mode: save\n"
                         "    retention: 7200\n"
                         "stream:\n"
                         "  enabled: yes\n"
                         "  destination: [a:19999, b:19999]\n"
                         "  api key: 11111111-2222-3333-4444-555555555555\n"
                         "machine_guids:\n"
                         "  11111111-0000-4000-8000-00000000000a:\n"
                         "    history: 100\n",
                         "t.yaml");
    auto ini = load_ini_text("[db]\nmode = save\nretention = 7200\n",
                             "[stream]\nenabled = yes\n"
                             "destination = a:19999 b:19999\n"
                             "api key = 11111111-2222-3333-4444-555555555555\n"
                             "[11111111-0000-4000-8000-00000000000a]\n"
                             "type = machine\nhistory = 100\n");
    INFO(all_diagnostics(yaml));
    CHECK(yaml.ok());
    CHECK(ini.ok());
    CHECK(dump(yaml.cfg) == dump(ini.cfg));
  }

  TEST_CASE("YAML errors carry 1-based lines") {
    auto bad_value = load_yaml_text("stream:\n"
                                    "  enabled: yes\n"
                                    "  timeout seconds: soon\n"
                                    "  destinaton: x\n",
                                    "t.yaml");
    CHECK(find_diagnostic(bad_value, "t.yaml", 3) != nullptr);
    // An unknown key is a warning (Netdata ignores it), a bad value an error.
    REQUIRE(find_diagnostic(bad_value, "t.yaml", 4, diagnostic::warning)
            != nullptr);
    CHECK(find_diagnostic(bad_value, "t.yaml", 4, diagnostic::warning)
              ->message.find("destination")
          != std::string::npos);
    auto syntax = load_yaml_text("stream:\n  enabled: [yes\n", "t.yaml");
    CHECK_FALSE(syntax.ok());
    REQUIRE(syntax.diagnostics.size() == 1);
    CHECK(syntax.diagnostics[0].line >= 2);
    auto top = load_yaml_text("streams:\n  enabled: yes\n", "t.yaml");
    REQUIRE(find_diagnostic(top, "t.yaml", 1) != nullptr);
    CHECK(find_diagnostic(top, "t.yaml", 1)->message.find("`stream`")
          != std::string::npos);
    auto wrong_type = load_yaml_text("api_keys:\n"
                                     "  11111111-2222-3333-4444-555555555555:\n"
                                     "    type: machine\n",
                                     "t.yaml");
    CHECK(find_diagnostic(wrong_type, "t.yaml", 3) != nullptr);
    auto nested = load_yaml_text("stream:\n  enabled: {a: b}\n", "t.yaml");
    CHECK_FALSE(nested.ok());
  }

  TEST_CASE("empty and odd YAML documents do not throw") {
    CHECK(load_yaml_text("", "t.yaml").ok());
    CHECK(load_yaml_text("# nothing\n", "t.yaml").ok());
    CHECK_FALSE(load_yaml_text("- a\n- b\n", "t.yaml").ok());
    CHECK_FALSE(load_yaml_text("stream: 3\n", "t.yaml").ok());
    CHECK_FALSE(load_yaml_text("{{{{", "t.yaml").ok());
    CHECK_FALSE(load_yaml_text("a: &x [*x]\n", "t.yaml").ok());
  }

  TEST_CASE("api_keys entries are API keys, machine_guids entries GUIDs") {
    auto x = load_yaml_text("api_keys:\n"
                            "  11111111-2222-3333-4444-555555555555:\n"
                            "    enabled: yes\n"
                            "    default history: 50\n"
                            "machine_guids:\n"
                            "  11111111-2222-3333-4444-555555555555:\n"
                            "    enabled: no\n",
                            "t.yaml");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    const auto* k = "11111111-2222-3333-4444-555555555555";
    REQUIRE(x.cfg.api_keys.count(k) == 1);
    REQUIRE(x.cfg.machine_guids.count(k) == 1);
    CHECK(x.cfg.api_keys.at(k).type == "api");
    CHECK(x.cfg.api_keys.at(k).enabled);
    CHECK(x.cfg.api_keys.at(k).history == 50);
    CHECK(x.cfg.machine_guids.at(k).type == "machine");
    CHECK_FALSE(x.cfg.machine_guids.at(k).enabled);
  }

} // TEST_SUITE
