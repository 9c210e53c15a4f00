// proc_collector's chart definitions against those a real Netdata 1.37.1
// proc.plugin streamed (stream-plain.bin), and the charts beyond the capture.

#include "tests/collectors/proc_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {

TEST_CASE("proc collector: definitions equal Netdata 1.37.1 proc.plugin's") {
  proc_fixture f{"defs"};
  std::vector<chart_row> rows;
  f.pc.collect(t0, rows);
  auto ref = capture_definitions(read_data("netdata-1.37.1/stream-plain.bin"));
  // Every chart the real proc.plugin ("small": stat, uptime, loadavg,
  // meminfo, net/dev) streamed.
  REQUIRE(ref.size() == 25);
  for (auto& [id, def] : ref) {
    auto* ours = f.pc.find(id);
    INFO("chart " << id);
    REQUIRE(ours != nullptr);
    check_same(*ours, def);
  }
  // Netdata's creation order of those charts is kept.
  std::vector<std::string> order;
  for (auto& d : f.pc.definitions())
    if (ref.count(d.id) != 0)
      order.push_back(d.id);
  std::vector<std::string> want{"system.cpu",
                                "system.ctxt",
                                "system.forks",
                                "system.processes",
                                "system.uptime",
                                "system.load",
                                "system.active_processes",
                                "system.ram",
                                "mem.available",
                                "mem.committed",
                                "mem.writeback",
                                "mem.kernel",
                                "mem.slab",
                                "net_operstate.ifb0",
                                "net_mtu.ifb0",
                                "net_operstate.ifb1",
                                "net_mtu.ifb1",
                                "net.eth0",
                                "net_speed.eth0",
                                "net_duplex.eth0",
                                "net_operstate.eth0",
                                "net_carrier.eth0",
                                "net_mtu.eth0",
                                "net_packets.eth0",
                                "system.net"};
  CHECK(order == want);
  CHECK(f.pc.new_charts().size() == f.pc.definitions().size());
}

TEST_CASE("proc collector: charts beyond the capture follow proc.plugin") {
  proc_fixture f{"more"};
  std::vector<chart_row> rows;
  f.pc.collect(t0, rows);
  // Not created: lo (disabled by default), a partition, an excluded loop
  // device, an idle CD drive, swap I/O before any swapping.
  for (auto id : {"net.lo", "net_mtu.lo", "disk.sda1", "disk.loop0", "disk.sr0",
                  "disk_ops.sr0", "system.swapio"})
    CHECK_MESSAGE(f.pc.find(id) == nullptr, id);
  auto* cpu0 = f.pc.find("cpu.cpu0");
  REQUIRE(cpu0 != nullptr);
  CHECK(cpu0->family == "utilization");
  CHECK(cpu0->context == "cpu.cpu");
  CHECK(cpu0->title == "Core utilization");
  CHECK(cpu0->priority == 1001);
  CHECK(f.pc.find("cpu.cpu1")->priority == 1002);
  CHECK(cpu0->dimensions.size() == 10);
  auto* intr = f.pc.find("system.intr");
  REQUIRE(intr != nullptr);
  CHECK(intr->options == " detail  ");
  CHECK(intr->priority == 900);
  auto* disk = f.pc.find("disk.sda");
  REQUIRE(disk != nullptr);
  CHECK(disk->name.empty());
  CHECK(disk->title == "Disk I/O Bandwidth");
  CHECK(disk->units == "KiB/s");
  CHECK(disk->family == "sda");
  CHECK(disk->context == "disk.io");
  CHECK(disk->chart_type == "area");
  CHECK(disk->priority == 2000);
  CHECK(disk->module == "/proc/diskstats");
  REQUIRE(disk->dimensions.size() == 2);
  CHECK(disk->dimensions[0].id == "reads");
  CHECK(disk->dimensions[0].algorithm == "incremental");
  CHECK(disk->dimensions[0].multiplier == 512);
  CHECK(disk->dimensions[0].divisor == 1024);
  CHECK(disk->dimensions[1].id == "writes");
  CHECK(disk->dimensions[1].multiplier == -512);
  using labels = std::vector<std::pair<std::string, std::string>>;
  CHECK(disk->labels
        == labels{{"_collect_plugin", "proc.plugin"},
                  {"_collect_module", "/proc/diskstats"},
                  {"device", "sda"},
                  {"mount_point", "[none]"},
                  {"device_type", "physical"}});
  auto* ops = f.pc.find("disk_ops.sda");
  REQUIRE(ops != nullptr);
  CHECK(ops->context == "disk.ops");
  CHECK(ops->options == " detail  ");
  CHECK(ops->priority == 2010);
  auto* io = f.pc.find("system.io");
  REQUIRE(io != nullptr);
  CHECK(io->title == "Disk I/O");
  CHECK(io->family == "disk");
  CHECK(io->priority == 150);
  CHECK(io->chart_type == "area");
  CHECK(io->dimensions[0].id == "in");
  CHECK(io->dimensions[1].multiplier == -1);
  auto* swap = f.pc.find("system.swap");
  REQUIRE(swap != nullptr);
  CHECK(swap->options == " detail  ");
  CHECK(swap->priority == 201);
  // system.swapio appears once pages were swapped.
  f.load("second");
  rows.clear();
  f.pc.collect(t1, rows);
  CHECK(f.pc.new_charts() == std::vector<std::string>{"system.swapio"});
  auto* swapio = f.pc.find("system.swapio");
  REQUIRE(swapio != nullptr);
  CHECK(swapio->units == "KiB/s");
  CHECK(swapio->dimensions[0].multiplier == 4096);
  CHECK(swapio->dimensions[1].multiplier == -4096);
  CHECK(swapio->dimensions[1].divisor == 1024);
}

} // namespace tributary::test
