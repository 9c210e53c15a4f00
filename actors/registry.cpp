#include "actors/registry.hpp"

#include "access/check.hpp"
#include "actors/host.hpp"
#include "actors/host_db.hpp"
#include "actors/sender.hpp"
#include "actors/status_gather.hpp"
#include "base/free_heap.hpp"
#include "config/rendezvous.hpp"
#include "config/resolve.hpp"
#include "protocol/handshake.hpp"
#include "storage/memory_mode.hpp"
#include "storage/spool_engine.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <optional>
#include <utility>

namespace tributary {

namespace {

/// Seconds between two hand-backs of the heap's free pages. (Every 10 s
/// with jemalloc only helped the first minute after a burst, and made RSS
/// jump with the purge's phase: test_parent_connection_churn_memory.)
constexpr int heap_trim_interval_s = 60;

} // namespace

spawned_host spawn_host(caf::local_actor* self, const host_info& info,
                        const std::string& api_key, const daemon_context& ctx) {
  auto& cfg = *ctx.settings;
  auto eff = config::resolve_receiver(cfg, api_key, info.machine_guid,
                                      info.update_every);
  auto mode = eff.memory_mode;
  storage::engine_options opts;
  opts.history = eff.history;
  // [db] dbengine page cache size MB, and the disk space: per child host
  // (`dbengine disk space MB`), localhost from the multihost budget.
  auto mb
      = [](int64_t x) { return static_cast<uint64_t>(x > 0 ? x : 0) << 20; };
  opts.page_cache_bytes = mb(cfg.global.dbengine_page_cache_size_mb);
  opts.disk_space_bytes[0]
      = mb(info.hops == 0 ? cfg.global.dbengine_multihost_disk_space_mb
                          : cfg.global.dbengine_disk_space_mb);
  opts.update_every
      = static_cast<int>(info.update_every > 0 ? info.update_every : 1);
  opts.directory = cfg.global.cache_dir + "/" + info.machine_guid;
  opts.host_guid = info.machine_guid;
  opts.host_name = info.hostname;
  auto engine = storage::make_engine(mode, opts);
  std::shared_ptr<storage::engine> db;
  // A host that streams upstream but keeps no history (or only a ring) gets
  // a spool beside its engine: what no parent has waits there
  // (docs/storage.md).
  bool upstream = api_key.empty()
                      ? cfg.stream.enabled && !cfg.stream.destination.empty()
                      : eff.proxy_enabled && !eff.proxy_destination.empty();
  bool ring = mode == memory_mode::none || mode == memory_mode::ram
              || mode == memory_mode::alloc;
  bool spooled = upstream && ring && cfg.stream.spool_disk_space_mb > 0;
  if (spooled) {
    storage::spool_options sp;
    sp.directory = opts.directory + "/spool";
    sp.size_limit_bytes = mb(cfg.stream.spool_disk_space_mb);
    sp.memory_tail_s = std::max<int64_t>(120, cfg.stream.timeout_seconds);
    db = std::make_shared<storage::spool_engine>(std::move(engine),
                                                 std::move(sp));
  } else {
    db = std::move(engine);
  }
  for (auto& d : db->diagnostics())
    TRIBUTARY_WARN(*ctx.log, "host-db " + log_text(info.hostname),
                   to_string(d));
  if (!db->recovery().empty())
    TRIBUTARY_INFO(*ctx.log, "host-db " + log_text(info.hostname),
                   "recovery: ", db->recovery());
  storage::chart_config chart_cfg;
  chart_cfg.mode = mode;
  // `none` computes no stored values; the spool needs them, without a ring's
  // reset after `history` silent slots.
  if (spooled && mode == memory_mode::none)
    chart_cfg.mode = memory_mode::dbengine;
  chart_cfg.history = eff.history;
  chart_cfg.update_every = opts.update_every;
  auto store = std::make_shared<host_store>(db);
  auto db_actor
      = self->spawn(host_db, store, ctx, opts.directory, info.hostname);
  // Health per docs/health.md "Health per child": [health] enabled, then the
  // key's and the GUID's `health enabled`; never without a database. localhost
  // (no API key) follows [health] enabled and is not postponed.
  host_health_settings health;
  health.enabled = eff.health_enabled != config::health_mode::no
                   && mode != memory_mode::none;
  if (api_key.empty())
    health.enabled = cfg.global.health_enabled && mode != memory_mode::none;
  else {
    health.postpone_on_connect_s = eff.postpone_alarms_on_connect_seconds;
    health.pause_while_disconnected
        = eff.health_enabled == config::health_mode::automatic;
  }
  spawned_host out;
  if (db->wants_maintenance())
    out.maintained_db = db_actor;
  out.db = db_actor;
  out.store = store;
  out.host = self->spawn(host, info, db_actor, std::move(store),
                         std::string{to_string(mode)}, chart_cfg, health, ctx);
  return out;
}

namespace {

/// Sender settings from `[stream]`, with the destination, key and chart
/// pattern given (a proxy takes them from the `proxy ...` keys), for the host
/// `hostname` (the key of `destination order = rendezvous`).
std::optional<sender_settings>
make_sender_settings(const daemon_context& ctx, const std::string& dests,
                     const std::string& api_key,
                     const config::simple_pattern& charts,
                     const std::string& hostname, const std::string& who) {
  auto& cfg = *ctx.settings;
  auto& log = *ctx.log;
  auto parsed = config::parse_destinations(dests);
  if (!parsed) {
    TRIBUTARY_ERROR(log, who, parsed.err().message);
    return std::nullopt;
  }
  // 1.37.1 turns TLS on for every destination once `:SSL` appears in
  // [stream] destination (config cut the list there).
  bool any_tls = false;
  for (auto& d : *parsed) {
    d.ssl = d.ssl || cfg.stream.force_ssl;
    any_tls = any_tls || d.ssl;
  }
  if (any_tls && !ctx.stream_tls) {
    // Never fall back to clear text where the operator asked for TLS.
    TRIBUTARY_ERROR(log, who,
                    "a destination asks for TLS (:SSL) but there is "
                    "no TLS client context; not streaming");
    return std::nullopt;
  }
  if (parsed->empty() || api_key.empty()) {
    TRIBUTARY_ERROR(log, who,
                    "cannot enable sending thread - information is missing.");
    return std::nullopt;
  }
  if (cfg.stream.destination_order_rendezvous)
    config::order_by_rendezvous(*parsed, hostname);
  sender_settings s;
  s.destinations = std::move(*parsed);
  s.default_port = std::to_string(cfg.stream.default_port);
  s.api_key = api_key;
  s.send_charts_matching = charts;
  s.timeout_seconds = cfg.stream.timeout_seconds;
  s.buffer_size_bytes = cfg.stream.buffer_size_bytes;
  s.reconnect_delay_seconds = cfg.stream.reconnect_delay_seconds;
  s.enable_compression = cfg.stream.enable_compression;
  s.initial_clock_resync_iterations
      = cfg.stream.initial_clock_resync_iterations;
  if (any_tls)
    s.tls = ctx.stream_tls;
  return s;
}

/// One sender supervisor of `host` per destination group: `dests` first,
/// then every group of `parallel` (each its own stream, buffer and
/// replication; a group that cannot stream is logged and left out).
std::vector<sender_supervisor_actor>
spawn_senders(registry_actor::stateful_pointer<registry_state> self,
              const daemon_context& ctx, host_actor host,
              const std::string& dests, const std::string& parallel,
              const std::string& api_key, const config::simple_pattern& charts,
              const std::string& hostname, const std::string& who) {
  std::vector<std::string> groups{dests};
  for (auto& g : config::split_destination_groups(parallel))
    groups.push_back(std::move(g));
  std::vector<sender_supervisor_actor> out;
  for (auto& g : groups)
    if (auto s = make_sender_settings(ctx, g, api_key, charts, hostname, who))
      out.push_back(self->spawn(sender_supervisor, host, hostname, *s, ctx));
  return out;
}

void stop_senders(registry_actor::stateful_pointer<registry_state> self,
                  const std::string& guid) {
  auto s = self->state.senders.find(guid);
  if (s == self->state.senders.end())
    return;
  for (auto& a : s->second)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  self->state.senders.erase(s);
}

void start_proxy(registry_actor::stateful_pointer<registry_state> self,
                 const stream_hello& hello, host_actor host) {
  auto& st = self->state;
  auto& guid = hello.host.machine_guid;
  if (st.senders.count(guid) > 0)
    return;
  auto eff = config::resolve_receiver(*st.ctx.settings, hello.api_key, guid,
                                      hello.host.update_every);
  if (!eff.proxy_enabled)
    return;
  auto who = "STREAM " + log_text(hello.host.hostname) + " [send]";
  auto senders
      = spawn_senders(self, st.ctx, std::move(host), eff.proxy_destination,
                      eff.proxy_parallel_destinations, eff.proxy_api_key,
                      eff.proxy_send_charts_matching, hello.host.hostname, who);
  if (!senders.empty())
    st.senders[guid] = std::move(senders);
}

/// Netdata's rrdhost_should_be_removed(): a streamed host (never localhost)
/// whose child has been gone longer than `cleanup orphan hosts after secs`.
/// Removed from the registry (so from the API) at once; its host actor
/// closes its database and deletes its files (`delete orphan hosts files`).
void remove_orphans(registry_actor::stateful_pointer<registry_state> self) {
  auto& st = self->state;
  auto& g = st.ctx.settings->global;
  auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  std::vector<std::string> orphans;
  for (auto& [guid, h] : st.hosts)
    if (guid != st.own_guid && !h.streaming && h.disconnected_s > 0
        && h.disconnected_s + g.cleanup_orphan_hosts_after_secs < now_s)
      orphans.push_back(guid);
  for (auto& guid : orphans) {
    auto i = st.hosts.find(guid);
    auto entry = std::move(i->second);
    st.hosts.erase(i);
    TRIBUTARY_INFO(*st.ctx.log, "SERVICE", "Host '", entry.hostname,
                   "' with machine guid '", guid,
                   "' is obsolete - cleaning up.");
    stop_senders(self, guid);
    ++st.removed_orphans;
    st.removing.insert(guid);
    self->request(entry.actor, caf::infinite, atom::close::value,
                  g.delete_orphan_hosts_files)
        .then([=](bool) { self->state.removing.erase(guid); },
              [=](caf::error&) { self->state.removing.erase(guid); });
  }
}

/// SIGHUP: new connections follow the reloaded settings; established
/// streams stay, and the ones the new rules would refuse are named.
void on_reload(registry_actor::stateful_pointer<registry_state> self,
               const reload_request& r) {
  auto& st = self->state;
  st.ctx.settings = r.settings;
  if (r.health)
    st.ctx.health_definitions = r.health;
  auto& cfg = *r.settings;
  for (auto& [guid, h] : st.hosts)
    self->send(h.actor, atom::reload::value, r);
  for (auto& [guid, group] : st.senders) {
    std::string pattern;
    if (guid == st.own_guid) {
      pattern = cfg.stream.send_charts_matching.source();
    } else {
      auto h = st.hosts.find(guid);
      if (h == st.hosts.end())
        continue;
      auto eff = config::resolve_receiver(cfg, h->second.api_key, guid);
      pattern = eff.proxy_send_charts_matching.source();
    }
    for (auto& s : group)
      caf::anon_send(s, atom::reload::value, pattern);
  }
  for (auto& [guid, h] : st.hosts) {
    if (!h.streaming || guid == st.own_guid)
      continue;
    auto v = config::check_access(cfg, h.api_key, guid, h.peer_ip);
    if (v == config::access_verdict::allowed)
      continue;
    TRIBUTARY_WARN(
        *st.ctx.log, "STREAM " + h.hostname + " [receive from " + h.peer + "]",
        "the reloaded configuration refuses this child (", config::to_string(v),
        "); its established stream stays connected, a new "
        "connection will be refused");
  }
}

actor_status own_status(registry_actor::stateful_pointer<registry_state> self) {
  auto& st = self->state;
  actor_status s;
  s.name = "registry";
  s.kind = "registry";
  s.counters = {{"hosts", static_cast<int64_t>(st.hosts.size())},
                {"accepted", st.accepted},
                {"refused", st.refused},
                {"removed_orphans", st.removed_orphans}};
  s.mailbox = static_cast<int64_t>(self->mailbox().size());
  return s;
}

/// The console's walk: the registry, each host with the registry's facts
/// about it and its health helpers, receivers and senders.
void walk_status(registry_actor::stateful_pointer<registry_state> self,
                 status_gather::finish_fn finish) {
  auto& st = self->state;
  auto own = own_status(self);
  report_handling(own, st.timing);
  own.id = self->id();
  auto registry_id = self->id();
  // A busy actor must not stall the console: answer without it.
  status_gather gather({std::move(own)}, std::chrono::seconds(2),
                       std::move(finish));
  auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  for (auto& [guid, h] : st.hosts) {
    actor_status facts;
    facts.labels = {{"peer", h.peer},
                    {"last_disconnect", h.last_disconnect},
                    {"direction", guid == st.own_guid ? "local"
                                  : h.streaming       ? "inbound"
                                                      : "disconnected"}};
    facts.counters
        = {{"connected_since", h.streaming ? h.connected_s : 0},
           {"disconnected_since", h.disconnected_s},
           {"last_data_age_s", h.last_data_s > 0 ? now_s - h.last_data_s : -1}};
    gather.ask(self, h.actor, registry_id, [facts](actor_status& s) {
      for (auto& l : facts.labels)
        s.labels.push_back(l);
      for (auto& c : facts.counters)
        s.counters.push_back(c);
    });
    auto host_id = h.actor->id();
    gather.hold();
    self->request(h.actor, std::chrono::seconds(2), atom::get::value,
                  atom::health::value)
        .then(
            [=](const std::vector<caf::actor>& helpers) {
              for (auto& a : helpers)
                gather.ask(self, a, host_id);
              gather.release();
            },
            [=](caf::error&) { gather.release(); });
    if (h.receiver)
      gather.ask(self, caf::actor_cast<caf::actor>(h.receiver), host_id);
  }
  for (auto& [guid, group] : st.senders) {
    auto h = st.hosts.find(guid);
    for (auto& s : group)
      gather.ask(self, caf::actor_cast<caf::actor>(s),
                 h != st.hosts.end() ? h->second.actor->id() : registry_id);
  }
  gather.close();
}

} // namespace

registry_actor::behavior_type
registry(registry_actor::stateful_pointer<registry_state> self,
         const host_info& localhost, const daemon_context& ctx) {
  auto& st = self->state;
  st.ctx = ctx;
  st.own_guid = localhost.machine_guid;
  // The registry is not in ctx yet when it spawns localhost.
  auto local_ctx = ctx;
  local_ctx.registry = self;
  auto spawned = spawn_host(self, localhost, "", local_ctx);
  auto local = spawned.host;
  // localhost is always reachable (Netdata's /api/v1/info says so).
  self->send(local, atom::stream::value, true, false);
  auto& entry = st.hosts[localhost.machine_guid];
  entry.actor = local;
  entry.maintained_db = spawned.maintained_db;
  entry.hostname = localhost.hostname;
  entry.streaming = true;
  entry.connected_s = static_cast<int64_t>(ctx.now_usec() / 1000000);
  // A child: localhost streams upstream when [stream] enabled = yes.
  if (auto& stream = ctx.settings->stream; stream.enabled) {
    auto senders
        = spawn_senders(self, local_ctx, local, stream.destination,
                        stream.parallel_destinations, stream.api_key,
                        stream.send_charts_matching, localhost.hostname,
                        "STREAM " + localhost.hostname);
    if (!senders.empty())
      st.senders[localhost.machine_guid] = std::move(senders);
  }
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [guid, group] : self->state.senders)
      for (auto& s : group)
        self->send_exit(s, msg.reason);
    for (auto& [guid, h] : self->state.hosts)
      self->send_exit(h.actor, msg.reason);
    self->quit(msg.reason);
  });
  self->delayed_send(self, std::chrono::seconds(1), atom::timeout::value);
  return {
      [=](atom::timeout) {
        timed_handler timed{self->state.timing};
        remove_orphans(self);
        for (auto& [guid, h] : self->state.hosts)
          if (h.maintained_db)
            self->send(h.maintained_db, atom::timeout::value);
        // Replication bursts free tens of MB that glibc keeps otherwise
        // (BENCHMARKS.md, "Issue 10, the memory part").
        if (++self->state.ticks_since_trim >= heap_trim_interval_s) {
          self->state.ticks_since_trim = 0;
          return_free_heap();
        }
        self->delayed_send(self, std::chrono::seconds(1), atom::timeout::value);
      },
      [=](atom::stream,
          stream_hello& hello) -> caf::result<access_decision, host_actor> {
        timed_handler timed{self->state.timing};
        auto& st = self->state;
        auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
        access_facts facts;
        facts.own_guid = st.own_guid;
        facts.now_s = now_s;
        facts.last_accept_s = st.last_accept_s;
        auto i = st.hosts.find(hello.host.machine_guid);
        if (i != st.hosts.end() && i->second.streaming) {
          facts.already_streaming = true;
          facts.existing_idle_s = now_s - i->second.last_data_s;
        }
        auto out = decide_access(*st.ctx.settings, hello, facts);
        st.last_accept_s = facts.last_accept_s;
        auto who
            = "STREAM [receive from "
              + peer_name(hello.peer_ip, static_cast<uint16_t>(hello.peer_port))
              + "]";
        if (out.accepted && st.removing.count(hello.host.machine_guid) > 0) {
          // Its old files are still being deleted: the child retries later.
          out.accepted = false;
          out.kind = protocol::reply_kind::busy;
          out.access_status = {};
          out.log_line = "host '" + hello.host.hostname + "' ("
                         + hello.host.machine_guid
                         + ") is being cleaned up as an orphan; try later.";
        }
        if (!out.log_line.empty()) {
          if (out.accepted)
            TRIBUTARY_INFO(*st.ctx.log, who, out.log_line);
          else
            TRIBUTARY_ERROR(*st.ctx.log, who, out.log_line);
        }
        if (!out.access_status.empty())
          TRIBUTARY_INFO(*st.ctx.log, "STREAM",
                         "'" + hello.peer_ip + "' '" + out.access_status
                             + "' host '" + log_text(hello.host.hostname)
                             + "' api key '" + log_text(hello.api_key)
                             + "' machine guid '"
                             + log_text(hello.host.machine_guid) + "'");
        access_decision d;
        d.accepted = out.accepted;
        d.capabilities = out.capabilities;
        d.compression = out.compression;
        if (!out.accepted) {
          ++st.refused;
          d.reply = protocol::build_reply(out.kind);
          return {d, host_actor{}};
        }
        ++st.accepted;
        d.reply = protocol::build_ok_reply(out.capabilities);
        if (i == st.hosts.end()) {
          auto h = spawn_host(self, hello.host, hello.api_key, st.ctx);
          i = st.hosts
                  .emplace(hello.host.machine_guid,
                           registry_state::host_entry{})
                  .first;
          i->second.actor = h.host;
          i->second.maintained_db = h.maintained_db;
          i->second.sequence = ++st.host_sequence;
        } else {
          self->send(i->second.actor, atom::info::value, hello.host);
        }
        if (out.replace_existing && i->second.receiver)
          self->send_exit(i->second.receiver, caf::exit_reason::user_shutdown);
        i->second.hostname = hello.host.hostname;
        i->second.api_key = hello.api_key;
        i->second.peer
            = peer_name(hello.peer_ip, static_cast<uint16_t>(hello.peer_port));
        i->second.peer_ip = hello.peer_ip;
        i->second.streaming = true;
        i->second.last_data_s = now_s;
        i->second.connected_s = now_s;
        i->second.disconnected_s = 0;
        i->second.receiver = nullptr;
        start_proxy(self, hello, i->second.actor);
        return {d, i->second.actor};
      },
      [=](atom::reload, const reload_request& r) { on_reload(self, r); },
      [=](atom::takeover, const std::string& guid, receiver_actor receiver) {
        auto i = self->state.hosts.find(guid);
        if (i != self->state.hosts.end())
          i->second.receiver = std::move(receiver);
      },
      [=](atom::data, const std::string& guid, int64_t now_s) {
        auto i = self->state.hosts.find(guid);
        if (i != self->state.hosts.end())
          i->second.last_data_s = now_s;
      },
      [=](atom::detach, const std::string& guid, const receiver_actor& receiver,
          const std::string& why) {
        auto i = self->state.hosts.find(guid);
        // A replaced receiver's late detach must not detach its successor.
        if (i != self->state.hosts.end() && guid != self->state.own_guid
            && (!i->second.receiver || i->second.receiver == receiver)) {
          bool attached = i->second.receiver == receiver;
          i->second.streaming = false;
          i->second.receiver = nullptr;
          // A proxy stops streaming a child upstream when the child leaves, as
          // Netdata stops a host's sender when its receiver goes: the parent
          // sees it go, and a child that comes back gets a fresh sender.
          if (attached)
            stop_senders(self, guid);
          i->second.disconnected_s
              = static_cast<int64_t>(self->state.ctx.now_usec() / 1000000);
          i->second.last_disconnect = why.empty() ? "closed by the child" : why;
        }
      },
      [=](atom::get, atom::hosts) -> caf::result<std::vector<host_summary>> {
        auto& st = self->state;
        auto rp = self->make_response_promise<std::vector<host_summary>>();
        auto out = std::make_shared<std::vector<host_summary>>(st.hosts.size());
        auto pending = std::make_shared<size_t>(st.hosts.size());
        // localhost first, the others in the order they were added (1.37.1
        // appends a new host to its list).
        std::vector<const registry_state::host_entry*> order;
        for (auto& [guid, h] : st.hosts)
          if (guid != st.own_guid)
            order.push_back(&h);
        std::sort(order.begin(), order.end(),
                  [](auto* a, auto* b) { return a->sequence < b->sequence; });
        if (auto own = st.hosts.find(st.own_guid); own != st.hosts.end())
          order.insert(order.begin(), &own->second);
        for (size_t index = 0; index < order.size(); ++index) {
          auto& h = *order[index];
          self->request(h.actor, caf::infinite, atom::get::value,
                        atom::info::value)
              .then(
                  [=](const host_summary& s) mutable {
                    (*out)[index] = s;
                    if (--*pending == 0)
                      rp.deliver(std::move(*out));
                  },
                  [=](caf::error&) mutable {
                    if (--*pending == 0)
                      rp.deliver(std::move(*out));
                  });
        }
        return rp;
      },
      [=](atom::get, const std::string& name) -> caf::result<host_actor> {
        auto& st = self->state;
        if (auto i = st.hosts.find(name); i != st.hosts.end())
          return i->second.actor;
        for (auto& [guid, h] : st.hosts)
          if (h.hostname == name)
            return h.actor;
        return caf::make_error(ec::not_found, "host " + name);
      },
      [=](atom::get, atom::status) -> caf::result<std::vector<actor_status>> {
        auto rp = self->make_response_promise<std::vector<actor_status>>();
        walk_status(self, status_gather::deliver_to(rp));
        return rp;
      },
      [=](atom::status) { return own_status(self); },
  };
}

} // namespace tributary
