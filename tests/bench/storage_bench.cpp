// Storage benchmarks: dbengine bytes per sample on disk (real values from a
// Netdata 1.37.1 stream capture, and a synthetic mix), append rate, and
// query rate over 1 hour and 30 days. Results: BENCHMARKS.md, "Storage".

#include "protocol/commands.hpp"
#include "protocol/stream_decoder.hpp"
#include "storage/dbengine.hpp"
#include "storage/filesystem.hpp"
#include "storage/query.hpp"
#include "storage/storage_number.hpp"
#include "storage/value_math.hpp"
#include "tests/bench/stream_series.hpp"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

using namespace tributary;
using namespace tributary::storage;

namespace {

using tributary::bench::stream_series;

constexpr int64_t T = 1699999200; // a multiple of 3600

/// `xs` repeated until it holds `n` points on a 1 s grid.
std::vector<double> cycled(const std::vector<sample>& xs, size_t n) {
  std::vector<double> out;
  if (xs.empty())
    return out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(xs[i % xs.size()].value);
  return out;
}

// -- synthetic mix
// -----------------------------------------------------------------

/// A mix like a Netdata host's: a third idle (0), counters growing in
/// steps, gauges on a random walk, noisy percentages with 2 decimals.
std::vector<std::vector<double>> synthetic(size_t dims, size_t n) {
  std::mt19937 rng{42};
  std::vector<std::vector<double>> out(dims);
  for (size_t d = 0; d < dims; ++d) {
    double x = static_cast<double>(rng() % 1000);
    for (size_t i = 0; i < n; ++i) {
      switch (d % 6) {
      case 0:
      case 1:
        out[d].push_back(0);
        break;
      case 2: // packets/s: small integers
        out[d].push_back(static_cast<double>(rng() % 20));
        break;
      case 3: // memory: slowly moving gauge, mostly unchanged
        if (rng() % 10 == 0)
          x += static_cast<double>(static_cast<int>(rng() % 200) - 100);
        out[d].push_back(x * 1024);
        break;
      case 4: // cpu %: noisy with 2 decimals
        out[d].push_back(std::round((rng() % 10000) / 100.0 * 100) / 100);
        break;
      default: // a constant-ish rate with jitter
        out[d].push_back(1000 + static_cast<double>(rng() % 7));
        break;
      }
    }
  }
  return out;
}

/// Stores `series` into a fresh dbengine on a memory filesystem; sets
/// bytes-per-sample counters for tier 0.
void store_and_count(benchmark::State& state,
                     const std::vector<std::vector<double>>& series,
                     page_codec codec) {
  uint64_t bytes = 0;
  uint64_t points = 0;
  for (auto _ : state) {
    memory_filesystem fs;
    engine_options opts;
    opts.directory = "/db";
    opts.fs = &fs;
    opts.compression = codec;
    dbengine db{opts};
    std::vector<dimension_handle> hs;
    for (size_t d = 0; d < series.size(); ++d)
      hs.push_back(db.add_dimension({{"c", std::to_string(d)}, "", "", 1}));
    size_t n = 0;
    for (auto& s : series)
      n = std::max(n, s.size());
    for (size_t i = 0; i < n; ++i)
      for (size_t d = 0; d < series.size(); ++d)
        if (i < series[d].size())
          db.append(hs[d],
                    sample::of(T + 1 + static_cast<int64_t>(i), series[d][i]));
    db.close();
    bytes = db.stats().page_bytes[0];
    points = db.stats().points_written[0];
  }
  state.counters["bytes_per_sample"]
      = static_cast<double>(bytes) / static_cast<double>(points);
  state.counters["samples"] = static_cast<double>(points);
}

page_codec codec_arg(int64_t x) {
  return static_cast<page_codec>(x);
}

void BM_Tier0BytesStream(benchmark::State& state) {
  // The capture as is: ~10 points per dimension, one page each.
  std::vector<std::vector<double>> series;
  for (auto& xs : stream_series())
    series.push_back(cycled(xs, xs.size()));
  store_and_count(state, series, codec_arg(state.range(0)));
}
BENCHMARK(BM_Tier0BytesStream)->Arg(0)->Arg(1)->Arg(2);

void BM_Tier0BytesStreamCycled(benchmark::State& state) {
  // The same values repeated to 4 full pages per dimension.
  std::vector<std::vector<double>> series;
  for (auto& xs : stream_series())
    if (!xs.empty())
      series.push_back(cycled(xs, 4096));
  store_and_count(state, series, codec_arg(state.range(0)));
}
BENCHMARK(BM_Tier0BytesStreamCycled)->Arg(0)->Arg(1)->Arg(2);

void BM_Tier0BytesCorpus(benchmark::State& state) {
  // Ten minutes of a real 1.37.1 child with all its /proc charts, as
  // captured: ~600 points per dimension, under one page each.
  std::vector<std::vector<double>> series;
  for (auto& xs : stream_series(tributary::bench::corpus_stream))
    if (!xs.empty())
      series.push_back(cycled(xs, xs.size()));
  store_and_count(state, series, codec_arg(state.range(0)));
}
BENCHMARK(BM_Tier0BytesCorpus)->Arg(0)->Arg(1)->Arg(2);

/// What a coder of each dimension's storage numbers would need at best if
/// it sent, per point, a class (same word / new sign-and-exponent byte / the
/// bit length of the mantissa's zigzag delta) at its order-0 entropy and
/// then the delta's bits below its leading one: an estimate of what a page
/// format could reach without giving up Netdata's precision (the class
/// table's own cost left out, so a little low).
struct class_entropy {
  double bits = 0;       // all dimensions
  double noisy_bits = 0; // dimensions with >80 % distinct words
};

class_entropy delta_class_entropy(const std::vector<std::vector<sample>>& xs) {
  class_entropy out;
  for (auto& series : xs) {
    if (series.empty())
      continue;
    std::vector<storage_number> w;
    for (auto& x : series)
      w.push_back(pack(x.value, x.flags));
    std::unordered_map<int, size_t> classes;
    double raw = 32;
    for (size_t i = 1; i < w.size(); ++i) {
      if (w[i] == w[i - 1]) {
        ++classes[-1];
      } else if ((w[i] >> 24) != (w[i - 1] >> 24)) {
        ++classes[-2];
        raw += 32;
      } else {
        auto d = static_cast<int64_t>(w[i] & 0xffffffu)
                 - static_cast<int64_t>(w[i - 1] & 0xffffffu);
        auto z = static_cast<uint64_t>(d < 0 ? -2 * d - 1 : 2 * d);
        auto len = 64 - __builtin_clzll(z);
        ++classes[len];
        raw += len - 1;
      }
    }
    double h = 0;
    auto n = static_cast<double>(w.size() - 1);
    for (auto& [c, k] : classes)
      h -= static_cast<double>(k) * std::log2(static_cast<double>(k) / n);
    std::vector<storage_number> distinct = w;
    std::sort(distinct.begin(), distinct.end());
    auto unique
        = std::unique(distinct.begin(), distinct.end()) - distinct.begin();
    out.bits += raw + h;
    if (static_cast<double>(unique) > 0.8 * static_cast<double>(w.size()))
      out.noisy_bits += raw + h;
  }
  return out;
}

void BM_Tier0BoundCorpus(benchmark::State& state) {
  auto xs = stream_series(tributary::bench::corpus_stream);
  class_entropy e;
  for (auto _ : state)
    e = delta_class_entropy(xs);
  double points = 0;
  for (auto& s : xs)
    points += static_cast<double>(s.size());
  state.counters["bytes_per_sample"] = e.bits / 8 / points;
  state.counters["noisy_dims_bytes_per_sample"] = e.noisy_bits / 8 / points;
}
BENCHMARK(BM_Tier0BoundCorpus)->Iterations(1);

void BM_Tier0BytesSynthetic(benchmark::State& state) {
  store_and_count(state, synthetic(120, 4096), codec_arg(state.range(0)));
}
BENCHMARK(BM_Tier0BytesSynthetic)->Arg(0)->Arg(1)->Arg(2);

// -- append and query
// --------------------------------------------------------------

std::string temp_dir() {
  char tmpl[] = "/tmp/tributary-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
    std::abort();
  return tmpl;
}

void BM_Append(benchmark::State& state) {
  // 1000 dimensions, rows of one sample each, through the POSIX filesystem;
  // maintain() after each row, as the host db does every second. Second
  // argument: the crash journal on (1) or off (0).
  auto dir = temp_dir();
  auto data = synthetic(1000, 64);
  engine_options opts;
  opts.directory = dir;
  opts.compression = codec_arg(state.range(0));
  opts.journal = state.range(1) != 0;
  int64_t t = T;
  {
    dbengine db{opts};
    std::vector<dimension_handle> hs;
    for (size_t d = 0; d < data.size(); ++d)
      hs.push_back(db.add_dimension({{"c", std::to_string(d)}, "", "", 1}));
    for (auto _ : state) {
      ++t;
      for (size_t d = 0; d < hs.size(); ++d)
        db.append(hs[d], sample::of(t, data[d][static_cast<size_t>(t) % 64]));
      db.maintain();
    }
    state.SetItemsProcessed(state.iterations()
                            * static_cast<int64_t>(hs.size()));
    auto points = static_cast<double>(state.iterations()) * 1000;
    state.counters["journal_bytes_per_sample"]
        = static_cast<double>(db.stats().journal_bytes) / points;
    state.counters["page_bytes_per_sample"]
        = static_cast<double>(db.stats().page_bytes[0]) / points;
    db.close();
  }
  std::system(("rm -rf " + dir).c_str());
}
BENCHMARK(BM_Append)->Args({1, 0})->Args({1, 1})->Args({2, 0})->Args({2, 1});

/// One dimension with 30 days of 1 s points (2.6M), kept for the queries.
struct month {
  std::string dir = temp_dir();
  std::unique_ptr<dbengine> db;
  dimension_handle h;
  int64_t now = T + 30 * 86400 + 1;

