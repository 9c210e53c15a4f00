// Tests of the collector cores (no CAF): proc_collector against fixture /proc
// and /sys trees and against the chart definitions a real Netdata 1.37.1
// proc.plugin streamed (stream-plain.bin), and plugin_reader against scripted
// plugins.d output and the real output of Debian's apps.plugin 1.37.1.

#include "collectors/plugin_reader.hpp"
#include "collectors/proc_collector.hpp"
#include "protocol/commands.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace tributary::test {
namespace {

namespace fs = std::filesystem;

/// The chart definitions of a capture, built the way the receiver builds
/// them from CHART / CLABEL / DIMENSION lines.
std::map<std::string, chart_def> capture_definitions(const std::string& bytes) {
  std::map<std::string, chart_def> result;
  chart_def* cur = nullptr;
  size_t pos = 0;
  while (pos < bytes.size()) {
    auto eol = bytes.find('\n', pos);
    if (eol == std::string::npos)
      break;
    std::string_view line{bytes.data() + pos, eol - pos};
    pos = eol + 1;
    if (line.rfind("CHART ", 0) != 0 && line.rfind("DIMENSION ", 0) != 0
        && line.rfind("CLABEL ", 0) != 0)
      continue;
    auto cmd = protocol::parse_line(line);
    REQUIRE(cmd);
    if (auto* c = std::get_if<protocol::chart>(&*cmd)) {
      auto& d = result[c->id];
      d = chart_def{};
      d.id = c->id;
      d.name = c->name;
      d.title = c->title;
      d.units = c->units;
      d.family = c->family;
      d.context = c->context;
      d.chart_type = c->chart_type;
      d.priority = c->priority;
      d.update_every = c->update_every;
      d.options = c->options;
      d.plugin = c->plugin;
      d.module = c->module;
      cur = &d;
    } else if (auto* x = std::get_if<protocol::dimension>(&*cmd)) {
      REQUIRE(cur != nullptr);
      dimension_def dd;
      dd.id = x->id;
      dd.name = x->name.empty() ? x->id : x->name;
      dd.algorithm = x->algorithm;
      dd.multiplier = x->multiplier;
      dd.divisor = x->divisor;
      dd.options = x->options;
      cur->dimensions.push_back(dd);
    } else if (auto* l = std::get_if<protocol::clabel>(&*cmd)) {
      REQUIRE(cur != nullptr);
      cur->labels.emplace_back(l->name, l->value);
    }
  }
  return result;
}

void check_same(const chart_def& ours, const chart_def& ref) {
  INFO("chart " << ref.id);
  CHECK(ours.id == ref.id);
  CHECK(ours.name == ref.name);
  CHECK(ours.title == ref.title);
  CHECK(ours.units == ref.units);
  CHECK(ours.family == ref.family);
  CHECK(ours.context == ref.context);
  CHECK(ours.chart_type == ref.chart_type);
  CHECK(ours.priority == ref.priority);
  CHECK(ours.update_every == ref.update_every);
  CHECK(ours.options == ref.options);
  CHECK(ours.plugin == ref.plugin);
  CHECK(ours.module == ref.module);
  CHECK(ours.labels == ref.labels);
  REQUIRE(ours.dimensions.size() == ref.dimensions.size());
  for (size_t i = 0; i < ref.dimensions.size(); ++i) {
    auto& a = ours.dimensions[i];
    auto& b = ref.dimensions[i];
    INFO("dimension " << b.id);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.algorithm == b.algorithm);
    CHECK(a.multiplier == b.multiplier);
    CHECK(a.divisor == b.divisor);
    CHECK(a.options == b.options);
  }
}

/// A proc root in a temporary directory, filled from tests/data/proc/<set>.
struct proc_fixture {
  fs::path root;
  proc_collector pc;

  static proc_collector_config config(const fs::path& root) {
    proc_collector_config cfg;
    cfg.proc_root = root.string();
    cfg.sys_root = data_path("proc/sys");
    cfg.page_size = 4096;
    return cfg;
  }

