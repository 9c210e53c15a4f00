#pragma once

// The web console's numbers (plain C++, no actors): the last status walk of
// the registry, per-actor rates from the walk before it, and a ring of
// per-second totals per host for the live plots. The console actor feeds it
// one walk a second; the API renders it.

#include "model/payloads.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace tributary {

class console_model {
public:
  /// Seconds of history the plots show.
  static constexpr size_t history_seconds = 300;

  /// Per host (or in total) in one second.
  struct flow {
    double samples = 0;
    double bytes_in = 0;
    double bytes_out = 0;
    int64_t mailbox = 0;
  };

  struct point {
    int64_t t = 0;
    flow total;
    /// By machine GUID.
    std::map<std::string, flow> hosts;
  };

  /// One walk taken at `now_usec`.
  void add(std::vector<actor_status> walk, uint64_t now_usec);

  bool empty() const {
    return t_usec_ == 0;
  }

  /// /api/v1/console/actors: every actor with its supervisor, counters,
  /// per-second rates, uptime and labels.
  std::string render_actors() const;
  /// /api/v1/console/streams: one row per host and one per sender.
  std::string render_streams() const;
  /// /api/v1/console/series: the per-second points after `after` (seconds
  /// since the epoch; 0 = all kept).
  std::string render_series(int64_t after) const;
  /// The charts drill-down of one host (hostname or GUID): `charts`, the
  /// status of its first `limit` chart actors, with rows/s against the
  /// previous drill-down of the same host.
  std::string render_charts(const std::string& host,
                            std::vector<actor_status> charts, int64_t limit,
                            uint64_t now_usec);

private:
  struct seen {
    std::vector<std::pair<std::string, int64_t>> counters;
    uint64_t first_seen_usec = 0;
    uint64_t t_usec = 0;
  };
  std::vector<actor_status> walk_;
  /// Per actor id: per-counter rate over the last interval.
  std::map<uint64_t, std::vector<std::pair<std::string, double>>> rates_;
  std::map<uint64_t, seen> seen_;
  /// Receiver id -> its connection's id (the tree only).
  std::map<uint64_t, uint64_t> tree_parent_;
  /// Per host asked: its charts at the last drill-down.
  std::map<std::string, std::map<uint64_t, seen>> drill_downs_;
  std::map<std::string, std::string> hostnames_;
  std::deque<point> ring_;
  uint64_t t_usec_ = 0;
};

/// A counter of `s` by name (0 if absent).
int64_t counter(const actor_status& s, std::string_view name);
/// A label of `s` by name ("" if absent).
std::string label(const actor_status& s, std::string_view name);

} // namespace tributary
