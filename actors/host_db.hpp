#pragma once

#include "actors/context.hpp"
#include "storage/engine.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tributary {

/// State of a host database: one storage engine instance for one host.
struct host_db_state {
  struct chart_entry {
    chart_def def;
    std::vector<storage::dimension_handle> dims;
  };
  std::shared_ptr<storage::engine> db;
  std::map<std::string, chart_entry> charts;
  int64_t points_stored = 0;
  daemon_context ctx;
  /// The directory holding the host's files (removed with the host).
  std::string files_dir;
  static inline const char* name = "host-db";
};

/// Wraps `db` (already opened for the host's memory mode), whose files are
/// in `files_dir`.
host_db_actor::behavior_type
host_db(host_db_actor::stateful_pointer<host_db_state> self,
        std::shared_ptr<storage::engine> db, daemon_context ctx,
        std::string files_dir);

} // namespace tributary
