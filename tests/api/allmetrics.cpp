#include "api/allmetrics.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>

using namespace tributary::api;

namespace {

allmetrics_host sample_host() {
  allmetrics_host h;
  h.hostname = "web\"1\\x\nz";
  h.program_name = "netdata";
  h.program_version = "v1.37.1";
  allmetrics_chart c;
  c.id = "net.eth0";
  c.name = "net.eth0";
  c.family = "eth\"0";
  c.context = "net.net";
  c.units = "kilobits/s";
  c.first_t = 90;
  c.last_updated = 100;
  c.dimensions.push_back({"received", "received", false, false, 12.5});
  c.dimensions.push_back({"sent", "sent \"out\"", false, true, -3.4});
  c.dimensions.push_back(
      {"gone", "gone", true, false, std::numeric_limits<double>::quiet_NaN()});
  h.charts.push_back(c);
  return h;
}

} // namespace

TEST_CASE("allmetrics shell: upper-case names, rounded magnitudes, totals") {
  auto out = allmetrics_shell(sample_host());
  CHECK(out
        == "\n# chart: net.eth0 (name: net.eth0)\n"
           "NETDATA_NET_ETH0_RECEIVED=\"13\"      # kilobits/s\n"
           "NETDATA_NET_ETH0_SENT__OUT_=\"3\"      # kilobits/s\n"
           "NETDATA_NET_ETH0_GONE=\"\"      # kilobits/s\n"
           "NETDATA_NET_ETH0_VISIBLETOTAL=\"16\"      # kilobits/s\n"
           "\n# NETDATA ALARMS RUNNING\n");
  CHECK(shell_name(std::string(150, 'a')).size() == 100);
}

TEST_CASE(
    "allmetrics json: Netdata's layout, escaped strings, null for a gap") {
  auto out = allmetrics_json(sample_host());
  CHECK(out
        == "{\n\t\"net.eth0\": {\n\t\t\"name\":\"net.eth0\",\n"
           "\t\t\"family\":\"eth\\\"0\",\n\t\t\"context\":\"net.net\",\n"
           "\t\t\"units\":\"kilobits/s\",\n\t\t\"last_updated\": 100,\n"
           "\t\t\"dimensions\": {\n"
           "\t\t\t\"received\": {\n\t\t\t\t\"name\": \"received\",\n"
           "\t\t\t\t\"value\": 12.5000000\n\t\t\t},\n"
           "\t\t\t\"sent\": {\n\t\t\t\t\"name\": \"sent \\\"out\\\"\",\n"
           "\t\t\t\t\"value\": -3.4000000\n\t\t\t},\n"
           "\t\t\t\"gone\": {\n\t\t\t\t\"name\": \"gone\",\n"
           "\t\t\t\t\"value\": null\n\t\t\t}\n\t\t}\n\t}\n}");
  CHECK(allmetrics_json(allmetrics_host{}) == "{\n}");
}

TEST_CASE("prometheus: every label value escaped, one line per sample") {
  prometheus_options opt;
  opt.now_ms = 123456;
  std::string out;
  append_prometheus_host(out, sample_host(), opt, true);
  CHECK(
      out
      == "netdata_info{instance=\"web\\\"1\\\\x\\nz\",application=\"netdata\","
         "version=\"v1.37.1\"} 1 123456\n"
         "netdata_net_net_kilobits_persec_average{chart=\"net.eth0\","
         "family=\"eth\\\"0\",dimension=\"received\",instance="
         "\"web\\\"1\\\\x\\nz\"}"
         " 12.5000000 100000\n"
         "netdata_net_net_kilobits_persec_average{chart=\"net.eth0\","
         "family=\"eth\\\"0\",dimension=\"sent "
         "\\\"out\\\"\",instance=\"web\\\"1\\\\x\\nz\"}"
         " -3.4000000 100000\n");
}

