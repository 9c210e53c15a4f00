#pragma once

#include "actors/context.hpp"
#include "base/handling_time.hpp"
#include "protocol/command_reader.hpp"
#include "protocol/stream_decoder.hpp"

#include <algorithm>
#include <caf/actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tributary {

/// State of a receiver: the parsed command stream of one child.
struct receiver_state {
  struct chart_entry {
    /// The chart as this child defined it. Shared with the host once sent,
    /// which never changes it: `writable_def()` copies it first then.
    std::shared_ptr<chart_def> def = std::make_shared<chart_def>();
    /// Indices into `def->dimensions`, ordered by id: the lookup when the
    /// guess below misses (4 bytes a dimension; a hash map of id strings
    /// took some 70).
    std::vector<uint32_t> by_id;
    /// The index the next SET (or RSET) most likely names: a child sends a
    /// row's SETs in the same order every time, so one string compare
    /// usually replaces the hash lookup.
    size_t next_dim = 0;
    /// The window of the last REPLAY_CHART we sent (docs/protocol.md
    /// "Replication requests").
    int64_t requested_before = 0;
    /// A REPLAY_CHART went out and no REND with start-streaming came back.
    bool replicating = false;

    /// The index of dimension `id`, or `npos`.
    size_t find_dimension(std::string_view id) {
      size_t i = next_dim;
      if (i >= def->dimensions.size() || def->dimensions[i].id != id) {
        i = index_of(id);
        if (i == npos)
          return npos;
      }
      next_dim = i + 1;
      return i;
    }
    static constexpr size_t npos = static_cast<size_t>(-1);

    /// The index of dimension `id` by the ordered index, or `npos`.
    size_t index_of(std::string_view id) const {
      auto i = lower_bound(id);
      return i != by_id.end() && def->dimensions[*i].id == id ? *i : npos;
    }

    /// Indexes `def->dimensions[k]`, just appended.
    void index_added(size_t k) {
      by_id.insert(lower_bound(def->dimensions[k].id),
                   static_cast<uint32_t>(k));
    }

    std::vector<uint32_t>::const_iterator
    lower_bound(std::string_view id) const {
      const auto& dims = def->dimensions;
      return std::lower_bound(by_id.begin(), by_id.end(), id,
                              [&dims](uint32_t k, std::string_view x) {
                                return std::string_view{dims[k].id} < x;
                              });
    }

    /// `def`, this entry's own (a copy if the host shares it).
    chart_def& writable_def() {
      if (def.use_count() > 1)
        def = std::make_shared<chart_def>(*def);
      return *def;
    }
  };
  connection_actor conn;
  host_actor host;
  stream_hello hello;
  daemon_context ctx;
  std::string who;
  protocol::stream_decoder decoder;
  protocol::command_reader reader;
  /// Node-based: `current` and `dirty` stay valid as it grows.
  std::unordered_map<std::string, chart_entry> charts;
  /// The chart CHART/DIMENSION/BEGIN selected; null if none.
  chart_entry* current = nullptr;
  /// A definition changed since it was last sent to the host.
  chart_entry* dirty = nullptr;
  bool in_row = false;
  chart_row row;
  /// Finished rows not yet sent to the host, in stream order (sent before
  /// anything else goes to the host, and at the end of every read). It and
  /// `replay_out` are never both non-empty: each is sent before the other
  /// takes an entry, so the host gets rows and points in stream order.
  row_batch rows_out;
  /// The replication input being parsed: a point (RBEGIN with times, until
  /// the next command) or the state form (RDSTATE, RSSTATE until REND), of
  /// chart `replay_chart`.
  enum class replay_input { none, point, state };
  replay_input replay_open = replay_input::none;
  std::string replay_chart;
  /// The open point: its times and values (the vectors keep their room).
  replay_times replay_at;
  std::vector<double> replay_values;
  std::vector<uint8_t> replay_flags;
  std::vector<uint8_t> replay_is_set;
  /// The open state form.
  replay_state replay_closing;
  /// Finished points of one chart not yet sent to the host (sent before
  /// anything else goes to the host, and at the end of every read).
  replay_batch replay_out;
  std::vector<std::pair<std::string, std::string>> labels;
  /// CLABELs since the last CLABEL_COMMIT: the commit makes them the current
  /// chart's labels, replacing the ones it had (as Netdata does).
  std::vector<std::pair<std::string, std::string>> chart_labels;
  int64_t lines = 0;
  int64_t updates = 0;
  int64_t bytes = 0;
  /// Bytes of decoded lines (with their `\n`): over `bytes`, the
  /// compression ratio the console shows.
  int64_t text_bytes = 0;
  /// When the stream was accepted (seconds since the epoch).
  int64_t connected_s = 0;
  /// Effective replication settings for this host (docs/protocol.md
  /// "Replication settings", "Settings lookup").
  bool replication = true;
  int64_t seconds_to_replicate = 86400;
  int64_t replication_step = 600;
  /// When we last told the registry that data arrived (seconds).
  int64_t reported_s = 0;
  /// When the last bytes arrived (seconds).
  int64_t last_data_s = 0;
  bool closed = false;
  /// Bytes parsed whose rows are not yet known to be stored; a fence
  /// (atom::sync through the host) is in flight for earlier ones.
  int64_t unacked = 0;
  bool fencing = false;
  /// `[db] max charts per host` / `max dimensions per host` (0 = none).
  int64_t max_charts = 0;
  int64_t max_dimensions = 0;
  int64_t dimensions = 0;
  /// Charts and dimensions refused by the limits (not kept: their ids are
  /// not stored, so refusing costs no memory).
  int64_t refused_charts = 0;
  /// Charts with `replicating` set.
  int64_t replicating_charts = 0;
  int64_t refused_dimensions = 0;
  /// The refusals the last summary line counted.
  int64_t refused_logged = 0;
  /// The current chart was refused: its commands are ignored until the
  /// next CHART, BEGIN or RBEGIN.
  bool ignoring = false;
  /// Handling time of data chunk (a chunk is kilobytes of work)
  /// (docs/console.md).
  handling_time timing{1};
  static inline const char* name = "receiver";
};

/// Parses the stream of one accepted child and feeds its host. Receives
/// `(atom::data, std::string)` chunks from its connection, answers
/// replication with `(atom::write, std::string)`, acknowledges with
/// `(atom::sync, int64_t bytes)` the chunks whose rows are stored (the
/// connection stops reading while too many bytes are unacknowledged),
/// quits on a protocol error
/// (the connection then closes) or on `(atom::close)` from the connection.
receiver_actor::behavior_type
receiver(receiver_actor::stateful_pointer<receiver_state> self,
         const connection_actor& conn, const host_actor& host,
         const stream_hello& hello, const access_decision& decision,
         const daemon_context& ctx);

} // namespace tributary
