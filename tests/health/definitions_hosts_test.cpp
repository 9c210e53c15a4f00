// Which host and chart an alert is for: os, hosts and host labels lines,
// attach rules.

#include "tests/health/definitions_helpers.hpp"
#include "tests/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tributary::health;
using namespace tributary::health::test;
using tributary::test::data_path;

TEST_SUITE("definitions") {

  TEST_CASE("several os and hosts lines must all match") {
    auto x = parse("template: t\non: ctx\ncalc: 1\nevery: 1m\n"
                   "os: linux freebsd\nos: !freebsd *\nhosts: web* db*\n");
    REQUIRE(x.definitions.size() == 1);
    const auto& d = x.definitions[0];
    CHECK(applies_to_host(d, {"linux", "web1"}));
    CHECK_FALSE(applies_to_host(d, {"freebsd", "web1"}));
    CHECK_FALSE(applies_to_host(d, {"macos", "web1"}));
    CHECK_FALSE(applies_to_host(d, {"linux", "mail"}));
    CHECK_FALSE(applies_to_host(d, {"linux", ""}));
  }

  TEST_CASE("host labels: name or name=value, any label") {
    auto x = parse("alarm: a\non: c\ncalc: 1\nevery: 1m\n"
                   "host labels: _is_k8s_node = false\n"
                   "alarm: b\non: c\ncalc: 1\nevery: 1m\n"
                   "host labels: !role=db role\n"
                   "alarm: c\non: c\ncalc: 1\nevery: 1m\n");
    REQUIRE(x.definitions.size() == 3);
    const auto& a = x.definitions[0];
    const auto& b = x.definitions[1];
    const auto& c = x.definitions[2];
    REQUIRE(a.host_labels);
    CHECK(a.host_labels->source() == "_is_k8s_node=false");
    label_list k8s{{"_os_name", "Debian"}, {"_is_k8s_node", "true"}};
    label_list plain{{"_os_name", "Debian"}, {"_is_k8s_node", "false"}};
    label_list none;
    CHECK_FALSE(host_labels_match(a, &k8s));
    CHECK(host_labels_match(a, &plain));
    CHECK(host_labels_match(a, nullptr));     // link time: no dictionary passes
    CHECK_FALSE(host_labels_match(a, &none)); // an empty dictionary does not
    CHECK_FALSE(survives_host_label_pass(a, nullptr));
    CHECK_FALSE(survives_host_label_pass(a, &none));
    CHECK(survives_host_label_pass(a, &plain));
    // The name matches positively before name=value is tried.
    label_list db{{"role", "db"}};
    CHECK(host_labels_match(b, &db));
    label_list other{{"zone", "eu"}};
    CHECK_FALSE(host_labels_match(b, &other));
    // No host labels line: always passes.
    CHECK(host_labels_match(c, &none));
    CHECK(survives_host_label_pass(c, nullptr));
  }

  TEST_CASE("attach rules: alarms by chart id or name, templates by context") {
    auto x = parse("alarm: a\non: disk_space._\ncalc: 1\nevery: 1m\n"
                   "plugin: diskspace*\n"
                   "template: t\non: disk.space\ncalc: 1\nevery: 1m\n"
                   "families: !/dev !/dev/* *\ncharts: disk_space.*\n"
                   "module: !* *\n"
                   "template: per_dim\non: net.net\nevery: 1m\n"
                   "lookup: average -1m foreach rec*,sent\n"
                   "host labels: env=prod\n");
    INFO(all_diagnostics(x));
    REQUIRE(x.definitions.size() == 3);
    const auto& a = x.definitions[0];
    const auto& t = x.definitions[1];
    const auto& f = x.definitions[2];
    chart_facts root{"disk_space._",      "disk_space./",
                     "disk.space",        "/",
                     "diskspace.plugin",  "",
                     {{"avail", "avail"}}};
    chart_facts dev = root;
    dev.id = "disk_space._dev";
    dev.name = "disk_space./dev";
    dev.family = "/dev";
    CHECK(applies_to(a, root));
    chart_facts by_name = dev;
    by_name.name = "disk_space._"; // `on` may equal the chart name
    CHECK(applies_to(a, by_name));
    CHECK_FALSE(applies_to(a, dev));
    chart_facts other_plugin = root;
    other_plugin.plugin = "proc.plugin";
    CHECK_FALSE(applies_to(a, other_plugin));
    chart_facts no_plugin = root;
    no_plugin.plugin.clear(); // an empty subject never matches
    CHECK_FALSE(applies_to(a, no_plugin));

    // `module: !* *` fails for any module but also for an empty one.
    CHECK_FALSE(applies_to(t, root));
    chart_facts with_module = root;
    with_module.module = "m";
    CHECK_FALSE(applies_to(t, with_module)); // `!*` matches first
    CHECK(t.key() == "t/!/dev !/dev/* *");

    auto t2 = t;
    t2.module.reset();
    CHECK(applies_to(t2, root));
    CHECK_FALSE(applies_to(t2, dev)); // families excludes /dev
    chart_facts wrong_context = root;
    wrong_context.context = "disk.inodes";
    CHECK_FALSE(applies_to(t2, wrong_context));
    chart_facts other_name = root;
    other_name.id = "x";
    other_name.name = "y";
    CHECK_FALSE(applies_to(t2, other_name)); // charts: id or name
    other_name.name = "disk_space.y";
    CHECK(applies_to(t2, other_name));
    CHECK(template_instance_names(t2, root) == std::vector<std::string>{"t"});
    CHECK(template_instance_names(a, root).empty());
    CHECK(instance_key("disk_space._", "t") == "disk_space._/t");

    // foreach: needs ≥ 1 dimension; one alert per matching dim, by id or name.
    chart_facts eth{
        "net.eth0",
        "net.eth0",
        "net.net",
        "eth0",
        "proc.plugin",
        "/proc/net/dev",
        {{"received", "received"}, {"sent_id", "sent"}, {"other", "x-y"}}};
    label_list prod{{"env", "prod"}};
    CHECK(applies_to(f, eth, &prod));
    CHECK(applies_to(f, eth)); // no label dictionary: passes at link time
    label_list dev_labels{{"env", "dev"}};
    CHECK_FALSE(applies_to(f, eth, &dev_labels));
    CHECK(template_instance_names(f, eth)
          == std::vector<std::string>{"per_dim_received", "per_dim_sent"});
    chart_facts empty = eth;
    empty.dimensions.clear();
    CHECK_FALSE(applies_to(f, empty, &prod));
    // An alarm keeps foreach but ignores it.
    auto as_alarm
        = parse("alarm: fa\non: net.eth0\nlookup: sum -1m foreach *\n");
    REQUIRE(as_alarm.definitions.size() == 1);
    CHECK(as_alarm.definitions[0].lookup->foreach_filter);
    CHECK(applies_to(as_alarm.definitions[0], empty));
  }

} // TEST_SUITE
