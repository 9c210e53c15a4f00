#pragma once

// What the parent knows of its hosts and charts, as plain structs: data
// queries and their answers, chart and host summaries, chart listings,
// replication points and actors' status. The actors carry them in messages
// (actors/messages.hpp adds CAF's inspect overloads); the API renders them
// (api/). No CAF here.

#include "base/handling_time.hpp"
#include "protocol/chart_def.hpp"
#include "protocol/commands.hpp"
#include "protocol/host_info.hpp"
#include "storage/sample.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tributary {

/// The times of one replicated point (RBEGIN '' start end [now]).
struct replay_times {
  int64_t start_s = 0;
  int64_t end_s = 0;
  /// RBEGIN's child wall clock, seconds (0 = not sent).
  int64_t child_now_s = 0;
  /// The receiving side's wall clock, microseconds since the epoch.
  uint64_t now_usec = 0;
};

/// The collection state that closes a replication response of one chart:
/// RDSTATE per dimension, RSSTATE, REND. It feeds the chart's value math
/// after the points before it, as it does on a Netdata parent.
struct replay_state {
  /// The receiving side's wall clock, microseconds since the epoch.
  uint64_t now_usec = 0;
  /// Per dimension, 1 if an RDSTATE arrived, and its fields.
  std::vector<uint8_t> dim_state;
  std::vector<uint64_t> dim_last_collected_usec;
  std::vector<int64_t> dim_last_collected;
  std::vector<double> dim_last_calculated;
  std::vector<double> dim_last_stored;
  /// RSSTATE arrived, and its fields.
  bool chart_state = false;
  uint64_t last_collected_usec = 0;
  uint64_t last_updated_usec = 0;
  /// REND arrived, and its fields.
  bool end = false;
  bool start_streaming = false;
  int64_t update_every = 0;
};

/// The rows a receiver parsed from one read of its stream, in stream order
/// (any charts). One message per read on the receiver -> host hop instead of
/// one per row: the host routes each to its chart.
struct row_batch {
  std::vector<chart_row> rows;
};

/// Consecutive replicated points of one chart in stream order, as the
/// receiver parsed them (already computed values), in columns: point `r` is
/// `times[r]` with `width` values, flags and is-set marks at `r * width`.
/// The state form may follow them and then ends the batch. A backfill moves
/// millions of points: one message per batch on each hop (receiver -> host
/// -> chart), and no allocation per point.
struct replay_batch {
  std::string chart_id;
  /// Values per point: the chart's dimensions when its points were parsed.
  uint32_t width = 0;
  std::vector<replay_times> times;
  std::vector<double> values;
  /// Per value: storage flags (see storage/sample.hpp).
  std::vector<uint8_t> flags;
  /// Per value: 1 if an RSET arrived for the dimension.
  std::vector<uint8_t> is_set;
  bool has_state = false;
  replay_state state;

  bool empty() const noexcept {
    return times.empty() && !has_state;
  }
};

/// A chart's merged definition as the host keeps it, handed to its chart
/// actor and host db without a copy: thousands of charts would otherwise
/// hold one each. Never changed once shared (a redefinition replaces it).
struct shared_chart_def {
  std::shared_ptr<const chart_def> def;
};

/// The computed point of every dimension of a chart at one time (each
/// sample carries it): a chart's live row on its way to the host db, the
/// calculator's own samples moved, not copied into columns.
struct stored_row {
  /// The chart's definition: the host db finds the dimensions by it.
  shared_chart_def chart;
  std::vector<storage::sample> points;
};

/// Computed points of one chart for its host db, oldest first: row `r` is
/// `times[r]` with `width` values and flags at `r * width`.
struct stored_points {
  shared_chart_def chart;
  uint32_t width = 0;
  std::vector<int64_t> times;
  std::vector<double> values;
  std::vector<uint8_t> flags;
};

/// A query for stored data of one chart.
struct data_query {
  std::string chart; // id or name
  int64_t after = -600;
  int64_t before = 0;
  int64_t points = 0;
  std::string group = "average";
  /// Include hidden dimensions (replication needs every dimension).
  bool all_dimensions = false;
  /// False for `options=unaligned` (and `unaligned` health lookups): rows
  /// end at the newest point instead of a multiple of their duration.
  bool aligned = true;
  /// `gtime`: seconds the group's average is expressed per (0 = none).
  int64_t gtime = 0;
  /// `tier`: the storage tier to read, if below the agent's `storage
  /// tiers` (else, and at -1, the tier is picked per window as 1.37.1 does).
  int64_t tier = -1;
};

