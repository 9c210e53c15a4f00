// Ram-mode history: bytes per dimension once the ring is full, put and
// range() speed, for Netdata's plain slot array (dimension_ring, Arg 0) and
// the paged compressed ring the ram and save engines use (Arg 1). Values:
// the loadgen mix (1/3 counters as the rates a parent stores, 1/3 wandering
// gauges, 1/3 constants), the captured Netdata 1.37.1 stream (cycled) and
// the 10-minute corpus of a real child.
// Results: BENCHMARKS.md, "Issue 10: history compressed in memory".

#include "storage/compressed_ring.hpp"
#include "storage/dimension_ring.hpp"
#include "tests/bench/stream_series.hpp"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <random>
#include <vector>

using namespace tributary::storage;

namespace {

constexpr int64_t T = 1699999200;
constexpr size_t ram_slots = 4096; // aligned_history(ram, 3600)

/// What a parent stores for loadgen's dimension `d` of chart `c` over `n`
/// seconds (loadgen_workload.cpp's values, one collection a second).
std::vector<double> loadgen_series(int c, int d, size_t n, std::mt19937& rng) {
  std::vector<double> out;
  double gauge = static_cast<double>(rng() % 1001);
  for (size_t i = 0; i < n; ++i) {
    switch (d % 3) {
    case 0: // incremental: the rate of 100..149/s plus 0..9 of noise
      out.push_back(static_cast<double>(100 + (c * 7 + d) % 50 + rng() % 10));
      break;
    case 1:
      gauge = std::clamp(gauge + static_cast<double>(rng() % 21) - 10, 0.0,
                         1000.0);
      out.push_back(gauge);
      break;
    default:
      out.push_back(static_cast<double>(10000 + c * 10 + d % 10));
    }
  }
  return out;
}

std::vector<std::vector<double>> loadgen_mix(size_t n) {
  std::mt19937 rng{10};
  std::vector<std::vector<double>> out;
  for (int c = 0; c < 20; ++c)
    for (int d = 0; d < 10; ++d)
      out.push_back(loadgen_series(c, d, n, rng));
  return out;
}

/// The capture's series, each cycled to `n` points (0: as captured).
std::vector<std::vector<double>>
stream_mix(size_t n, const char* path = tributary::bench::fixture_stream) {
  std::vector<std::vector<double>> out;
  for (auto& xs : tributary::bench::stream_series(path)) {
    if (xs.empty())
      continue;
    out.emplace_back();
    for (size_t i = 0; i < (n == 0 ? xs.size() : n); ++i)
      out.back().push_back(xs[i % xs.size()].value);
  }
  return out;
}

size_t ring_bytes(const dimension_ring& r) {
  return sizeof r + r.capacity() * sizeof(storage_number);
}

size_t ring_bytes(const compressed_ring& r) {
  return sizeof r + r.heap_bytes();
}

/// Fills one ring per series with all its points; reports bytes per
/// dimension and the held slots.
template <class Ring>
void fill_and_count(benchmark::State& state,
                    const std::vector<std::vector<double>>& series) {
  size_t bytes = 0;
  size_t held = 0;
  for (auto _ : state) {
    bytes = 0;
    held = 0;
    for (auto& xs : series) {
      Ring r{ram_slots, 1};
      for (size_t i = 0; i < xs.size(); ++i)
        r.put(sample::of(T + static_cast<int64_t>(i), xs[i]));
      bytes += ring_bytes(r);
      held += r.size();
    }
  }
  state.counters["bytes_per_dim"]
      = static_cast<double>(bytes) / static_cast<double>(series.size());
  state.counters["slots_per_dim"]
      = static_cast<double>(held) / static_cast<double>(series.size());
}

template <class Ring>
void BM_RingBytesLoadgen(benchmark::State& state) {
  fill_and_count<Ring>(state, loadgen_mix(static_cast<size_t>(state.range(0))));
}
BENCHMARK_TEMPLATE(BM_RingBytesLoadgen, dimension_ring)
    ->Arg(3600)
    ->Arg(3 * ram_slots)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_RingBytesLoadgen, compressed_ring)
    ->Arg(3600)
    ->Arg(3 * ram_slots)
    ->Unit(benchmark::kMillisecond);

template <class Ring>
void BM_RingBytesStream(benchmark::State& state) {
  fill_and_count<Ring>(state, stream_mix(static_cast<size_t>(state.range(0))));
}
BENCHMARK_TEMPLATE(BM_RingBytesStream, dimension_ring)
    ->Arg(3600)
    ->Arg(3 * ram_slots)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_RingBytesStream, compressed_ring)
    ->Arg(3600)
    ->Arg(3 * ram_slots)
    ->Unit(benchmark::kMillisecond);

