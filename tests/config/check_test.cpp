#include "config/check.hpp"
#include "tests/config/helpers.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <iterator>

using namespace tributary::config;
using tributary::config::test::all_diagnostics;
using tributary::config::test::find_diagnostic;
using tributary::test::data_path;

namespace {

// The Debian netdata 1.37.1 package's stock files. CI installs the package;
// a missing file fails the test instead of skipping it.
constexpr const char* stock_stream_conf = "/usr/lib/netdata/conf.d/stream.conf";
constexpr const char* stock_netdata_conf = "/etc/netdata/netdata.conf";

std::string read_installed(const char* path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE_MESSAGE(in.good(), path,
                  " is missing: install Debian's netdata-core 1.37.1");
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_SUITE("check") {

  TEST_CASE("the stock Debian netdata.conf and stream.conf check clean") {
    auto x = load_ini_text(read_installed(stock_netdata_conf),
                           read_installed(stock_stream_conf),
                           stock_netdata_conf, stock_stream_conf);
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK(check(x).exit_code == 0);
    const auto& c = x.cfg;
    // netdata.conf: [global] bind socket to IP is the old name of [web] bind
    // to.
    CHECK(c.global.bind_to == "127.0.0.1");
    CHECK(c.global.run_as_user == "netdata");
    // stream.conf: the stock values, and the two template sections.
    CHECK_FALSE(c.stream.enabled);
    CHECK(c.stream.timeout_seconds == 60);
    CHECK(c.stream.default_port == 19999);
    CHECK(c.stream.send_charts_matching.source() == "*");
    REQUIRE(c.api_keys.count("API_KEY") == 1);
    CHECK_FALSE(c.api_keys.at("API_KEY").enabled);
    CHECK(c.api_keys.at("API_KEY").postpone_alarms_on_connect_seconds == 60);
    REQUIRE(c.machine_guids.count("MACHINE_GUID") == 1);
    CHECK_FALSE(c.machine_guids.at("MACHINE_GUID").enabled);
  }

  TEST_CASE("the fixture configs check clean") {
    auto out = check(test::load_fixture("parent"));
    INFO(out.report);
    CHECK(out.exit_code == 0);
    CHECK(check(test::load_fixture("child")).exit_code == 0);
  }

  TEST_CASE("a misspelt key, bad values and a bad pattern, each at its line") {
    auto x = load_config_dir(data_path("config/bad"));
    REQUIRE(x.has_value());
    INFO(all_diagnostics(*x));
    CHECK_FALSE(x->ok());
    // stream.conf
    auto* typo = find_diagnostic(*x, "stream.conf", 4, diagnostic::warning);
    REQUIRE(typo != nullptr);
    CHECK(contains(typo->message, "unknown key"));
    CHECK(contains(typo->message, "did you mean `destination`?"));
    auto* number = find_diagnostic(*x, "stream.conf", 5);
    REQUIRE(number != nullptr);
    CHECK(contains(number->message, "`sixty` is not a number"));
    auto* pattern = find_diagnostic(*x, "stream.conf", 10);
    REQUIRE(pattern != nullptr);
    CHECK(contains(pattern->message, "`!` with no pattern"));
    auto* mode = find_diagnostic(*x, "stream.conf", 11);
    REQUIRE(mode != nullptr);
    CHECK(contains(mode->message, "not a memory mode"));
    auto* health = find_diagnostic(*x, "stream.conf", 12);
    REQUIRE(health != nullptr);
    CHECK(contains(health->message, "not yes, no or auto"));
    auto* level = find_diagnostic(*x, "stream.conf", 13, diagnostic::warning);
    REQUIRE(level != nullptr);
    CHECK(contains(level->message, "`default history`"));
    // netdata.conf
    auto* db_typo = find_diagnostic(*x, "netdata.conf", 9, diagnostic::warning);
    REQUIRE(db_typo != nullptr);
    CHECK(contains(db_typo->message, "did you mean `update every`?"));
    auto* port = find_diagnostic(*x, "netdata.conf", 13);
    REQUIRE(port != nullptr);
    CHECK(contains(port->message, "out of range"));
    // Values tributary cannot use are errors; keys it does not know (or reads
    // elsewhere) are warnings: Netdata ignores them, so does `run`.
    CHECK(typo->level == diagnostic::warning);
    CHECK(db_typo->level == diagnostic::warning);
    CHECK(level->level == diagnostic::warning);
    CHECK(number->level == diagnostic::error);
    CHECK(port->level == diagnostic::error);
    CHECK(x->count(diagnostic::error) == 5);
    CHECK(x->count(diagnostic::warning) == 3);
    // The report: one `file:line: message` line each, exit code 1.
    auto out = check(*x);
    CHECK(out.exit_code == 1);
    CHECK(contains(out.report,
                   data_path("config/bad/stream.conf")
                       + ":4: "
                         "warning: [stream] destinaton: unknown key"));
    CHECK(contains(out.report, "5 errors, 3 warnings, "));
  }

  TEST_CASE("an unterminated section is reported with its line") {
    auto x
        = load_ini_text("[global]\n  hostname = a\n[web\n  bind to = *\n", "");
    auto* d = find_diagnostic(x, "netdata.conf", 3);
    REQUIRE(d != nullptr);
    CHECK(contains(d->message, "unterminated section"));
    CHECK(check(x).exit_code == 1);
    CHECK(x.cfg.global.hostname == "a");
    CHECK(x.cfg.global.bind_to == "*"); // the broken section's keys are dropped
  }

  TEST_CASE("Netdata keys tributary ignores are notes; typos are warnings") {
    auto x
        = load_ini_text("[plugin:proc]\n  /proc/stat = yes\n"
                        "[global]\n  OOM score = keep\n"
                        "[web]\n  web files owner = root\n"
                        "[globl]\n  x = 1\n"
                        "[my.chart]\n  x = 1\n",
                        "[stream]\n  enabled = no\n"
                        "[Stream]\n  enabled = no\n"
                        "[API_KEY]\n  type = api\n  replication_step = 600\n");
    INFO(all_diagnostics(x));
    CHECK(find_diagnostic(x, "netdata.conf", 1, diagnostic::note) != nullptr);
    CHECK(find_diagnostic(x, "netdata.conf", 4, diagnostic::note) != nullptr);
    CHECK(find_diagnostic(x, "netdata.conf", 6, diagnostic::note) != nullptr);
    REQUIRE(find_diagnostic(x, "netdata.conf", 7, diagnostic::warning)
            != nullptr);
    CHECK(contains(
        find_diagnostic(x, "netdata.conf", 7, diagnostic::warning)->message,
        "[global]"));
    CHECK(find_diagnostic(x, "netdata.conf", 9, diagnostic::note) != nullptr);
    CHECK(find_diagnostic(x, "stream.conf", 3, diagnostic::warning) != nullptr);
    REQUIRE(find_diagnostic(x, "stream.conf", 7, diagnostic::warning)
            != nullptr);
    CHECK(contains(
        find_diagnostic(x, "stream.conf", 7, diagnostic::warning)->message,
        "seconds per replication step"));
    CHECK(x.count(diagnostic::error) == 0);
    CHECK(x.count(diagnostic::warning) == 3);
    CHECK(check(x).exit_code == 0);
    check_options strict;
    strict.strict = true;
    CHECK(check(x, strict).exit_code == 1);
  }

  TEST_CASE("keys of newer Netdata versions: known ones are notes, the rest "
            "warnings with a did-you-mean; values of known keys are checked") {
    auto x = load_ini_text("[db]\n"
                           "  dbengine tier 0 retention size = 1GiB\n" // 2
                           "  cleanup orphan hosts after = 1h30m\n"    // 3
                           "  dbengine page type = gorilla\n"          // 4
                           "  updte every = 1\n"                       // 5
                           "[logs]\n"
                           "  level = warning\n"       // 7
                           "  severity level = info\n" // 8
                           "  brand new key = 1\n"     // 9
                           "[ml]\n  enabled = yes\n"
                           "[cloud]\n  proxy = env\n"
                           "[global]\n  host access prefix = /host/\n", // 15
                           "[stream]\n"
                           "  zstd compression level = 3\n" // 2
                           "[11111111-2222-3333-4444-555555555555]\n"
                           "  type = api\n"
                           "  is ephemeral node = yes\n"                 // 5
                           "  compression algorithms order = zstd lz4\n" // 6
                           "  brand new key = 1\n");                     // 7
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    for (size_t line : {2, 4})
      CHECK(find_diagnostic(x, "netdata.conf", line, diagnostic::note)
            != nullptr);
    auto* note = find_diagnostic(x, "netdata.conf", 2, diagnostic::note);
    REQUIRE(note != nullptr);
    CHECK(contains(note->message, "Netdata v2.0 and later"));
    CHECK(find_diagnostic(x, "netdata.conf", 3) == nullptr);
    CHECK(x.cfg.global.cleanup_orphan_hosts_after_secs == 5400);
    auto* typo = find_diagnostic(x, "netdata.conf", 5, diagnostic::warning);
    REQUIRE(typo != nullptr);
    CHECK(contains(typo->message, "did you mean `update every`?"));
    CHECK(x.cfg.global.log_level == "warning");
    CHECK(find_diagnostic(x, "netdata.conf", 9, diagnostic::warning)
          != nullptr);
    CHECK(x.cfg.global.host_access_prefix == "/host");
    CHECK(find_diagnostic(x, "stream.conf", 2, diagnostic::note) != nullptr);
    CHECK(find_diagnostic(x, "stream.conf", 5, diagnostic::note) != nullptr);
    CHECK(find_diagnostic(x, "stream.conf", 6, diagnostic::note) != nullptr);
    CHECK(find_diagnostic(x, "stream.conf", 7, diagnostic::warning) != nullptr);
    CHECK(x.count(diagnostic::warning) == 3);

    // A value tributary cannot use for a key it knows stays an error.
    auto bad = load_ini_text("[logs]\n  level = loud\n"
                             "[db]\n  cleanup orphan hosts after = soon\n"
                             "  delete orphan hosts files = perhaps\n",
                             "");
    INFO(all_diagnostics(bad));
    CHECK(find_diagnostic(bad, "netdata.conf", 2, diagnostic::error)
          != nullptr);
    CHECK(find_diagnostic(bad, "netdata.conf", 4, diagnostic::error)
          != nullptr);
    CHECK(find_diagnostic(bad, "netdata.conf", 5, diagnostic::error)
          != nullptr);
    CHECK(bad.cfg.global.cleanup_orphan_hosts_after_secs == 3600);
  }

  TEST_CASE(
      "orphan cleanup keys: 1.37.1's legacy [global] names and defaults") {
    auto d = load_ini_text("", "");
    CHECK(d.cfg.global.cleanup_orphan_hosts_after_secs == 3600);
    CHECK(d.cfg.global.delete_orphan_hosts_files);
    auto x = load_ini_text("[global]\n"
                           "  cleanup orphan hosts after seconds = 5\n"
                           "  delete orphan hosts files = no\n",
                           "");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK(x.cfg.global.cleanup_orphan_hosts_after_secs == 5);
    CHECK_FALSE(x.cfg.global.delete_orphan_hosts_files);
    auto y = load_ini_text("[db]\n  cleanup orphan hosts after secs = 7\n", "");
    CHECK(y.cfg.global.cleanup_orphan_hosts_after_secs == 7);
  }

  TEST_CASE("TLS files the web server cannot read are noted at their line") {
    auto cert = data_path("tls/server.pem");
    auto x = load_ini_text("[web]\n"
                           "    ssl certificate = "
                               + cert
                               + "\n"
                                 "    ssl key = /nonexistent/key.pem\n"
                                 "    tls version = 2.0\n",
                           "", "netdata.conf", "stream.conf");
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK(x.cfg.global.ssl_certificate == cert);
    CHECK(x.cfg.global.tls_version == "2.0");
    CHECK(find_diagnostic(x, "netdata.conf", 2) == nullptr);
    auto* key = find_diagnostic(x, "netdata.conf", 3, diagnostic::note);
    REQUIRE(key != nullptr);
    CHECK(contains(key->message, "cannot read /nonexistent/key.pem"));
    CHECK(find_diagnostic(x, "netdata.conf", 4, diagnostic::note) != nullptr);
  }

  TEST_CASE("check-config on a directory and on a YAML file") {
    CHECK(check_config_dir(data_path("config/precedence")).exit_code == 0);
    CHECK(check_config_dir(data_path("config/bad")).exit_code == 1);
    CHECK(check_config_dir(data_path("config/no-such-dir")).exit_code == 1);
    CHECK(check_yaml_file(data_path("config/parent.yaml")).exit_code == 0);
    CHECK(check_yaml_file(data_path("config/no-such.yaml")).exit_code == 1);
    check_options no_notes;
    no_notes.with_notes = false;
    auto quiet = check_config_dir(data_path("config/bad"), no_notes);
    CHECK_FALSE(contains(quiet.report, "note:"));
  }

} // TEST_SUITE
