// Protocol-layer microbenchmarks on real Netdata 1.37.1 captures
// (tests/data/netdata-1.37.1/stream-plain.bin, stream-lz4.bin):
//   BM_Tokenize        tokenize() over every line of the plain capture
//   BM_ParseCommand    tokenize() + parse_command() over the same lines
//   BM_LineSplitter    line_splitter over the whole capture (bytes in, lines
//   out) BM_Lz4Decode       lz4_decoder: deframe + decompress the lz4 capture
//   BM_Lz4Encode       lz4_encoder over the decoded capture, per line-batch
//   commits BM_WriteSetLines   write_command(set) — the hot line a parent
//   relays
// Counters: lines/s ("items_per_second") and MB/s ("bytes_per_second").
//
//   build-bench/tests/bench/protocol_bench --benchmark_min_time=1
#include "protocol/commands.hpp"
#include "protocol/line_splitter.hpp"
#include "protocol/lz4_framing.hpp"
#include "protocol/stream_decoder.hpp"
#include "protocol/tokenizer.hpp"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace proto = tributary::protocol;

namespace {

std::string read_file(const std::string& name) {
  std::string path
      = std::string{TRIBUTARY_TEST_DATA} + "/netdata-1.37.1/" + name;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::abort();
  }
  return std::string{std::istreambuf_iterator<char>(f), {}};
}

const std::string& plain() {
  static const std::string s = read_file("stream-plain.bin");
  return s;
}

const std::string& lz4() {
  static const std::string s = read_file("stream-lz4.bin");
  return s;
}

// The plain capture's lines, without `\n`.
const std::vector<std::string_view>& lines() {
  static const std::vector<std::string_view> v = [] {
    std::vector<std::string_view> out;
    std::string_view all = plain();
    size_t pos = 0;
    while (pos < all.size()) {
      auto nl = all.find('\n', pos);
      if (nl == std::string_view::npos)
        break;
      out.push_back(all.substr(pos, nl - pos));
      pos = nl + 1;
    }
    return out;
  }();
  return v;
}

size_t total_bytes(const std::vector<std::string_view>& v) {
  size_t n = 0;
  for (auto l : v)
    n += l.size() + 1;
  return n;
}

void BM_Tokenize(benchmark::State& state) {
  const auto& ls = lines();
  proto::words ws;
  for (auto _ : state) {
    for (auto l : ls) {
      proto::tokenize(l, ws);
      benchmark::DoNotOptimize(ws.count);
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(ls.size()));
  state.SetBytesProcessed(int64_t(state.iterations())
                          * int64_t(total_bytes(ls)));
  state.counters["lines"] = double(ls.size());
}
BENCHMARK(BM_Tokenize);

void BM_ParseCommand(benchmark::State& state) {
  const auto& ls = lines();
  proto::words ws;
  size_t bad = 0;
  for (auto _ : state) {
    for (auto l : ls) {
      proto::tokenize(l, ws);
      auto cmd = proto::parse_command(ws);
      bad += cmd ? 0 : 1;
      benchmark::DoNotOptimize(cmd);
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(ls.size()));
  state.SetBytesProcessed(int64_t(state.iterations())
                          * int64_t(total_bytes(ls)));
  state.counters["bad"] = double(bad) / double(state.iterations());
}
BENCHMARK(BM_ParseCommand);

void BM_LineSplitter(benchmark::State& state) {
  const std::string& all = plain();
  size_t chunk = size_t(state.range(0));
  size_t n = 0;
  for (auto _ : state) {
    proto::line_splitter sp;
    n = 0;
    for (size_t off = 0; off < all.size(); off += chunk) {
      sp.feed(std::string_view{all}.substr(off, chunk));
      std::string_view l;
      while (sp.next(l)) {
        benchmark::DoNotOptimize(l.data());
        ++n;
      }
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(all.size()));
}
BENCHMARK(BM_LineSplitter)->Arg(1460)->Arg(65536);

void BM_Lz4Decode(benchmark::State& state) {
  const std::string& in = lz4();
  std::string out;
  size_t produced = 0;
  size_t chunk = size_t(state.range(0));
  for (auto _ : state) {
    proto::lz4_decoder dec;
    out.clear();
    for (size_t off = 0; off < in.size(); off += chunk) {
      auto r = dec.feed(std::string_view{in}.substr(off, chunk), out);
      if (!r) {
        state.SkipWithError("lz4 decode failed");
        return;
      }
    }
    produced = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  // MB/s of decompressed output; compressed input rate in a counter.
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(produced));
  state.counters["in_MB/s"]
      = benchmark::Counter(double(in.size()) * double(state.iterations()) / 1e6,
                           benchmark::Counter::kIsRate);
  state.counters["ratio"] = double(produced) / double(in.size());
}
BENCHMARK(BM_Lz4Decode)->Arg(1460)->Arg(65536);

// Decode + split into lines, as a receiver does (stream_decoder).
void BM_StreamDecoderLz4(benchmark::State& state) {
  const std::string& in = lz4();
  size_t n = 0;
  for (auto _ : state) {
    proto::stream_decoder dec{proto::stream_mode::lz4};
    n = 0;
    for (size_t off = 0; off < in.size(); off += 1460) {
      if (dec.feed(std::string_view{in}.substr(off, 1460))) {
        state.SkipWithError("decode failed");
        return;
      }
      std::string_view l;
      while (dec.next(l))
        ++n;
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(in.size()));
}
BENCHMARK(BM_StreamDecoderLz4);

void BM_Lz4Encode(benchmark::State& state) {
  // Commits of ~one chart update (BEGIN..END) from the plain capture.
  const auto& ls = lines();
  std::vector<std::string> commits;
  std::string cur;
  for (auto l : ls) {
    cur.append(l.data(), l.size());
    cur += '\n';
    if (l == "END" || cur.size() > 4096) {
      commits.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty())
    commits.push_back(cur);
  size_t in_bytes = 0;
  for (auto& c : commits)
    in_bytes += c.size();
  std::string out;
  for (auto _ : state) {
    proto::lz4_encoder enc;
    out.clear();
    for (auto& c : commits)
      if (enc.encode(c, out)) {
        state.SkipWithError("encode failed");
        return;
      }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(in_bytes));
  state.SetItemsProcessed(int64_t(state.iterations())
                          * int64_t(commits.size()));
}
BENCHMARK(BM_Lz4Encode);

void BM_WriteSetLines(benchmark::State& state) {
  proto::command c = proto::set{"user", 123456789};
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 1000; ++i)
      proto::write_command(c, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 1000);
}
BENCHMARK(BM_WriteSetLines);

} // namespace

BENCHMARK_MAIN();
