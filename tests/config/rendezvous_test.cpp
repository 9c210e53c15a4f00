#include "config/destination.hpp"
#include "config/rendezvous.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <map>
#include <string>
#include <vector>

using tributary::config::destination;
using tributary::config::order_by_rendezvous;
using tributary::config::parse_destinations;

namespace {

// The per-pod DNS names the Helm chart lists for N parent replicas.
std::vector<destination> parents(int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "tributary-parent-" + std::to_string(i)
            + ".tributary-parent.monitoring.svc.cluster.local:19999 ";
  auto ds = parse_destinations(text);
  REQUIRE(ds);
  return *ds;
}

std::string node(int i) {
  return "ip-10-0-" + std::to_string(i / 250) + "-" + std::to_string(i % 250)
         + ".eu-west-1.compute.internal";
}

std::string first_for(const std::string& key, int n) {
  auto ds = parents(n);
  order_by_rendezvous(ds, key);
  return ds.front().host;
}

} // namespace

TEST_CASE("rendezvous: 1000 nodes spread evenly over 3 and 4 parents") {
  for (int n : {3, 4}) {
    std::map<std::string, int> count;
    for (int i = 0; i < 1000; ++i)
      ++count[first_for(node(i), n)];
    REQUIRE_EQ(count.size(), static_cast<size_t>(n));
    std::string spread;
    for (auto& [host, c] : count)
      spread += host.substr(0, host.find('.')) + "=" + std::to_string(c) + " ";
    MESSAGE("N=", n, ": ", spread);
    for (auto& [host, c] : count) {
      // 1000/N ± 20 %: the binomial standard deviation is ~15 at N = 3.
      CHECK_MESSAGE(c > 1000 / n * 8 / 10, host, " got ", c, " of 1000 (N=", n,
                    ")");
      CHECK_MESSAGE(c < 1000 / n * 12 / 10, host, " got ", c, " of 1000 (N=", n,
                    ")");
    }
  }
}

TEST_CASE("rendezvous: growing 3 -> 4 parents moves about 1/4 of the nodes, "
          "all to the new one") {
  int moved = 0;
  for (int i = 0; i < 1000; ++i) {
    auto before = first_for(node(i), 3);
    auto after = first_for(node(i), 4);
    if (before != after) {
      ++moved;
      CHECK_MESSAGE(after.rfind("tributary-parent-3.", 0) == 0, node(i),
                    " moved from ", before, " to ", after);
    }
  }
  MESSAGE("3 -> 4 parents: ", moved, " of 1000 nodes moved");
  CHECK_GT(moved, 200);
  CHECK_LT(moved, 300);
}

TEST_CASE("rendezvous: the rest of the list is the failover order") {
  // Without the first choice, a node goes to its second: the failover
  // target is the same as if the first parent had never existed.
  for (int i = 0; i < 200; ++i) {
    auto ds = parents(4);
    order_by_rendezvous(ds, node(i));
    auto without = parents(4);
    without.erase(std::remove_if(without.begin(), without.end(),
                                 [&](const destination& d) {
                                   return d.host == ds[0].host;
                                 }),
                  without.end());
    order_by_rendezvous(without, node(i));
    REQUIRE_EQ(without.size(), 3u);
    for (size_t k = 0; k < 3; ++k)
      CHECK_EQ(without[k].host, ds[k + 1].host);
  }
}

TEST_CASE("rendezvous: the order is fixed, whatever the listed order, and :SSL "
          "does not change it") {
  auto a = parse_destinations("p0:19999 p1:19999 p2:19999");
  auto b = parse_destinations("p2:19999:SSL p0:19999:SSL p1:19999:SSL");
  REQUIRE(a);
  REQUIRE(b);
  order_by_rendezvous(*a, "node-a");
  order_by_rendezvous(*b, "node-a");
  for (size_t k = 0; k < 3; ++k)
    CHECK_EQ((*a)[k].host, (*b)[k].host);
  // Stable across versions and machines: the chart's docs quote this order.
  CHECK_EQ(tributary::config::rendezvous_weight("node-a", "p0:19999"),
           tributary::config::rendezvous_weight("node-a", "p0:19999"));
  auto c = parse_destinations("p0:19999 p1:19999 p2:19999");
  order_by_rendezvous(*c, "");
  CHECK_EQ((*c)[0].host, "p0"); // no key: as listed (Netdata's behaviour)
}