  explicit proc_fixture(const char* name)
      : root(fs::temp_directory_path()
             / ("tributary-collector-" + std::string{name} + "-"
                + std::to_string(::getpid()))),
        pc(config(root)) {
    fs::remove_all(root);
    fs::create_directories(root);
    load("first");
  }

  ~proc_fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  void load(const char* set) {
    fs::copy(data_path(std::string{"proc/"} + set), root,
             fs::copy_options::recursive
                 | fs::copy_options::overwrite_existing);
  }
};

struct expected_row {
  std::string id;
  uint64_t microseconds;
  std::vector<int64_t> values;
};

void check_rows(const std::vector<chart_row>& rows,
                const std::vector<expected_row>& want, uint64_t now) {
  REQUIRE(rows.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("row " << i << " " << want[i].id);
    CHECK(rows[i].chart_id == want[i].id);
    CHECK(rows[i].microseconds == want[i].microseconds);
    CHECK(rows[i].now_usec == now);
    CHECK(rows[i].values == want[i].values);
    CHECK(rows[i].is_set == std::vector<uint8_t>(want[i].values.size(), 1));
  }
}

constexpr uint64_t t0 = 1795635065000000;
constexpr uint64_t t1 = t0 + 1000123;

} // namespace

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

// -- plugin_reader
// ---------------------------------------------------------------

namespace {

constexpr std::string_view scripted
    = "CHART example.random '' 'A random number' 'number' random "
      "example.random line 90000 0 '' 'go.d.plugin' 'example'\n"
      "CLABEL 'source' 'fixture' 1\n"
      "CLABEL_COMMIT\n"
      "DIMENSION random1 '' absolute 1 1\n"
      "DIMENSION random2 r2 incremental -1 100 hidden\n"
      "VARIABLE CHART max = 10\n"
      "BEGIN example.random 1000000\n"
      "SET random1 = 42\n"
      "SET random2 = -7\n"
      "END\n"
      "\n"
      "BEGIN example.random\n"
      "SET random2 = 8\n"
      "END\n"
      "FLUSH\n"
      "VARIABLE HOST answer = 42.5\n"
      "BEGIN example.random 1000123\n"
      "SET random1 = 1\n"
      "FLUSH\n"
      "CHART example.second '' 'Second' 'things' second example.second "
      "stacked 90001 5\n"
      "DIMENSION a\n";

std::vector<plugin_event> read_all(plugin_reader& r, std::string_view bytes,
                                   size_t chunk) {
  std::vector<plugin_event> out;
  for (size_t i = 0; i < bytes.size(); i += chunk)
    r.feed(bytes.substr(i, chunk), 77, out);
  r.finish(out);
  return out;
}

void check_scripted(const std::vector<plugin_event>& ev) {
  REQUIRE(ev.size() == 7);
  auto* def = std::get_if<chart_def>(&ev[0]);
  REQUIRE(def != nullptr);
  CHECK(def->id == "example.random");
  CHECK(def->name == "");
  CHECK(def->title == "A random number");
  CHECK(def->units == "number");
  CHECK(def->family == "random");
  CHECK(def->context == "example.random");
  CHECK(def->chart_type == "line");
  CHECK(def->priority == 90000);
  CHECK(def->update_every == 3); // 0: the plugin's update every
  CHECK(def->plugin == "go.d.plugin");
  CHECK(def->module == "example");
  CHECK(def->labels
        == std::vector<std::pair<std::string, std::string>>{
            {"source", "fixture"}});
  REQUIRE(def->dimensions.size() == 2);
  CHECK(def->dimensions[0].id == "random1");
  CHECK(def->dimensions[0].name == "random1");
  CHECK(def->dimensions[0].algorithm == "absolute");
  CHECK(def->dimensions[1].name == "r2");
  CHECK(def->dimensions[1].algorithm == "incremental");
  CHECK(def->dimensions[1].multiplier == -1);
  CHECK(def->dimensions[1].divisor == 100);
  CHECK(def->dimensions[1].options == "hidden");
  auto* var = std::get_if<plugin_variable>(&ev[1]);
  REQUIRE(var != nullptr);
  CHECK(var->scope == protocol::variable_scope::chart);
  CHECK(var->chart_id == "example.random");
  CHECK(var->name == "max");
  CHECK(var->value == 10);
  auto* r1 = std::get_if<chart_row>(&ev[2]);
  REQUIRE(r1 != nullptr);
  CHECK(r1->chart_id == "example.random");
  CHECK(r1->microseconds == 1000000);
  CHECK(r1->now_usec == 77);
  CHECK(r1->values == std::vector<int64_t>{42, -7});
  CHECK(r1->is_set == std::vector<uint8_t>{1, 1});
  auto* r2 = std::get_if<chart_row>(&ev[3]);
  REQUIRE(r2 != nullptr);
  CHECK(r2->microseconds == 0);
  CHECK(r2->values == std::vector<int64_t>{0, 8});
  CHECK(r2->is_set == std::vector<uint8_t>{0, 1});
  CHECK(std::holds_alternative<plugin_flush>(ev[4]));
  auto* host_var = std::get_if<plugin_variable>(&ev[5]);
  REQUIRE(host_var != nullptr);
  CHECK(host_var->scope == protocol::variable_scope::host);
  CHECK(host_var->chart_id.empty());
  CHECK(host_var->value == 42.5);
  // The BEGIN cut by FLUSH yielded no row; the last chart came at finish().
  auto* def2 = std::get_if<chart_def>(&ev[6]);
  REQUIRE(def2 != nullptr);
  CHECK(def2->id == "example.second");
  CHECK(def2->chart_type == "stacked");
  CHECK(def2->update_every == 5);
  CHECK(def2->plugin == "scripted.plugin"); // empty: the plugin's name
  REQUIRE(def2->dimensions.size() == 1);
  CHECK(def2->dimensions[0].algorithm == "absolute");
  CHECK(def2->dimensions[0].multiplier == 1);
  CHECK(def2->dimensions[0].divisor == 1);
}

} // namespace