TEST_CASE("prometheus options: help, types, ids, no timestamps, sum, units") {
  std::map<std::string, std::string> q{{"help", "yes"},    {"types", "1"},
                                       {"names", "no"},    {"timestamps", "no"},
                                       {"source", "sum"},  {"prefix", "zz"},
                                       {"server", "prom1"}};
  prometheus_options opt;
  std::string why;
  REQUIRE(parse_prometheus_options(q, opt, why));
  opt.after = 90;
  opt.before = 100;
  std::string out;
  append_prometheus_header(out, "h", opt);
  auto host = sample_host();
  host.charts[0].dimensions.resize(1);
  append_prometheus_host(out, host, opt, false);
  CHECK(out.substr(0, out.find('\n'))
        == "# COMMENT netdata \"h\" to FIRST SEEN prometheus \"prom1\", source "
           "\"sum\", last seen 0 never, time range 90 to 100");
  CHECK(out.find("\n\n# COMMENT homogeneous chart \"net.eth0\", context "
                 "\"net.net\", family \"eth\"0\", units \"kilobits/s\"\n"
                 "# COMMENT zz_net_net_sum: dimension \"received\", value is "
                 "kilobits/s, gauge, dt 90 to 100 inclusive\n"
                 "# TYPE zz_net_net_sum gauge\n"
                 "zz_net_net_sum{chart=\"net.eth0\",family=\"eth\\\"0\","
                 "dimension=\"received\"} 12.5000000\n")
        != std::string::npos);
  CHECK(!parse_prometheus_options({{"data", "bogus"}}, opt, why));
  // units: %, percentage, old names, hidden
  auto metric = [](std::string units, std::map<std::string, std::string> q) {
    prometheus_options o;
    std::string w;
    parse_prometheus_options(q, o, w);
    o.timestamps = false;
    allmetrics_host h;
    allmetrics_chart c;
    c.id = c.name = c.context = "a.b";
    c.units = units;
    c.dimensions.push_back({"x", "x", false, false, 1});
    h.charts.push_back(c);
    std::string s;
    append_prometheus_host(s, h, o, false);
    auto line = s.substr(s.find('\n') + 1);
    return line.substr(0, line.find('{'));
  };
  CHECK(metric("%", {}) == "netdata_a_b_percent_average");
  CHECK(metric("percentage", {}) == "netdata_a_b_percentage_average");
  CHECK(metric("percentage", {{"oldunits", "yes"}})
        == "netdata_a_b_percent_average");
  CHECK(metric("KiB/s", {{"oldunits", "true"}})
        == "netdata_a_b_kilobytes_persec_average");
  CHECK(metric("MiB", {{"hideunits", "yes"}}) == "netdata_a_b_average");
}

TEST_CASE("prometheus as-collected: raw values, _total counters, 1.37.1's "
          "homogeneity rule") {
  prometheus_options opt;
  std::string why;
  REQUIRE(parse_prometheus_options(
      {{"source", "as-collected"}, {"help", "yes"}, {"types", "yes"}}, opt,
      why));
  CHECK(opt.source == "as collected");
  opt.after = 100;
  auto dim = [](std::string id, std::string algo, int64_t mul, int64_t div,
                int64_t value) {
    allmetrics_dimension d;
    d.id = d.name = std::move(id);
    d.algorithm = std::move(algo);
    d.multiplier = mul;
    d.divisor = div;
    d.collections = 5;
    d.collected = value;
    d.collected_ms = 104'250;
    return d;
  };
  allmetrics_host h;
  h.hostname = "h";
  allmetrics_chart c;
  c.id = c.name = "disk.io";
  c.context = "disk.io";
  c.family = "sda";
  c.units = "KiB/s";
  c.dimensions = {dim("reads", "incremental", 1, 1024, 4096),
                  dim("writes", "incremental", -1, 1024, 8192),
                  dim("never", "incremental", 1, 1, 0),
                  dim("stale", "incremental", 1, 1, 7),
                  dim("gone", "incremental", 1, 1, 7)};
  c.dimensions[2].collections = 0;
  c.dimensions[3].collected_ms = 99'999;
  c.dimensions[4].obsolete = true;
  h.charts.push_back(c);
  std::string out;
  append_prometheus_host(out, h, opt, false);
  // Never checked (no dimension changed): homogeneous, dimension as label.
  CHECK(out.find("# COMMENT homogeneous chart \"disk.io\"")
        != std::string::npos);
  CHECK(out.find("# COMMENT netdata_disk_io_total: chart \"disk.io\", context "
                 "\"disk.io\", family \"sda\", dimension \"writes\", value * "
                 "-1 / 1024 delta gives KiB/s (counter)\n"
                 "# TYPE netdata_disk_io counter\n"
                 "netdata_disk_io_total{chart=\"disk.io\",family=\"sda\","
                 "dimension=\"writes\"} 8192 104250\n")
        != std::string::npos);
  // Not collected, collected before the window, obsolete: left out.
  CHECK(out.find("\"never\"") == std::string::npos);
  CHECK(out.find("\"stale\"") == std::string::npos);
  CHECK(out.find("\"gone\"") == std::string::npos);
  // Checked: the first dimension's multiplier as is, the others' magnitudes
  // (-1 against 1 differs), so one metric per dimension.
  h.charts[0].homogeneity_check = true;
  out.clear();
  append_prometheus_host(out, h, opt, false);
  CHECK(out.find("# COMMENT heterogeneous chart") != std::string::npos);
  CHECK(out.find("# TYPE netdata_disk_io_reads counter\n"
                 "netdata_disk_io_reads_total{chart=\"disk.io\",family=\"sda\"}"
                 " 4096 104250\n")
        != std::string::npos);
  h.charts[0].dimensions[1].multiplier = 1;
  h.charts[0].dimensions.resize(2);
  out.clear();
  append_prometheus_host(out, h, opt, false);
  CHECK(out.find("# COMMENT homogeneous chart") != std::string::npos);
  // A prometheus collector's values are scaled, without _total.
  h.charts[0].module = "prometheus";
  out.clear();
  opt.help = opt.types = false;
  append_prometheus_host(out, h, opt, false);
  CHECK(out.find("netdata_disk_io{chart=\"disk.io\",family=\"sda\",dimension="
                 "\"reads\"} 4.0000000 104250\n")
        != std::string::npos);
}
