// The expressions of Netdata's stock health.d files parse and evaluate.

#include "tests/health/expression_helpers.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace tributary;
using namespace tributary::health;
using namespace tributary::health::test;

TEST_CASE("expression: stock expressions") {
  // ram.conf
  auto ram = "$used * 100 / ($used + $cached + $free + $buffers)";
  CHECK(parsed(ram).variables()
        == strings{"used", "cached", "free", "buffers"});
  CHECK(
      value(ram, {{"used", 30}, {"cached", 20}, {"free", 40}, {"buffers", 10}})
      == 30);
  // disks.conf
  auto disk = "$used * 100 / ($avail + $used)";
  CHECK(value(disk, {{"used", 1}, {"avail", 3}}) == 25);
  CHECK(failure(disk, {{"used", 0}, {"avail", 0}})
        == expression_code::value_is_nan);
  // cpu.conf
  auto crit = "$this > (($status == $CRITICAL) ? (85) : (95))";
  vars cpu{{"this", 90}, {"status", 1}, {"CRITICAL", 4}};
  CHECK(value(crit, cpu) == 0);
  cpu["status"] = 4;
  CHECK(value(crit, cpu) == 1);
  // load.conf
  auto load = "($active_processors == nan or $active_processors == inf or "
              "$active_processors < 2) ? ( 2 ) : ( $active_processors )";
  CHECK(parsed_as(load)
        == "((((${active_processors} == nan) || (${active_processors} == inf)) "
           "|| "
           "(${active_processors} < 2)) ? 2 : ${active_processors})");
  CHECK(value(load, {{"active_processors", 8}}) == 8);
  CHECK(value(load, {{"active_processors", 1}}) == 2);
  CHECK(value(load, {{"active_processors", nan_value}}) == 2);
  CHECK(value(load, {}) == 2);
  // net.conf
  auto speed = "( $nic_speed_max > 0 ) ? ( $nic_speed_max) : ( nan )";
  CHECK(value(speed, {{"nic_speed_max", 1000}}) == 1000);
  CHECK(failure(speed, {{"nic_speed_max", 0}})
        == expression_code::value_is_nan);
  CHECK(failure(speed, {}) == expression_code::unknown_variable);
  auto drops = "(($inbound_packets_dropped != nan AND $this > 10000) ? "
               "($inbound_packets_dropped * 100 / $this) : (0))";
  CHECK(value(drops, {{"inbound_packets_dropped", 50}, {"this", 20000}})
        == 0.25);
  CHECK(value(drops, {{"this", 20000}}) == 0);
  // tcp_mem.conf
  auto mem
      = "${mem} > (($status >= $WARNING  ) ? ( ${tcp_mem_pressure} * 0.8 ) : "
        "( ${tcp_mem_pressure}   ))";
  CHECK(value(mem, {{"mem", 90},
                    {"status", 3},
                    {"WARNING", 3},
                    {"tcp_mem_pressure", 100}})
        == 1);
  CHECK(value(mem, {{"mem", 90},
                    {"status", 1},
                    {"WARNING", 3},
                    {"tcp_mem_pressure", 100}})
        == 0);
}

namespace {

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
        || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct stock_expression {
  std::string where;
  std::string text;
};

// The calc/warn/crit values of a health.d file, read as spec 1.2 says.
std::vector<stock_expression>
expressions_of(const std::filesystem::path& file) {
  std::vector<stock_expression> result;
  std::ifstream in{file};
  std::string physical;
  std::string logical;
  size_t number = 0;
  size_t first = 0;
  while (std::getline(in, physical)) {
    ++number;
    if (logical.empty())
      first = number;
    auto trimmed = collapse(physical);
    if (!trimmed.empty() && trimmed.back() == '\\') {
      trimmed.back() = ' ';
      logical += trimmed;
      continue;
    }
    logical += trimmed;
    auto line = collapse(logical);
    logical.clear();
    if (line.empty() || line.front() == '#')
      continue;
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    auto key = collapse(line.substr(0, colon));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
      return static_cast<char>(std::tolower(c));
    });
    if (key == "calc" || key == "warn" || key == "crit")
      result.push_back({file.filename().string() + ":" + std::to_string(first),
                        collapse(line.substr(colon + 1))});
  }
  return result;
}

} // namespace

TEST_CASE(
    "expression: every calc, warn and crit of Debian's stock health.d parses") {
  std::filesystem::path dir{"/usr/lib/netdata/conf.d/health.d"};
  REQUIRE_MESSAGE(std::filesystem::is_directory(dir), dir.string(),
                  " is missing: install Debian's netdata-core 1.37.1");
  size_t files = 0;
  size_t count = 0;
  std::vector<std::string> failures;
  for (const auto& entry : std::filesystem::directory_iterator{dir}) {
    if (entry.path().extension() != ".conf")
      continue;
    ++files;
    for (const auto& x : expressions_of(entry.path())) {
      ++count;
      auto parsed = expression::parse(x.text);
      if (!parsed)
        failures.push_back(x.where + ": " + x.text + " -> "
                           + to_string(parsed.err()));
      else if (parsed->source() != x.text)
        failures.push_back(x.where + ": source changed");
    }
  }
  std::ostringstream report;
  for (const auto& f : failures)
    report << f << '\n';
  INFO(report.str());
  CHECK(failures.empty());
  CHECK(files > 50);
  CHECK(count > 400);
}
