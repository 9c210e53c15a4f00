#pragma once

// Payloads that travel between actors. Plain structs with CAF 0.17 inspect
// overloads; the inspect templates only need caf/meta/type_name.hpp.

#include "base/handling_time.hpp"
#include "protocol/chart_def.hpp"
#include "protocol/commands.hpp"
#include "protocol/host_info.hpp"

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tributary {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dimension_def& x) {
  return f(caf::meta::type_name("dimension_def"), x.id, x.name, x.algorithm,
           x.multiplier, x.divisor, x.options);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chart_def& x) {
  return f(caf::meta::type_name("chart_def"), x.id, x.name, x.title, x.units,
           x.family, x.context, x.chart_type, x.priority, x.update_every,
           x.options, x.plugin, x.module, x.dimensions, x.labels,
           x.homogeneity_check);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chart_row& x) {
  return f(caf::meta::type_name("chart_row"), x.chart_id, x.microseconds,
           x.now_usec, x.values, x.is_set);
}

/// Replication input for one chart, in stream order. Either one replicated
/// point (RBEGIN '' s e [now] / RSET...: `start_s > 0`, already computed
/// values), or (`start_s == 0`) the collection state that closes a
/// replication response: RDSTATE per dimension, RSSTATE, REND. Both feed the
/// chart's value math, as they do on a Netdata parent.
struct replay_point {
  std::string chart_id;
  int64_t start_s = 0;
  int64_t end_s = 0;
  std::vector<double> values;
  /// Per value: storage flags (see storage/sample.hpp).
  std::vector<uint8_t> flags;
  /// Per value: 1 if an RSET arrived for the dimension.
  std::vector<uint8_t> is_set;
  /// RBEGIN's child wall clock, seconds (0 = not sent).
  int64_t child_now_s = 0;
  /// The receiving side's wall clock, microseconds since the epoch.
  uint64_t now_usec = 0;
  /// State form: per dimension, 1 if an RDSTATE arrived, and its fields.
  std::vector<uint8_t> dim_state;
  std::vector<uint64_t> dim_last_collected_usec;
  std::vector<int64_t> dim_last_collected;
  std::vector<double> dim_last_calculated;
  std::vector<double> dim_last_stored;
  /// State form: RSSTATE arrived, and its fields.
  bool chart_state = false;
  uint64_t last_collected_usec = 0;
  uint64_t last_updated_usec = 0;
  /// State form: REND arrived, and its fields.
  bool end = false;
  bool start_streaming = false;
  int64_t update_every = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replay_point& x) {
  return f(caf::meta::type_name("replay_point"), x.chart_id, x.start_s, x.end_s,
           x.values, x.flags, x.is_set, x.child_now_s, x.now_usec, x.dim_state,
           x.dim_last_collected_usec, x.dim_last_collected,
           x.dim_last_calculated, x.dim_last_stored, x.chart_state,
           x.last_collected_usec, x.last_updated_usec, x.end, x.start_streaming,
           x.update_every);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_info& x) {
  return f(caf::meta::type_name("host_info"), x.machine_guid, x.hostname,
           x.registry_hostname, x.os, x.timezone, x.abbrev_timezone,
           x.utc_offset, x.update_every, x.hops, x.tags, x.program_name,
           x.program_version, x.system_info, x.labels);
}

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
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_query& x) {
  return f(caf::meta::type_name("data_query"), x.chart, x.after, x.before,
           x.points, x.group, x.all_dimensions, x.aligned, x.gtime);
}

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

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_result& x) {
  return f(caf::meta::type_name("data_result"), x.chart_id, x.chart_name,
           x.update_every, x.first_entry, x.last_entry, x.after, x.before,
           x.dimension_ids, x.dimension_names, x.times, x.values, x.hidden);
}

/// A summary of a chart for /api/v1/charts.
struct chart_summary {
  chart_def def;
  int64_t first_entry = 0;
  int64_t last_entry = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chart_summary& x) {
  return f(caf::meta::type_name("chart_summary"), x.def, x.first_entry,
           x.last_entry);
}

/// What each dimension of a chart last collected, in its definition's
/// order (allmetrics `source=as-collected`).
struct chart_collected {
  std::vector<int64_t> values;
  /// When it was last set: the wall clock of the row that set it, µs.
  std::vector<uint64_t> time_usec;
  /// Collections that set it (0: never collected).
  std::vector<uint64_t> collections;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chart_collected& x) {
  return f(caf::meta::type_name("chart_collected"), x.values, x.time_usec,
           x.collections);
}

struct chart_extent;

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

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, storage_status& x) {
  return f(caf::meta::type_name("storage_status"), x.status, x.last_error,
           x.failed_writes, x.dropped_points, x.pending_points, x.disk_bytes,
           x.journal_bytes);
}

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

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_summary& x) {
  return f(caf::meta::type_name("host_summary"), x.info, x.reachable,
           x.stream_compression, x.has_sender, x.sender_compression, x.charts,
           x.dimensions, x.memory_mode, x.storage, x.history);
}

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

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_status& x) {
  return f(caf::meta::type_name("actor_status"), x.name, x.kind, x.counters,
           x.mailbox, x.restarts, x.labels, x.id, x.parent, x.handling_p50_us,
           x.handling_p99_us);
}

/// Reports `t`'s handling time since the last status read into `s`.
inline void report_handling(actor_status& s, handling_time& t) {
  auto [p50, p99] = t.take();
  s.handling_p50_us = p50;
  s.handling_p99_us = p99;
}

} // namespace tributary
