#include "config/stream_keys.hpp"

namespace tributary::config::detail {

namespace {

// -- [stream]
// -------------------------------------------------------------------

const stream_key stream_keys[] = {
    {"enabled", [](entry_ctx& c, stream_settings& s) { c.boolean(s.enabled); }},
    {"destination",
     [](entry_ctx& c, stream_settings& s) { c.text(s.destination); }},
    {"api key", [](entry_ctx& c, stream_settings& s) { c.text(s.api_key); }},
    {"send charts matching",
     [](entry_ctx& c, stream_settings& s) {
       c.pattern(s.send_charts_matching);
     }},
    {"enable compression",
     [](entry_ctx& c, stream_settings& s) { c.boolean(s.enable_compression); }},
    {"timeout seconds",
     [](entry_ctx& c, stream_settings& s) { c.number(s.timeout_seconds, 0); }},
    {"default port",
     [](entry_ctx& c, stream_settings& s) {
       c.number(s.default_port, 1, 65535);
     }},
    {"buffer size bytes",
     [](entry_ctx& c, stream_settings& s) {
       c.number(s.buffer_size_bytes, 1);
     }},
    {"spool disk space MB",
     [](entry_ctx& c, stream_settings& s) {
       c.number(s.spool_disk_space_mb, 0);
     }},
    {"reconnect delay seconds",
     [](entry_ctx& c, stream_settings& s) {
       c.number(s.reconnect_delay_seconds, 0);
     }},
    {"initial clock resync iterations",
     [](entry_ctx& c, stream_settings& s) {
       c.number(s.initial_clock_resync_iterations, 0);
     }},
    {"ssl skip certificate verification",
     [](entry_ctx& c, stream_settings& s) {
       c.boolean(s.ssl_skip_certificate_verification);
     }},
    {"CApath", [](entry_ctx& c, stream_settings& s) { c.text(s.ca_path); }},
    {"CAfile", [](entry_ctx& c, stream_settings& s) { c.text(s.ca_file); }},
    {"destination order",
     [](entry_ctx& c, stream_settings& s) {
       const auto& v = c.entry().value;
       if (v == "listed" || v == "rendezvous")
         s.destination_order_rendezvous = v == "rendezvous";
       else
         c.error("`" + v + "` is not a destination order (listed, rendezvous)");
     }},
    {"parallel destinations",
     [](entry_ctx& c, stream_settings& s) { c.text(s.parallel_destinations); }},
};

// -- [API_KEY] / [MACHINE_GUID]
// -------------------------------------------------------

const receiver_key receiver_keys[] = {
    {"type", as_both, receiver_field::type,
     [](entry_ctx& c, receiver_settings& r) { return c.text(r.type); }},
    {"enabled", as_both, receiver_field::enabled,
     [](entry_ctx& c, receiver_settings& r) { return c.boolean(r.enabled); }},
    {"allow from", as_both, receiver_field::allow_from,
     [](entry_ctx& c, receiver_settings& r) {
       return c.pattern(r.allow_from);
     }},
    {"enable compression", as_both, receiver_field::enable_compression,
     [](entry_ctx& c, receiver_settings& r) {
       return c.boolean(r.enable_compression);
     }},
    {"enable replication", as_both, receiver_field::enable_replication,
     [](entry_ctx& c, receiver_settings& r) {
       return c.boolean(r.enable_replication);
     }},
    {"seconds to replicate", as_both, receiver_field::seconds_to_replicate,
     [](entry_ctx& c, receiver_settings& r) {
       return c.number(r.seconds_to_replicate, 0);
     }},
    {"seconds per replication step", as_both,
     receiver_field::seconds_per_replication_step,
     [](entry_ctx& c, receiver_settings& r) {
       return c.number(r.seconds_per_replication_step, 1);
     }},
    // API key names.
    {"default history", as_api, receiver_field::history,
     [](entry_ctx& c, receiver_settings& r) { return c.number(r.history, 0); },
     "history"},
    {"default memory mode", as_api, receiver_field::memory_mode,
     [](entry_ctx& c, receiver_settings& r) { return c.mode(r.memory_mode); },
     "memory mode"},
    {"health enabled by default", as_api, receiver_field::health_enabled,
     [](entry_ctx& c, receiver_settings& r) {
       return c.health(r.health_enabled);
     },
     "health enabled"},
    {"default postpone alarms on connect seconds", as_api,
     receiver_field::postpone_alarms_on_connect_seconds,
     [](entry_ctx& c, receiver_settings& r) {
       return c.number(r.postpone_alarms_on_connect_seconds, 0);
     },
     "postpone alarms on connect seconds"},
    {"default proxy enabled", as_api, receiver_field::proxy_enabled,
     [](entry_ctx& c, receiver_settings& r) {
       return c.boolean(r.proxy_enabled);
     },
     "proxy enabled"},
    {"default proxy destination", as_api, receiver_field::proxy_destination,
     [](entry_ctx& c, receiver_settings& r) {
       return c.text(r.proxy_destination);
     },
     "proxy destination"},
    {"default proxy parallel destinations", as_api,
     receiver_field::proxy_parallel_destinations,
     [](entry_ctx& c, receiver_settings& r) {
       return c.text(r.proxy_parallel_destinations);
     },
     "proxy parallel destinations"},
    {"default proxy api key", as_api, receiver_field::proxy_api_key,
     [](entry_ctx& c, receiver_settings& r) { return c.text(r.proxy_api_key); },
     "proxy api key"},
    {"default proxy send charts matching", as_api,
     receiver_field::proxy_send_charts_matching,
     [](entry_ctx& c, receiver_settings& r) {
       return c.pattern(r.proxy_send_charts_matching);
     },
     "proxy send charts matching"},
    // Machine GUID names.
    {"update every", as_machine, receiver_field::update_every,
     [](entry_ctx& c, receiver_settings& r) {
       int64_t v = 0;
       if (!c.number(v, 1, 86400))
         return false;
       r.update_every = v;
       return true;
     }},
    {"history", as_machine, receiver_field::history,
     [](entry_ctx& c, receiver_settings& r) { return c.number(r.history, 0); },
     "default history"},
    {"memory mode", as_machine, receiver_field::memory_mode,
     [](entry_ctx& c, receiver_settings& r) { return c.mode(r.memory_mode); },
     "default memory mode"},
    {"health enabled", as_machine, receiver_field::health_enabled,
     [](entry_ctx& c, receiver_settings& r) {
       return c.health(r.health_enabled);
     },
     "health enabled by default"},
    {"postpone alarms on connect seconds", as_machine,
     receiver_field::postpone_alarms_on_connect_seconds,
     [](entry_ctx& c, receiver_settings& r) {
       return c.number(r.postpone_alarms_on_connect_seconds, 0);
     },
     "default postpone alarms on connect seconds"},
    {"proxy enabled", as_machine, receiver_field::proxy_enabled,
     [](entry_ctx& c, receiver_settings& r) {
       return c.boolean(r.proxy_enabled);
     },
     "default proxy enabled"},
    {"proxy destination", as_machine, receiver_field::proxy_destination,
     [](entry_ctx& c, receiver_settings& r) {
       return c.text(r.proxy_destination);
     },
     "default proxy destination"},
    {"proxy parallel destinations", as_machine,
     receiver_field::proxy_parallel_destinations,
     [](entry_ctx& c, receiver_settings& r) {
       return c.text(r.proxy_parallel_destinations);
     },
     "default proxy parallel destinations"},
    {"proxy api key", as_machine, receiver_field::proxy_api_key,
     [](entry_ctx& c, receiver_settings& r) { return c.text(r.proxy_api_key); },
     "default proxy api key"},
    {"proxy send charts matching", as_machine,
     receiver_field::proxy_send_charts_matching,
     [](entry_ctx& c, receiver_settings& r) {
       return c.pattern(r.proxy_send_charts_matching);
     },
     "default proxy send charts matching"},
    {"host tags", as_machine, receiver_field::host_tags,
     [](entry_ctx& c, receiver_settings& r) { return c.text(r.host_tags); }},
};

} // namespace

const receiver_key* find_receiver_key(std::string_view key) {
  for (const auto& x : receiver_keys)
    if (x.key == key)
      return &x;
  return nullptr;
}

std::vector<std::string_view> all_receiver_keys() {
  std::vector<std::string_view> result;
  for (const auto& x : receiver_keys)
    result.push_back(x.key);
  return result;
}

const stream_key* find_stream_key(std::string_view key) {
  for (const auto& x : stream_keys)
    if (x.key == key)
      return &x;
  return nullptr;
}

std::vector<std::string_view> all_stream_keys() {
  std::vector<std::string_view> result;
  for (const auto& x : stream_keys)
    result.push_back(x.key);
  return result;
}

} // namespace tributary::config::detail
