// Loading health.d directories: user files over stock ones, and every stock
// file of Debian's Netdata.

#include "tests/health/definitions_helpers.hpp"
#include "tests/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tributary::health;
using namespace tributary::health::test;
using tributary::test::data_path;

TEST_SUITE("definitions") {

  TEST_CASE(
      "user directory overrides stock files by name, also in subdirectories") {
    auto user = data_path("health/dirs/user");
    auto stock = data_path("health/dirs/stock");
    auto x = load_health_dirs(user, stock, true);
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    std::vector<std::string> files;
    for (const auto& f : x.files)
      files.push_back(f.substr(data_path("health/dirs/").size()));
    CHECK(files
          == std::vector<std::string>{
              "user/a.conf", "user/sub1/e.conf", "stock/sub1/c.conf",
              "user/z_dup.conf", "stock/b.conf", "stock/l1/l2/l3/deep.conf",
              "stock/sub2/d.conf"});
    std::vector<std::string> names;
    for (const auto& d : x.definitions)
      names.push_back(d.name);
    CHECK(names
          == std::vector<std::string>{"a_user", "e_user", "c_stock", "b_stock",
                                      "b_stock", "deep_stock", "d_stock"});
    CHECK(x.definitions[0].file == user + "/a.conf");
    CHECK(x.definitions[0].source() == "1@" + user + "/a.conf");

    // The first definition of a key wins: z_dup.conf (user) beats b.conf.
    auto sel = select_for_host(x, {"linux", "parent"});
    INFO(all_diagnostics(sel.diagnostics));
    REQUIRE(sel.alarms.size() == 6);
    CHECK(sel.templates.empty());
    CHECK(file_name(sel.alarms[3]->file) == "z_dup.conf");
    CHECK(sel.alarms[3]->every == 60);
    REQUIRE(sel.diagnostics.size() == 1);
    CHECK(file_name(sel.diagnostics[0].file) == "b.conf");
    CHECK(sel.diagnostics[0].message.find("system.test/b_stock")
          != std::string::npos);

    // Stock disabled: the user directory only (also inside subdirectories).
    auto y = load_health_dirs(user, stock, false);
    CHECK(y.ok());
    REQUIRE(y.files.size() == 3);
    CHECK(file_name(y.files[0]) == "a.conf");
    CHECK(file_name(y.files[1]) == "e.conf");
    CHECK(file_name(y.files[2]) == "z_dup.conf");

    // A missing user or stock directory is a note.
    auto z = load_health_dirs(data_path("health/no-such-dir"), stock, true);
    CHECK(z.ok());
    CHECK(z.count(diagnostic::note) == 1);
    CHECK(z.files.size() == 6);
    auto w = load_health_dirs(user, data_path("health/no-such-dir"), true);
    CHECK(w.ok());
    CHECK(w.count(diagnostic::note) == 1);
    CHECK(w.files.size() == 3);
  }

  TEST_CASE("all of Debian's stock health.d files load without errors") {
    REQUIRE_MESSAGE(std::filesystem::is_directory(stock_health_dir),
                    stock_health_dir,
                    " is missing: install Debian's netdata-core 1.37.1");
    auto x = load_health_dirs(data_path("health/no-such-dir"), stock_health_dir,
                              true);
    INFO(all_diagnostics(x));
    CHECK(x.ok());
    CHECK(x.count(diagnostic::note) == 1); // the missing user directory
    CHECK(x.files.size() == 76);
    // 44 `alarm:` and 240 `template:` lines in 1.37.1's stock files.
    size_t alarms = 0;
    size_t templates = 0;
    for (const auto& d : x.definitions)
      (d.is_template ? templates : alarms)++;
    CHECK(alarms == 44);
    CHECK(templates == 240);

    SUBCASE("cpu.conf: 10min_cpu_usage (linux)") {
      const auto* d = find_def(x, "10min_cpu_usage", "linux");
      REQUIRE(d);
      CHECK(d->is_template);
      CHECK(file_name(d->file) == "cpu.conf");
      CHECK(d->line == 4);
      CHECK(d->on == "system.cpu");
      CHECK(d->classification == "Utilization");
      CHECK(d->type == "System");
      CHECK(d->component == "CPU");
      REQUIRE(d->os.size() == 1);
      CHECK(d->os[0].source() == "linux");
      REQUIRE(d->hosts.size() == 1);
      CHECK(d->hosts[0].source() == "*");
      REQUIRE(d->lookup);
      CHECK(d->lookup->method == lookup_method::average);
      CHECK(d->lookup->after == -600);
      CHECK(d->lookup->before == 0);
      CHECK(d->lookup->unaligned);
      CHECK_FALSE(d->lookup->absolute);
      CHECK(d->lookup->dimensions == "user,system,softirq,irq,guest");
      CHECK(d->lookup->selects("softirq", "softirq"));
      CHECK_FALSE(d->lookup->selects("iowait", "iowait"));
      CHECK(d->units == "%");
      CHECK(d->every == 60);
      CHECK(d->warn == "$this > (($status >= $WARNING) ? (75) : (85))");
      CHECK(d->crit == "$this > (($status == $CRITICAL) ? (85) : (95))");
      CHECK(d->calc.empty());
      CHECK(d->delay.up == 0);
      CHECK(d->delay.down == 900);
      CHECK(d->delay.multiplier == 1.5);
      CHECK(d->delay.max == 3600);
      CHECK(d->info
            == "average CPU utilization over the last 10 minutes (excluding "
               "iowait, nice and steal)");
      CHECK(d->to == "sysadmin");
      CHECK(d->key() == "10min_cpu_usage/*");
      const auto* bsd = find_def(x, "10min_cpu_usage", "freebsd");
      REQUIRE(bsd);
      CHECK(bsd->line == 53);
      CHECK(bsd->lookup->dimensions == "user,system,interrupt");
    }
    SUBCASE("ram.conf: ram_in_use (linux) and oom_kill") {
      const auto* d = find_def(x, "ram_in_use", "linux");
      REQUIRE(d);
      CHECK_FALSE(d->is_template);
      CHECK(file_name(d->file) == "ram.conf");
      CHECK(d->line == 4);
      CHECK(d->on == "system.ram");
      CHECK(d->component == "Memory");
      CHECK_FALSE(d->lookup);
      CHECK(d->calc == "$used * 100 / ($used + $cached + $free + $buffers)");
      CHECK(d->units == "%");
      CHECK(d->every == 10);
      CHECK(d->warn == "$this > (($status >= $WARNING) ? (80) : (90))");
      CHECK(d->crit == "$this > (($status == $CRITICAL) ? (90) : (98))");
      CHECK(d->delay.down == 900);
      CHECK(d->delay.multiplier == 1.5);
      CHECK(d->delay.max == 3600);
      CHECK(d->info == "system memory utilization");
      CHECK(d->to == "sysadmin");
      CHECK(d->key() == "system.ram/ram_in_use");
      const auto* oom = find_def(x, "oom_kill");
      REQUIRE(oom);
      CHECK(oom->line == 36);
      REQUIRE(oom->lookup);
      CHECK(oom->lookup->method == lookup_method::sum);
      CHECK(oom->lookup->after == -1800);
      CHECK_FALSE(oom->lookup->dimension_filter);
      CHECK(oom->every == 300);
      CHECK(oom->delay.down == 600);
      CHECK(oom->delay.max == 600);
      REQUIRE(oom->host_labels);
      CHECK(oom->host_labels->source() == "_is_k8s_node=false");
      CHECK(oom->units == "kills");
    }
    SUBCASE("disks.conf families, fping green/red, foreach, softnet "
            "continuation") {
      const auto* disk = find_def(x, "disk_space_usage");
      REQUIRE(disk);
      REQUIRE(disk->families);
      CHECK(disk->families->source() == "!/dev !/dev/* !/run !/run/* *");
      CHECK(disk->info == "disk $family space utilization");
      CHECK(disk->delay.up == 60);
      const auto* fping = find_def(x, "fping_host_latency");
      REQUIRE(fping);
      CHECK(fping->green == 500);
      CHECK(fping->red == 1000);
      const auto* raid = find_def(x, "adaptec_raid_ld_status");
      REQUIRE(raid);
      REQUIRE(raid->lookup);
      REQUIRE(raid->lookup->foreach_filter);
      CHECK(raid->lookup->foreach_dimensions == "*");
      const auto* softnet = find_def(x, "1min_netdev_backlog_exceeded");
      REQUIRE(softnet);
      CHECK(softnet->info
            == "average number of dropped packets in the last minute due to "
               "exceeded net.core.netdev_max_backlog");
      CHECK(softnet->lookup->absolute);
    }
    SUBCASE("a linux host registers each key once") {
      auto sel = select_for_host(x, {"linux", "child"});
      INFO(all_diagnostics(sel.diagnostics));
      CHECK(sel.diagnostics.empty());
      size_t ram_in_use = 0;
      for (const auto* d : sel.alarms)
        ram_in_use += d->name == "ram_in_use";
      CHECK(ram_in_use == 1);
      CHECK(sel.alarms.size() + sel.templates.size() < x.definitions.size());
      CHECK(sel.alarms.size() > 20);
      CHECK(sel.templates.size() > 150);
      auto bsd = select_for_host(x, {"freebsd", "child"});
      INFO(all_diagnostics(bsd.diagnostics));
      CHECK(bsd.diagnostics.empty());
      const alert_definition* bsd_ram = nullptr;
      for (const auto* d : bsd.alarms)
        if (d->name == "ram_in_use")
          bsd_ram = d;
      REQUIRE(bsd_ram);
      CHECK(bsd_ram->line == 50);
      CHECK(bsd.alarms.size() < sel.alarms.size());
    }
  }

} // TEST_SUITE