// Ten minutes of a real 1.37.1 child (all /proc charts): as captured (Arg 0)
// and cycled to a full hour. Pages are coded on their own, so cycling does
// not flatter the compressed ring beyond the one seam per cycle.
template <class Ring>
void BM_RingBytesCorpus(benchmark::State& state) {
  fill_and_count<Ring>(state, stream_mix(static_cast<size_t>(state.range(0)),
                                         tributary::bench::corpus_stream));
}
BENCHMARK_TEMPLATE(BM_RingBytesCorpus, dimension_ring)
    ->Arg(0)
    ->Arg(3600)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_RingBytesCorpus, compressed_ring)
    ->Arg(0)
    ->Arg(3600)
    ->Arg(ram_slots)
    ->Unit(benchmark::kMillisecond);

/// 200 full rings of the loadgen mix and the time of their next slot, kept
/// between runs: each run goes on after the previous one (a run that put
/// older times again measured overwrites of sealed pages, not appends).
template <class Ring>
struct held_rings {
  std::vector<Ring> rings;
  int64_t next = T;
};

template <class Ring>
held_rings<Ring>& full_rings() {
  static held_rings<Ring> held;
  if (held.rings.empty()) {
    auto mix = loadgen_mix(ram_slots + 100);
    for (auto& xs : mix) {
      held.rings.emplace_back(ram_slots, 1);
      for (size_t i = 0; i < xs.size(); ++i)
        held.rings.back().put(sample::of(T + static_cast<int64_t>(i), xs[i]));
    }
    held.next = T + static_cast<int64_t>(ram_slots + 100);
  }
  return held;
}

template <class Ring>
void BM_RingPut(benchmark::State& state) {
  // One second of the mix into 200 full rings: sealing and dropping pages
  // included as they come.
  auto& held = full_rings<Ring>();
  auto& rings = held.rings;
  auto& t = held.next;
  auto mix = loadgen_mix(1024);
  size_t i = 0;
  for (auto _ : state) {
    for (size_t d = 0; d < rings.size(); ++d)
      rings[d].put(sample::of(t, mix[d][i % 1024]));
    ++t;
    ++i;
  }
  state.SetItemsProcessed(state.iterations()
                          * static_cast<int64_t>(rings.size()));
}
BENCHMARK_TEMPLATE(BM_RingPut, dimension_ring);
BENCHMARK_TEMPLATE(BM_RingPut, compressed_ring);

/// A backfill: batches of `state.range(0)` consecutive seconds into each of
/// 200 full compressed rings, by `put` one at a time (Arg 1 of the second
/// number = 0) or by `put_many` (1).
void BM_RingBackfill(benchmark::State& state) {
  auto& held = full_rings<compressed_ring>();
  auto& rings = held.rings;
  auto& t = held.next;
  auto mix = loadgen_mix(1024);
  auto n = static_cast<size_t>(state.range(0));
  bool many = state.range(1) != 0;
  std::vector<sample> batch(n);
  size_t i = 0;
  for (auto _ : state) {
    for (size_t d = 0; d < rings.size(); ++d) {
      for (size_t k = 0; k < n; ++k)
        batch[k]
            = sample::of(t + static_cast<int64_t>(k), mix[d][(i + k) % 1024]);
      if (many)
        rings[d].put_many(batch.data(), n);
      else
        for (const auto& x : batch)
          rings[d].put(x);
    }
    t += static_cast<int64_t>(n);
    i += n;
  }
  state.SetItemsProcessed(state.iterations()
                          * static_cast<int64_t>(rings.size() * n));
}
BENCHMARK(BM_RingBackfill)->ArgsProduct({{10, 50, 600}, {0, 1}});

template <class Ring>
void BM_RingRange(benchmark::State& state) {
  // range() over the last state.range(0) seconds of every ring.
  auto& rings = full_rings<Ring>().rings;
  size_t points = 0;
  for (auto _ : state) {
    points = 0;
    for (auto& r : rings) {
      auto xs = r.range(r.last_time_s() - state.range(0) + 1, r.last_time_s());
      points += xs.size();
      benchmark::DoNotOptimize(xs);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(points));
}
BENCHMARK_TEMPLATE(BM_RingRange, dimension_ring)->Arg(600)->Arg(3600);
BENCHMARK_TEMPLATE(BM_RingRange, compressed_ring)->Arg(600)->Arg(3600);

} // namespace

BENCHMARK_MAIN();