  month() {
    engine_options opts;
    opts.directory = dir;
    db = std::make_unique<dbengine>(opts);
    h = db->add_dimension({{"system.cpu", "user"}, "", "", 1});
    std::mt19937 rng{3};
    for (int64_t i = 1; i <= 30 * 86400; ++i)
      db->append(h,
                 sample::of(T + i, static_cast<double>(rng() % 10000) / 100));
    db->flush();
  }

  ~month() {
    db.reset();
    std::system(("rm -rf " + dir).c_str());
  }
};

month& the_month() {
  static month m;
  return m;
}

void run(benchmark::State& state, int64_t after, size_t points, int tier) {
  auto& m = the_month();
  query_request req;
  req.after = after;
  req.points = points;
  req.tier = tier;
  size_t read = 0;
  size_t used = 0;
  for (auto _ : state) {
    auto res = run_query(*m.db, {m.h}, req, m.now);
    read = res.db_points_read;
    used = res.tier;
    benchmark::DoNotOptimize(res);
  }
  state.counters["tier"] = static_cast<double>(used);
  state.counters["db_points"] = static_cast<double>(read);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(read));
}

void BM_Query1h(benchmark::State& state) {
  run(state, -3600, 360, -1); // 10 s per row: tier 0
}
BENCHMARK(BM_Query1h)->Unit(benchmark::kMicrosecond);

void BM_Query30d(benchmark::State& state) {
  // An hour per row: tier 2, which holds 720 points in before − after
  // only when that is 30 days (after = -30 d spans 30 d − 1 s: tier 1).
  run(state, -30 * 86400 - 1, 720, -1);
}
BENCHMARK(BM_Query30d)->Unit(benchmark::kMicrosecond);

void BM_Query30dTier1(benchmark::State& state) {
  run(state, -30 * 86400, 720, 1);
}
BENCHMARK(BM_Query30dTier1)->Unit(benchmark::kMicrosecond);

void BM_Query30dTier0(benchmark::State& state) {
  run(state, -30 * 86400, 720, 0); // what tiers save us from
}
BENCHMARK(BM_Query30dTier0)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
