#pragma once

#include "config/destination.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace tributary::config {

/// The rendezvous (highest random weight) score of `entry` for `key`: a
/// 64-bit hash of both, the same on every machine and in every version, so
/// every child computes the same order for the same parents.
uint64_t rendezvous_weight(std::string_view key, std::string_view entry);

/// Reorders `dests` by falling rendezvous weight of (`key`, destination
/// without `:SSL`). Each key gets its own permutation: keys spread evenly
/// over the first place, the next places are the failover order, and adding
/// a destination moves only the keys it wins (about 1/N of them). Equal
/// weights keep the listed order. An empty key leaves the list as listed.
void order_by_rendezvous(std::vector<destination>& dests, std::string_view key);

} // namespace tributary::config
