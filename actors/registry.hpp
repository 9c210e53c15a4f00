#pragma once

#include "actors/context.hpp"
#include "actors/host_store.hpp"
#include "base/handling_time.hpp"

#include <map>
#include <set>
#include <string>

namespace tributary {

/// State of the host registry.
struct registry_state {
  struct host_entry {
    host_actor actor;
    /// Its host db, when it wants the second's maintenance (see spawned_host).
    host_db_actor maintained_db;
    std::string hostname;
    /// A receiver is attached.
    bool streaming = false;
    /// When the receiver last received data, seconds since the epoch.
    int64_t last_data_s = 0;
    /// The attached receiver (to stop it when a new one replaces it).
    receiver_actor receiver;
    /// When its receiver went away (seconds since the epoch); 0 while
    /// streaming or never streamed. Orphan cleanup counts from here.
    int64_t disconnected_s = 0;
    /// Why its last receiver went away ("" = the child closed, or never).
    std::string last_disconnect;
    /// When its receiver attached (seconds since the epoch).
    int64_t connected_s = 0;
    /// The API key and peer of the accepted stream (a reload checks them
    /// against the new rules; a proxy resolves its chart filter with them).
    std::string api_key;
    std::string peer;
    std::string peer_ip;
    /// When it was added, in creation order: hosts are listed in it
    /// (localhost first), as 1.37.1 walks its host list.
    uint64_t sequence = 0;
  };
  daemon_context ctx;
  std::string own_guid;
  std::map<std::string, host_entry> hosts;
  uint64_t host_sequence = 0;
  /// Sender supervisors: localhost (a child) and proxied hosts.
  /// Per host GUID: one sender supervisor per destination group (the
  /// destination list, then each group of `parallel destinations`).
  std::map<std::string, std::vector<sender_supervisor_actor>> senders;
  /// Orphan hosts being removed (their files not yet closed): a child with
  /// such a GUID is told to come back later.
  std::set<std::string> removing;
  int64_t removed_orphans = 0;
  /// Registry ticks since the heap's free pages were last handed back.
  int ticks_since_trim = 0;
  int64_t last_accept_s = 0;
  int64_t accepted = 0;
  int64_t refused = 0;
  /// Handling time of every timed message (docs/console.md).
  handling_time timing{1};
  static inline const char* name = "registry";
};

/// A host actor and its host db.
struct spawned_host {
  host_actor host;
  host_db_actor db;
  /// The host db when its engine wants `maintain()` every second (dbengine,
  /// save, map, spool): the registry's tick asks for it, one burst for all
  /// hosts instead of a timer per host (a timer per host was ~5 % of a core
  /// with 5,000 ram children, for nothing). Null for ram, alloc, none.
  host_db_actor maintained_db;
  /// The host's engine and its lock (tests hold it to make a chart's stores
  /// go through the host db).
  std::shared_ptr<host_store> store;
};

/// Spawns the host actor (with its host db) for `info` with the settings the
/// configuration resolves for it. Used for localhost and streamed hosts.
spawned_host spawn_host(caf::local_actor* self, const host_info& info,
                        const std::string& api_key, const daemon_context& ctx);

/// The registry of hosts (machine GUID -> host). `localhost` is the node's
/// own host, listed first.
registry_actor::behavior_type
registry(registry_actor::stateful_pointer<registry_state> self,
         const host_info& localhost, const daemon_context& ctx);

} // namespace tributary
