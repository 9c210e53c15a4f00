// The package's /etc/tributary files (deploy/conf): every commented setting
// shows the value tributary uses when the line stays commented.
#include "config/dump.hpp"
#include "config/load.hpp"
#include "tests/config/helpers.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

using namespace tributary::config;
using tributary::config::test::all_diagnostics;

namespace {

constexpr const char* key_uuid = "11111111-2222-4333-8444-555555555555";
constexpr const char* guid_uuid = "22222222-3333-4444-8555-666666666666";

std::string read_shipped(const std::string& name) {
  auto path = std::string{TRIBUTARY_SOURCE_DIR} + "/deploy/conf/" + name;
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error("missing " + path);
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

/// Uncomments every `<TAB># key = value` line (the settings shown at their
/// defaults); prose comments have no ` = ` after a bare key and stay.
std::string uncomment_defaults(const std::string& text) {
  static const std::regex setting{R"(^\t# ([A-Za-z][A-Za-z0-9 _]*) =( .*)?$)",
                                  std::regex::multiline};
  return std::regex_replace(text, setting, "\t$1 =$2");
}

/// Turns the stream.conf templates into real sections: `#[API_KEY]` and
/// `#[MACHINE_GUID]` headers and their `#<TAB>key = value` lines.
std::string enable_templates(const std::string& text) {
  auto out = std::regex_replace(
      text, std::regex{R"(^#\[API_KEY\]$)", std::regex::multiline},
      std::string{"["} + key_uuid + "]");
  out = std::regex_replace(
      out, std::regex{R"(^#\[MACHINE_GUID\]$)", std::regex::multiline},
      std::string{"["} + guid_uuid + "]");
  return std::regex_replace(out, std::regex{R"(^#\t)", std::regex::multiline},
                            "\t");
}

/// The dump without the marks of explicitly set receiver fields: a
/// template section with every default spelled out means the same as one
/// with none.
std::string values_of(const load_result& x) {
  return std::regex_replace(dump(x.cfg), std::regex{"  \\(set\\)"}, "");
}

/// Errors, and unknown keys at any level (a misspelt setting in the file).
size_t errors(const load_result& x) {
  size_t n = x.count(diagnostic::error);
  for (const auto& d : x.diagnostics)
    if (d.level != diagnostic::error
        && d.message.find("unknown") != std::string::npos)
      ++n;
  return n;
}

} // namespace

TEST_SUITE("shipped conf") {

  TEST_CASE(
      "the package's netdata.conf loads clean and sets the package's paths") {
    auto x = load_ini_text(read_shipped("netdata.conf"),
                           read_shipped("stream.conf"), "netdata.conf",
                           "stream.conf");
    INFO(all_diagnostics(x));
    CHECK(errors(x) == 0);
    auto& g = x.cfg.global;
    CHECK(g.bind_to == "127.0.0.1");
    CHECK(g.run_as_user == "tributary");
    CHECK(g.config_dir == "/etc/tributary");
    CHECK(g.log_dir == "/var/log/tributary");
    CHECK(g.cache_dir == "/var/cache/tributary");
    CHECK(g.lib_dir == "/var/lib/tributary");
    CHECK(g.health_config_dir == "/etc/tributary/health.d");
    CHECK(g.netdata_unique_id_file
          == "/var/lib/tributary/registry/netdata.public.unique.id");
    CHECK_FALSE(x.cfg.stream.enabled);
    CHECK(x.cfg.api_keys.empty());
    CHECK(x.cfg.machine_guids.empty());
  }

  TEST_CASE("every commented netdata.conf setting shows its default") {
    auto stream = read_shipped("stream.conf");
    auto shipped = load_ini_text(read_shipped("netdata.conf"), stream,
                                 "netdata.conf", "stream.conf");
    auto spelled = uncomment_defaults(read_shipped("netdata.conf"));
    REQUIRE(spelled != read_shipped("netdata.conf"));
    auto all = load_ini_text(spelled, stream, "netdata.conf", "stream.conf");
    INFO(all_diagnostics(all));
    CHECK(errors(all) == 0);
    CHECK(values_of(all) == values_of(shipped));
  }

  TEST_CASE("every commented stream.conf setting shows its default") {
    auto netdata = read_shipped("netdata.conf");
    auto templates = enable_templates(read_shipped("stream.conf"));
    auto minimal
        = load_ini_text(netdata, templates, "netdata.conf", "stream.conf");
    INFO(all_diagnostics(minimal));
    CHECK(errors(minimal) == 0);
    REQUIRE(minimal.cfg.api_keys.count(key_uuid) == 1);
    REQUIRE(minimal.cfg.machine_guids.count(guid_uuid) == 1);
    CHECK(minimal.cfg.api_keys.at(key_uuid).enabled);
    auto all = load_ini_text(netdata, uncomment_defaults(templates),
                             "netdata.conf", "stream.conf");
    INFO(all_diagnostics(all));
    CHECK(errors(all) == 0);
    CHECK(values_of(all) == values_of(minimal));
  }
}
