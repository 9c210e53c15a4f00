#pragma once

// Shared by the storage benchmarks: the values a parent stores for each
// dimension of a captured Netdata 1.37.1 stream (tests/data): the 20 s
// fixture, or the 10-minute corpus of a child with all its /proc charts
// (kept zstd-compressed).

#include "protocol/commands.hpp"
#include "protocol/stream_decoder.hpp"
#include "storage/value_math.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
#include <zstd.h>

namespace tributary::bench {

using namespace tributary::storage;

/// Start of the replayed capture's clock: a multiple of 3600.
constexpr int64_t stream_start_s = 1699999200;

inline constexpr const char* fixture_stream
    = TRIBUTARY_TEST_DATA "/netdata-1.37.1/stream-plain.bin";
inline constexpr const char* corpus_stream
    = TRIBUTARY_TEST_DATA "/netdata-1.37.1/corpus-proc-10min.plain.zst";

/// The file's bytes; a `.zst` file decompressed.
inline std::string read_capture(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  if (path.size() < 4 || path.compare(path.size() - 4, 4, ".zst") != 0)
    return bytes;
  auto size = ZSTD_getFrameContentSize(bytes.data(), bytes.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    throw std::runtime_error(path + ": not a zstd frame with its size");
  std::string out(size, '\0');
  auto n = ZSTD_decompress(out.data(), out.size(), bytes.data(), bytes.size());
  if (ZSTD_isError(n) != 0)
    throw std::runtime_error(path + ": " + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

/// Stored values per dimension, as a parent computes them from the capture
/// (BEGIN/SET/END through chart_row_calculator).
inline std::vector<std::vector<sample>> stream_series(const std::string& path
                                                      = fixture_stream) {
  std::stringstream ss{read_capture(path)};
  struct chart_state {
    std::unique_ptr<chart_row_calculator> calc;
    std::map<std::string, size_t> dims;
    std::vector<size_t> series; // dim index -> series index
    uint64_t clock_us = uint64_t{stream_start_s} * 1000000;
  };
  std::map<std::string, chart_state> charts;
  std::vector<std::vector<sample>> out;
  chart_state* cur = nullptr;
  chart_state* defining = nullptr;
  std::vector<row> rows;
  protocol::decode_stream(
      ss.str(), protocol::stream_mode::automatic, [&](std::string_view line) {
        auto cmd = protocol::parse_line(line);
        if (!cmd)
          return;
        if (auto* c = std::get_if<protocol::chart>(&*cmd)) {
          auto& st = charts[c->id];
          if (!st.calc) {
            chart_config cfg;
            cfg.update_every
                = c->update_every > 0 ? static_cast<int>(c->update_every) : 1;
            st.calc = std::make_unique<chart_row_calculator>(cfg);
          }
          defining = &st;
        } else if (auto* d = std::get_if<protocol::dimension>(&*cmd)) {
          if (defining == nullptr || defining->dims.count(d->id) != 0)
            return;
          dimension_config dc;
          dc.algo = parse_algorithm(d->algorithm);
          dc.multiplier = d->multiplier;
          dc.divisor = d->divisor;
          defining->dims[d->id] = defining->calc->add_dimension(dc);
          defining->series.push_back(out.size());
          out.emplace_back();
        } else if (auto* b = std::get_if<protocol::begin>(&*cmd)) {
          auto i = charts.find(b->chart_id);
          cur = i == charts.end() ? nullptr : &i->second;
          if (cur == nullptr)
            return;
          auto us = b->microseconds.value_or(1000000);
          cur->clock_us += us;
          cur->calc->begin(us, cur->clock_us);
        } else if (auto* s = std::get_if<protocol::set>(&*cmd)) {
          if (cur == nullptr || !s->value)
            return;
          auto i = cur->dims.find(s->dimension_id);
          if (i != cur->dims.end())
            cur->calc->set(i->second, *s->value);
        } else if (std::holds_alternative<protocol::end>(*cmd)) {
          if (cur == nullptr)
            return;
          rows.clear();
          cur->calc->end(cur->clock_us, rows);
          for (auto& r : rows)
            for (size_t k = 0; k < r.values.size() && k < cur->series.size();
                 ++k)
              out[cur->series[k]].push_back(r.values[k]);
          cur = nullptr;
        }
      });
  return out;
}

} // namespace tributary::bench