TEST_CASE("plugin reader: scripted plugin output, whole and in split chunks") {
  for (size_t chunk : {scripted.size(), size_t{1}, size_t{7}, size_t{64}}) {
    INFO("chunk " << chunk);
    plugin_reader r{"scripted.plugin", 3};
    auto ev = read_all(r, scripted, chunk);
    REQUIRE(ev.size() == 8);
    // The second FLUSH (after a BEGIN it cancels); drop it for the checks.
    CHECK(std::holds_alternative<plugin_flush>(ev[6]));
    ev.erase(ev.begin() + 6);
    check_scripted(ev);
    CHECK_FALSE(r.stopped());
  }
}

TEST_CASE("plugin reader: an unknown command stops the plugin, naming it") {
  plugin_reader r{"bad.plugin"};
  std::vector<plugin_event> out;
  r.feed("CHART a.b '' 't' 'u' f a.b line 1 1\nDIMENSION x\nBEGIN a.b\nSET x "
         "= 1\nEND\nHELLO world\nBEGIN a.b\nSET x = 2\nEND\n",
         5, out);
  REQUIRE(out.size() == 3);
  CHECK(std::holds_alternative<chart_def>(out[0]));
  CHECK(std::holds_alternative<chart_row>(out[1]));
  auto* err = std::get_if<error>(&out[2]);
  REQUIRE(err != nullptr);
  CHECK(err->code == ec::unknown_command);
  CHECK(err->message.find("HELLO") != std::string::npos);
  CHECK(err->position == 6);
  CHECK(r.stopped());
  CHECK_FALSE(r.disabled());
  // Nothing more is read.
  r.feed("BEGIN a.b\nSET x = 3\nEND\n", 6, out);
  r.finish(out);
  CHECK(out.size() == 3);
}