/// The answer to a `data_query`: rows oldest first; NaN marks a gap.
struct data_result {
  std::string chart_id;
  std::string chart_name;
  int64_t update_every = 1;
  int64_t first_entry = 0;
  int64_t last_entry = 0;
  int64_t after = 0;
  int64_t before = 0;
  std::vector<std::string> dimension_ids;
  std::vector<std::string> dimension_names;
  std::vector<int64_t> times;
  /// times.size() rows of dimension_ids.size() values.
  std::vector<double> values;
  /// With `data_query::all_dimensions`: which dimensions are hidden (empty
  /// otherwise, and then none is).
  std::vector<bool> hidden;
};

/// A summary of a chart for /api/v1/charts.
struct chart_summary {
  chart_def def;
  int64_t first_entry = 0;
  int64_t last_entry = 0;
};

/// What each dimension of a chart last collected, in its definition's
/// order (allmetrics `source=as-collected`).
struct chart_collected {
  std::vector<int64_t> values;
  /// When it was last set: the wall clock of the row that set it, µs.
  std::vector<uint64_t> time_usec;
  /// Collections that set it (0: never collected).
  std::vector<uint64_t> collections;
};

/// A chart's first and last stored times (seconds), written by its chart
/// actor and read by its host, so that /api/v1/charts needs no message per
/// chart (100,000 of them kept a host busy for minutes).
struct chart_extent {
  std::atomic<int64_t> first_entry{0};
  std::atomic<int64_t> last_entry{0};
};

/// One chart of a host's listing: its merged definition, shared and never
/// changed (a redefinition replaces it), and the stored range its chart
/// actor publishes.
struct listed_chart {
  std::shared_ptr<const chart_def> def;
  std::shared_ptr<const chart_extent> extent;
};

/// Every chart of a host for /api/v1/charts and allmetrics: handing it out
/// copies no definition, so a listing of 100,000 charts costs pointers.
/// Local only (never serialized).
struct chart_listing {
  std::vector<listed_chart> charts;
};

/// A host's storage health (storage::storage_health) for /api/v1/info.
struct storage_status {
  /// "ok" or "degraded" (writes failing); empty when unknown.
  std::string status;
  std::string last_error;
  int64_t failed_writes = 0;
  int64_t dropped_points = 0;
  int64_t pending_points = 0;
  int64_t disk_bytes = 0;
  int64_t journal_bytes = 0;
};

/// A summary of a host for /api/v1/info and the registry.
struct host_summary {
  host_info info;
  bool reachable = false;
  bool stream_compression = false;
  /// A sender streams this host to a parent; whether it compresses.
  bool has_sender = false;
  bool sender_compression = false;
  int64_t charts = 0;
  int64_t dimensions = 0;
  std::string memory_mode;
  storage_status storage;
  /// The host's configured `history` (entries per dimension).
  int64_t history = 0;
};

/// An actor's answer to a status request (the console and API walk these).
struct actor_status {
  std::string name;
  std::string kind;
  std::vector<std::pair<std::string, int64_t>> counters;
  int64_t mailbox = 0;
  int64_t restarts = 0;
  /// Text facts (peer, GUID, state, last disconnect reason).
  std::vector<std::pair<std::string, std::string>> labels;
  /// The actor's id and its supervisor's (0 = none), set by the registry's
  /// walk (`get, status`): the console's tree.
  uint64_t id = 0;
  uint64_t parent = 0;
  /// Handling time of the timed messages since the last status read
  /// (base/handling_time.hpp); negative: none was timed.
  double handling_p50_us = -1;
  double handling_p99_us = -1;
};

/// Reports `t`'s handling time since the last status read into `s`.
inline void report_handling(actor_status& s, handling_time& t) {
  auto [p50, p99] = t.take();
  s.handling_p50_us = p50;
  s.handling_p99_us = p99;
}

} // namespace tributary
