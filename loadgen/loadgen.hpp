#pragma once

// `tributary loadgen`: N simulated v1.37.1 children streaming M charts x D
// dimensions to one parent on a loopback address. No CAF: plain POSIX
// sockets and epoll in one thread. The workload (what each child sends) is
// in loadgen_workload.cpp and has no sockets, so benchmarks and tests can
// reuse it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tributary::cli {

/// Options of `tributary loadgen`.
struct loadgen_options {
  /// HOST:PORT of the parent; HOST must be loopback (127.0.0.0/8, ::1,
  /// localhost). IPv6 as [::1]:PORT.
  std::string destination = "127.0.0.1:19999";
  /// API key (a UUID) sent by the well-behaved children.
  std::string api_key;
  int children = 10;
  int charts = 5;
  int dims = 4;
  /// Seconds between two collections of a chart.
  int update_every = 1;
  /// Seconds to run; the generator then flushes, closes and reports.
  double duration = 10;
  /// Ask for lz4 compression (the parent may still refuse it).
  bool lz4 = true;
  /// Seeds GUIDs and values; 0 = random.
  uint64_t seed = 0;
  /// Up to 8 hex digits replacing the start of every machine GUID.
  std::string guid_prefix;
  /// Children are named PREFIX-NNNN (misbehaving ones PREFIX-KIND-NNNN).
  std::string hostname_prefix = "loadgen";
  /// KIND[:FRACTION] with KIND cut|unknown|slowloris|badkey; FRACTION of
  /// --children (default 0.1) added on top of the well-behaved children.
  std::vector<std::string> misbehave;
  /// Seconds before a child reconnects after a refusal or disconnect.
  double reconnect_delay = 2;
  /// Seconds over which the first connects are spread.
  double ramp = 1;
  /// Seconds of history each child claims (CHART_DEFINITION_END) and
  /// replays when asked (REPLAY_CHART); 0 = none (empty replies).
  int64_t history = 0;
  /// Every algorithm, multipliers and divisors, counter resets and gaps
  /// (see `dim_shape`) instead of the plain mix: for differential tests.
  bool variety = false;
  /// Seconds between progress lines (0 = only the final report).
  double report_every = 1;
  /// Per child: queued bytes beyond which a collection is dropped.
  size_t max_backlog = 8 << 20;
  /// Write the final report as JSON to this file.
  std::string json_out;
};

/// Runs the generator; returns 0 after a complete run, 2 on bad options.
int loadgen(const loadgen_options& opts);

namespace loadgen_detail {

/// splitmix64: small, fast, deterministic.
struct rng {
  uint64_t state;

  explicit rng(uint64_t seed) : state(seed) {}

  uint64_t next() noexcept {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, n).
  uint64_t below(uint64_t n) noexcept {
    return n == 0 ? 0 : next() % n;
  }
};

/// What kind of value a dimension carries: d % 3 == 0 counter
/// (`incremental`), 1 gauge (`absolute`, random walk in [0, 1000]),
/// 2 constant (`absolute`, see `constant_value`).
enum class dim_kind { counter, gauge, constant };

inline dim_kind kind_of(int dim) noexcept {
  switch (dim % 3) {
  case 0:
    return dim_kind::counter;
  case 1:
    return dim_kind::gauge;
  default:
    return dim_kind::constant;
  }
}

/// How a dimension is defined and fed. The plain mix: `incremental` for
/// counters, `absolute` otherwise, multiplier and divisor 1, a SET every
/// collection. With --variety, chart c follows profile c % 4: 0 plain;
/// 1 multipliers and divisors (including negative ones), counters reset
/// every 23rd collection and dimension 1 left out of every 7th; 2 every
/// dimension `percentage-of-absolute-row`; 3 `percentage-of-incremental-row`.
struct dim_shape {
  const char* algorithm = "absolute";
  int64_t multiplier = 1;
  int64_t divisor = 1;
  /// Every Nth collection the value restarts near 0 (0 = never).
  int reset_every = 0;
  /// Every Nth collection no SET is sent (0 = never).
  int gap_every = 0;
};

dim_shape shape_of(bool variety, int chart, int dim) noexcept;

/// The value of constant dimension `dim` of chart `chart` of child `child`
/// (0-based); tests check the parent stored exactly this.
inline int64_t constant_value(int child, int chart, int dim) noexcept {
  return int64_t{child + 1} * 10000 + int64_t{chart} * 10 + dim % 10;
}

/// Chart id of chart `i`: "lg.cI".
std::string chart_id(int i);

/// The workload of one simulated child: its definitions and its values.
class child_workload {
public:
  child_workload(int child_index, int charts, int dims, int update_every,
                 uint64_t seed, bool variety = false);

  int charts() const noexcept {
    return charts_;
  }

  int dims() const noexcept {
    return dims_;
  }

  /// CHART + DIMENSION lines of chart `c` (one commit), plus
  /// `CHART_DEFINITION_END now-history now now` if `replication`.
  void definition(int c, bool replication, int64_t now, int64_t history,
                  std::string& out) const;

  /// One point a `update_every` of chart `c` ending in [after, before]:
  /// `RBEGIN '' start end now` + `RSET "dN" value ""` each, values of the
  /// same kinds as `collect` makes (after `RBEGIN "id"`, before `REND`).
  void replay(int c, int64_t after, int64_t before, int64_t now,
              std::string& out);

  /// Host-level lines sent first after the handshake: CLAIMED_ID (if
  /// `claim`), LABEL + OVERWRITE (if `hlabels`).
  void host_preamble(const std::string& guid, bool claim, bool hlabels,
                     std::string& out) const;

  /// Advances the values of chart `c` by one collection and appends
  /// `BEGIN "id" usec` / `SET "dN" = v` / `END`. Returns samples written.
  int collect(int c, uint64_t usec, std::string& out);

private:
  int index_;
  int charts_;
  int dims_;
  int update_every_;
  rng rng_;
  // charts_ x dims_ current values.
  std::vector<int64_t> values_;
  std::vector<std::string> begin_prefix_;
  bool variety_;
  // Collections made so far, per chart (resets and gaps count them).
  std::vector<uint32_t> collections_;
};

} // namespace loadgen_detail

} // namespace tributary::cli
