#pragma once

#include "actors/context.hpp"
#include "storage/value_math.hpp"

#include <map>
#include <vector>
#include <string>

namespace tributary {

/// State of a host actor: one node, local or streamed in.
struct host_state {
  struct chart_entry {
    chart_actor actor;
    chart_def def;
  };
  host_info info;
  host_db_actor db;
  std::string memory_mode;
  storage::chart_config chart_cfg;
  std::map<std::string, chart_entry> charts;
  /// Chart name -> id, for queries by name.
  std::map<std::string, std::string> names;
  /// Senders that get every definition and row (a child, a proxy).
  std::vector<caf::actor> subscribers;
  bool reachable = false;
  bool compression = false;
  int64_t rows = 0;
  int64_t dropped_rows = 0;
  daemon_context ctx;
  static inline const char* name = "host";
};

/// A node. Owns its charts and its host database.
host_actor::behavior_type host(host_actor::stateful_pointer<host_state> self,
                               host_info info, host_db_actor db,
                               std::string memory_mode,
                               storage::chart_config chart_cfg,
                               daemon_context ctx);

} // namespace tributary
