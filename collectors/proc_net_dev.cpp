// /proc/net/dev (with /sys/class/net attributes): charts as proc.plugin
// 1.37.1 makes them.

#include "collectors/proc_devices.hpp"
#include "collectors/procfile.hpp"

namespace tributary {

using namespace procfs;

namespace {

constexpr const char* net_dev_module = "/proc/net/dev";

/// The counters of one /proc/net/dev line.
struct net_counters {
  int64_t rbytes = 0;
  int64_t rpackets = 0;
  int64_t rmulticast = 0;
  int64_t tbytes = 0;
  int64_t tpackets = 0;
};

/// The words of one interface line; "eth0:123" (no blank after the colon) is
/// cut into two words.
line_words interface_words(line_words ws) {
  if (!ws.empty()) {
    auto colon = ws[0].find(':');
    if (colon != std::string_view::npos && colon + 1 < ws[0].size()) {
      auto w0 = ws[0];
      ws[0] = w0.substr(0, colon + 1);
      ws.insert(ws.begin() + 1, w0.substr(colon + 1));
    }
  }
  return ws;
}

/// What an interface chart differs in.
struct net_chart {
  const char* type;
  const char* context;
  const char* title;
  const char* units;
  int64_t priority_offset;
  const char* chart_type;
  bool detail;
};

chart_def
make_net_chart(const std::string& iface,
               const std::vector<std::pair<std::string, std::string>>& labels,
               int64_t update_every, const net_chart& c,
               std::vector<dimension_def> dims) {
  chart_spec s{c.type,         iface,
               iface,          c.context,
               c.title,        c.units,
               net_dev_module, prio_first_net_iface + c.priority_offset,
               update_every,   c.chart_type,
               c.detail};
  return make_chart(s, std::move(dims), labels);
}

/// The /sys attributes of an interface, read as Netdata reads them on each
/// iteration.
void read_net_attributes(netdev& d) {
  if (!d.filename_carrier.empty())
    d.carrier_file_exists = read_number(d.filename_carrier, d.carrier);
  if (!d.filename_duplex.empty()) {
    std::string buf;
    if ((d.carrier != 0 || d.carrier_file_exists)
        && read_file(d.filename_duplex, buf)) {
      d.dup = buf.empty()     ? duplex::unknown
              : buf[0] == 'f' ? duplex::full
              : buf[0] == 'h' ? duplex::half
                              : duplex::unknown;
    } else {
      d.dup = duplex::unknown;
    }
  }
  if (!d.filename_operstate.empty()) {
    std::string buf;
    if (read_file(d.filename_operstate, buf))
      d.state = to_operstate(trim(buf));
    else
      d.filename_operstate.clear(); // Netdata stops trying
  }
  if (!d.filename_mtu.empty() && !read_number(d.filename_mtu, d.mtu))
    d.filename_mtu.clear();
}

} // namespace

proc_collector::netdev& proc_collector::net_device(const std::string& name) {
  auto& slot = netdevs_[name];
  if (slot)
    return *slot;
  slot = std::make_unique<netdev>();
  auto& d = *slot;
  d.name = name;
  d.enabled = !netdev_disabled_by_default(name);
  d.is_virtual = exists(sys("/devices/virtual/net/" + name));
  d.labels.emplace_back("interface_type", d.is_virtual ? "virtual" : "real");
  d.labels.emplace_back("device", name);
  auto cls = "/class/net/" + name;
  if (!d.is_virtual) {
    d.filename_speed = sys(cls + "/speed");
    d.filename_duplex = sys(cls + "/duplex");
  }
  d.filename_operstate = sys(cls + "/operstate");
  d.filename_carrier = sys(cls + "/carrier");
  d.filename_mtu = sys(cls + "/mtu");
  return d;
}

void proc_collector::net_bandwidth_charts(netdev& d, int64_t rbytes,
                                          int64_t tbytes) {
  auto ue = cfg_.update_every;
  auto& e = chart("net." + d.name, [&] {
    return make_net_chart(
        d.name, d.labels, ue,
        {"net", "net.net", "Bandwidth", "kilobits/s", 0, "area", false},
        {dim("received", "incremental", 8, bits_in_a_kilobit),
         dim("sent", "incremental", -8, bits_in_a_kilobit)});
  });
  row(e, {rbytes, tbytes});
  if (d.filename_speed.empty())
    return;
  if (d.carrier != 0 || d.carrier_file_exists) {
    if (!read_number(d.filename_speed, d.speed))
      return;
  } else {
    d.speed = 0;
  }
  auto& s = chart("net_speed." + d.name, [&] {
    return make_net_chart(d.name, d.labels, ue,
                          {"net_speed", "net.speed", "Interface Speed",
                           "kilobits/s", 7, "line", true},
                          {dim("speed", "absolute", 1, 1)});
  });
  row(s, {static_cast<int64_t>(d.speed) * kilobits_in_a_megabit});
}

void proc_collector::net_state_charts(netdev& d) {
  auto ue = cfg_.update_every;
  if (!d.filename_duplex.empty()) {
    auto& e = chart("net_duplex." + d.name, [&] {
      return make_net_chart(
          d.name, d.labels, ue,
          {"net_duplex", "net.duplex", "Interface Duplex State", "state", 8,
           "line", true},
          {dim("full", "absolute", 1, 1), dim("half", "absolute", 1, 1),
           dim("unknown", "absolute", 1, 1)});
    });
    row(e, {d.dup == duplex::full, d.dup == duplex::half,
            d.dup == duplex::unknown});
  }
  if (!d.filename_operstate.empty()) {
    auto& e = chart("net_operstate." + d.name, [&] {
      std::vector<dimension_def> dims;
      for (auto n : {"up", "down", "notpresent", "lowerlayerdown", "testing",
                     "dormant", "unknown"})
        dims.push_back(dim(n, "absolute", 1, 1));
      return make_net_chart(d.name, d.labels, ue,
                            {"net_operstate", "net.operstate",
                             "Interface Operational State", "state", 9, "line",
                             true},
                            std::move(dims));
    });
    auto st = d.state;
    row(e, {st == operstate::up, st == operstate::down,
            st == operstate::notpresent, st == operstate::lowerlayerdown,
            st == operstate::testing, st == operstate::dormant,
            st == operstate::unknown});
  }
  if (d.carrier_file_exists) {
    auto& e = chart("net_carrier." + d.name, [&] {
      return make_net_chart(
          d.name, d.labels, ue,
          {"net_carrier", "net.carrier", "Interface Physical Link State",
           "state", 10, "line", true},
          {dim("up", "absolute", 1, 1), dim("down", "absolute", 1, 1)});
    });
    row(e, {d.carrier == 1, d.carrier != 1});
  }
  if (!d.filename_mtu.empty()) {
    auto& e = chart("net_mtu." + d.name, [&] {
      return make_net_chart(
          d.name, d.labels, ue,
          {"net_mtu", "net.mtu", "Interface MTU", "octets", 11, "line", true},
          {dim("mtu", "absolute", 1, 1)});
    });
    row(e, {static_cast<int64_t>(d.mtu)});
  }
}

void proc_collector::net_packets_chart(netdev& d, int64_t rpackets,
                                       int64_t tpackets, int64_t rmulticast) {
  auto& e = chart("net_packets." + d.name, [&] {
    return make_net_chart(
        d.name, d.labels, cfg_.update_every,
        {"net_packets", "net.packets", "Packets", "packets/s", 1, "line", true},
        {dim("received", "incremental", 1, 1),
         dim("sent", "incremental", -1, 1),
         dim("multicast", "incremental", 1, 1)});
  });
  row(e, {rpackets, tpackets, rmulticast});
}

void proc_collector::do_net_dev() {
  std::string text;
  if (!read_file(proc("/net/dev"), text))
    return;
  int64_t system_rbytes = 0, system_tbytes = 0;
  auto lines = split(text, " \t,|");
  for (size_t l = 2; l < lines.size(); ++l) {
    auto ws = interface_words(lines[l]);
    if (ws.size() < 17)
      continue;
    std::string name{ws[0]};
    if (!name.empty() && name.back() == ':')
      name.pop_back();
    auto& d = net_device(name);
    if (!d.enabled)
      continue;
    net_counters c;
    c.rbytes = num(ws[1]);
    c.rpackets = num(ws[2]);
    c.rmulticast = num(ws[8]);
    c.tbytes = num(ws[9]);
    c.tpackets = num(ws[10]);
    if (!d.is_virtual) {
      system_rbytes += c.rbytes;
      system_tbytes += c.tbytes;
    }
    read_net_attributes(d);
    if (!d.do_bandwidth && (c.rbytes != 0 || c.tbytes != 0))
      d.do_bandwidth = true;
    if (d.do_bandwidth)
      net_bandwidth_charts(d, c.rbytes, c.tbytes);
    net_state_charts(d);
    if (!d.do_packets
        && (c.rpackets != 0 || c.tpackets != 0 || c.rmulticast != 0))
      d.do_packets = true;
    if (d.do_packets)
      net_packets_chart(d, c.rpackets, c.tpackets, c.rmulticast);
  }
  if (do_system_net_ || system_rbytes != 0 || system_tbytes != 0) {
    do_system_net_ = true;
    auto& e = chart("system.net", [&] {
      chart_spec s{"system",
                   "net",
                   "network",
                   "",
                   "Physical Network Interfaces Aggregated Bandwidth",
                   "kilobits/s",
                   net_dev_module,
                   prio_system_net,
                   cfg_.update_every,
                   "area"};
      return make_chart(
          s, {dim("InOctets", "incremental", 8, bits_in_a_kilobit, "received"),
              dim("OutOctets", "incremental", -8, bits_in_a_kilobit, "sent")});
    });
    row(e, {system_rbytes, system_tbytes});
  }
}

} // namespace tributary
