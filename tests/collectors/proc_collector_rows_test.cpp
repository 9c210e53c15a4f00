// proc_collector's rows over fixture /proc and /sys trees, missing files, and
// this machine's live /proc.

#include "tests/collectors/proc_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {

TEST_CASE("proc collector: exact rows over two collections") {
  proc_fixture f{"rows"};
  std::vector<chart_row> rows;
  f.pc.collect(t0, rows);
  check_rows(
      rows,
      {
          {"system.cpu", 0, {0, 0, 1745, 211, 0, 20553, 8543, 0, 1121, 95850}},
          {"cpu.cpu0", 0, {0, 0, 870, 150, 0, 10112, 4301, 0, 602, 47901}},
          {"cpu.cpu1", 0, {0, 0, 875, 61, 0, 10441, 4242, 0, 519, 47949}},
          {"system.intr", 0, {2510298}},
          {"system.ctxt", 0, {1387509}},
          {"system.forks", 0, {11532}},
          {"system.processes", 0, {1, 0}},
          {"system.uptime", 0, {641100}},
          {"system.load", 0, {910, 620, 300}},
          {"system.active_processes", 0, {127}},
          {"system.pgpgio", 0, {1008830, 220144}},
          {"mem.pgfaults", 0, {2904170, 3132}},
          // used = total - free - (cached + sreclaimable - shmem) - buffers
          {"system.ram", 0, {23454420, 180964, 1041996, 6712}},
          {"mem.available", 0, {24165072}},
          {"system.swap", 0, {1048572, 0}},
          {"mem.committed", 0, {363316}},
          {"mem.writeback", 0, {156, 0, 0, 0, 0}},
          {"mem.kernel", 0, {155660, 2048, 2036, 14828, 1000}},
          {"mem.slab", 0, {116488, 39172}},
          {"disk.sda", 0, {2017660, 440288}},
          {"disk_ops.sda", 0, {14532, 2371}},
          // physical disks only, sectors * 512 / 1024
          {"system.io", 0, {1008830, 220144}},
          {"net_operstate.ifb0", 0, {0, 1, 0, 0, 0, 0, 0}},
          {"net_mtu.ifb0", 0, {1500}},
          {"net_operstate.ifb1", 0, {0, 1, 0, 0, 0, 0, 0}},
          {"net_mtu.ifb1", 0, {1500}},
          {"net.eth0", 0, {38301081, 41733}},
          // speed "-1" reads as 0, as Netdata's str2ull reads it
          {"net_speed.eth0", 0, {0}},
          {"net_duplex.eth0", 0, {0, 0, 1}},
          {"net_operstate.eth0", 0, {1, 0, 0, 0, 0, 0, 0}},
          {"net_carrier.eth0", 0, {1, 0}},
          {"net_mtu.eth0", 0, {1400}},
          {"net_packets.eth0", 0, {27190, 512, 0}},
          // physical interfaces only (not lo, not the virtual ifb*)
          {"system.net", 0, {38301081, 41733}},
      },
      t0);
  f.load("second");
  rows.clear();
  f.pc.collect(t1, rows);
  constexpr uint64_t dt = t1 - t0;
  check_rows(
      rows,
      {
          // user -= guest, nice -= guest_nice
          {"system.cpu",
           dt,
           {1, 12, 1746, 212, 0, 20643, 8594, 2, 1125, 96019}},
          {"cpu.cpu0", dt, {1, 6, 870, 151, 0, 10154, 4327, 1, 604, 47985}},
          {"cpu.cpu1", dt, {0, 6, 876, 61, 0, 10489, 4267, 1, 521, 48034}},
          {"system.intr", dt, {2511102}},
          {"system.ctxt", dt, {1388031}},
          {"system.forks", dt, {11537}},
          {"system.processes", dt, {3, 2}},
          {"system.uptime", dt, {642100}},
          // no system.load: Netdata reads it every 5 s
          {"system.active_processes", dt, {129}},
          {"system.swapio", 0, {2, 256}},
          {"system.pgpgio", dt, {1008846, 220400}},
          {"mem.pgfaults", dt, {2905901, 3133}},
          {"system.ram", dt, {23450004, 184420, 1042956, 6712}},
          {"mem.available", dt, {24160000}},
          {"system.swap", dt, {1047548, 1024}},
          {"mem.committed", dt, {363316}},
          {"mem.writeback", dt, {312, 0, 0, 0, 0}},
          {"mem.kernel", dt, {155660, 2048, 2036, 14828, 1000}},
          {"mem.slab", dt, {116488, 39172}},
          {"disk.sda", dt, {2017692, 440800}},
          {"disk_ops.sda", dt, {14534, 2390}},
          {"system.io", dt, {1008846, 220400}},
          {"net_operstate.ifb0", dt, {0, 1, 0, 0, 0, 0, 0}},
          {"net_mtu.ifb0", dt, {1500}},
          {"net_operstate.ifb1", dt, {0, 1, 0, 0, 0, 0, 0}},
          {"net_mtu.ifb1", dt, {1500}},
          // "eth0:38310201" (no blank after the colon) still parses
          {"net.eth0", dt, {38310201, 43001}},
          {"net_speed.eth0", dt, {0}},
          {"net_duplex.eth0", dt, {0, 0, 1}},
          {"net_operstate.eth0", dt, {1, 0, 0, 0, 0, 0, 0}},
          {"net_carrier.eth0", dt, {1, 0}},
          {"net_mtu.eth0", dt, {1400}},
          {"net_packets.eth0", dt, {27201, 519, 3}},
          {"system.net", dt, {38310201, 43001}},
      },
      t1);
  // Five seconds after the first load row, system.load comes back with the
  // time since its own previous row.
  for (int i = 2; i <= 5; ++i) {
    rows.clear();
    f.pc.collect(t0 + 1000000ull * i, rows);
    bool has_load = false;
    for (auto& r : rows)
      if (r.chart_id == "system.load") {
        has_load = true;
        CHECK(r.microseconds == 5000000);
        CHECK(r.values == std::vector<int64_t>{930, 630, 290});
      }
    CHECK(has_load == (i == 5));
  }
}

TEST_CASE("proc collector: missing files produce no charts") {
  proc_collector_config cfg;
  cfg.proc_root = data_path("proc/does-not-exist");
  cfg.sys_root = data_path("proc/does-not-exist");
  proc_collector pc{cfg};
  std::vector<chart_row> rows;
  pc.collect(t0, rows);
  CHECK(rows.empty());
  CHECK(pc.definitions().empty());
}

TEST_CASE("proc collector: live /proc of this machine") {
  proc_collector pc;
  std::vector<chart_row> rows;
  pc.collect(t0, rows);
  auto* cpu = pc.find("system.cpu");
  REQUIRE(cpu != nullptr);
  CHECK(cpu->dimensions.size() == 10);
  CHECK(cpu->dimensions.back().options == " hidden ");
  REQUIRE(!rows.empty());
  CHECK(rows.front().chart_id == "system.cpu");
  CHECK(rows.front().values.size() == 10);
  int64_t sum = 0;
  for (auto v : rows.front().values)
    sum += v;
  CHECK(sum > 0);
  for (auto id : {"system.processes", "system.uptime", "system.load",
                  "system.ram", "system.active_processes"})
    CHECK_MESSAGE(pc.find(id) != nullptr, id);
  for (auto& r : rows)
    CHECK(r.values.size() == pc.find(r.chart_id)->dimensions.size());
}

} // namespace tributary::test
