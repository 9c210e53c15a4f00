#include "config/rendezvous.hpp"

#include <algorithm>
#include <utility>

namespace tributary::config {

namespace {

// FNV-1a folds the bytes; splitmix64's finalizer then spreads them over all
// 64 bits (FNV alone leaves names that differ in one digit close together).
uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

uint64_t rendezvous_weight(std::string_view key, std::string_view entry) {
  auto h = fnv1a(0xcbf29ce484222325ULL, key);
  h = fnv1a(h ^ 0xff, "\n"); // keeps ("ab","c") apart from ("a","bc")
  return mix(fnv1a(h, entry));
}

void order_by_rendezvous(std::vector<destination>& dests,
                         std::string_view key) {
  if (key.empty() || dests.size() < 2)
    return;
  std::vector<std::pair<uint64_t, destination>> scored;
  scored.reserve(dests.size());
  for (auto& d : dests) {
    auto plain = d;
    plain.ssl = false;
    scored.emplace_back(rendezvous_weight(key, plain.to_string()),
                        std::move(d));
  }
  std::stable_sort(
      scored.begin(), scored.end(),
      [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < dests.size(); ++i)
    dests[i] = std::move(scored[i].second);
}

} // namespace tributary::config