TEST_CASE("plugin reader: protocol errors and DISABLE") {
  SUBCASE("BEGIN of an undefined chart") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("BEGIN no.such\n", 1, out);
    REQUIRE(out.size() == 1);
    auto* err = std::get_if<error>(&out[0]);
    REQUIRE(err != nullptr);
    CHECK(err->code == ec::unknown_reference);
    CHECK(err->message.find("no.such") != std::string::npos);
  }
  SUBCASE("SET of an unknown dimension") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("CHART a.b '' t u f a.b line 1 1\nDIMENSION x\nBEGIN a.b\nSET y = "
           "1\n",
           1, out);
    REQUIRE(out.size() == 2);
    auto* err = std::get_if<error>(&out[1]);
    REQUIRE(err != nullptr);
    CHECK(err->message.find("dim:y") != std::string::npos);
  }
  SUBCASE("SET and END outside BEGIN, DIMENSION without CHART") {
    for (auto text : {"SET x = 1\n", "END\n", "DIMENSION x\n",
                      "CHART nodot '' t u f c line 1 1\n"}) {
      plugin_reader r;
      std::vector<plugin_event> out;
      r.feed(text, 1, out);
      REQUIRE(out.size() == 1);
      CHECK_MESSAGE(std::holds_alternative<error>(out[0]), text);
      CHECK(r.stopped());
    }
  }
  SUBCASE("a partial last line") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("CHART a.b '' t u f a.b line 1 1\nDIMENSION x\nBEGI", 1, out);
    CHECK(out.empty());
    r.finish(out);
    REQUIRE(out.size() == 2);
    CHECK(std::holds_alternative<chart_def>(out[0]));
    CHECK(std::get<error>(out[1]).code == ec::truncated);
  }
  SUBCASE("DISABLE") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("DISABLE\nCHART a.b '' t u f a.b line 1 1\n", 1, out);
    REQUIRE(out.size() == 1);
    CHECK(std::holds_alternative<plugin_disable>(out[0]));
    CHECK(r.stopped());
    CHECK(r.disabled());
  }
  SUBCASE("a redefined chart keeps its dimensions and appends new ones") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("CHART a.b '' t u f a.b line 1 1\nDIMENSION x\nCHART a.b '' t2 u "
           "f a.b line 1 1\nDIMENSION y\nBEGIN a.b\nSET y = 5\nEND\n",
           1, out);
    REQUIRE(out.size() == 3);
    auto& d = std::get<chart_def>(out[1]);
    CHECK(d.title == "t2");
    REQUIRE(d.dimensions.size() == 2);
    CHECK(std::get<chart_row>(out[2]).values == std::vector<int64_t>{0, 5});
  }
}

TEST_CASE("plugin reader: real apps.plugin 1.37.1 output") {
  // Captured from Debian's netdata 1.37.1 `apps.plugin 1` (run for 3 s with
  // a timeout, stdin an open pipe), cut at the last complete line.
  auto bytes = read_data("proc/apps.plugin-1.37.1.out");
  plugin_reader r{"apps.plugin"};
  std::vector<plugin_event> out;
  for (size_t i = 0; i < bytes.size(); i += 1000)
    r.feed(std::string_view{bytes}.substr(i, 1000), 1, out);
  r.finish(out);
  size_t defs = 0, rows = 0, vars = 0, errors = 0;
  for (auto& e : out) {
    if (std::holds_alternative<chart_def>(e))
      ++defs;
    else if (std::holds_alternative<chart_row>(e))
      ++rows;
    else if (std::holds_alternative<plugin_variable>(e))
      ++vars;
    else if (auto* err = std::get_if<error>(&e)) {
      ++errors;
      MESSAGE(to_string(*err));
    }
  }
  CHECK(errors == 0);
  CHECK_FALSE(r.stopped());
  CHECK(defs == 59);  // CHART lines in the capture
  CHECK(rows == 177); // BEGIN .. END blocks
  CHECK(vars == 3);
  auto* cpu = r.find("netdata.apps_cpu");
  REQUIRE(cpu != nullptr);
  CHECK(cpu->title == "Apps Plugin CPU");
  CHECK(cpu->units == "milliseconds/s");
  CHECK(cpu->chart_type == "stacked");
  CHECK(cpu->priority == 140000);
  REQUIRE(cpu->dimensions.size() == 2);
  CHECK(cpu->dimensions[0].id == "user");
  CHECK(cpu->dimensions[0].algorithm == "incremental");
  CHECK(cpu->dimensions[0].divisor == 1000);
  // Every row has one value per dimension of its chart.
  for (auto& e : out)
    if (auto* row = std::get_if<chart_row>(&e))
      CHECK(row->values.size() == r.find(row->chart_id)->dimensions.size());
}

} // namespace tributary::test
