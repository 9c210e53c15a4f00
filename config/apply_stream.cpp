#include "config/apply_common.hpp"
#include "config/known_keys.hpp"
#include "config/resolve.hpp"

#include <utility>

namespace tributary::config::detail {

namespace {

// -- [stream]
// -------------------------------------------------------------------

using stream_setter = void (*)(entry_ctx&, stream_settings&);

struct stream_key {
  std::string_view key;
  stream_setter set;
};

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

enum role_mask : unsigned { as_api = 1, as_machine = 2, as_both = 3 };

using receiver_setter = bool (*)(entry_ctx&, receiver_settings&);

struct receiver_key {
  std::string_view key;
  unsigned roles;
  receiver_field field;
  receiver_setter set;
  /// The name of the same setting at the other level, if any.
  std::string_view other_name = {};
};

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

std::vector<std::string_view> all_stream_keys() {
  std::vector<std::string_view> result;
  for (const auto& x : stream_keys)
    result.push_back(x.key);
  return result;
}

void apply_stream_section(const merged_section& s, settings& cfg,
                          std::vector<diagnostic>& out) {
  auto& st = cfg.stream;
  for (const auto& e : s.entries) {
    entry_ctx c{s.name, e, out};
    bool found = false;
    for (const auto& k : stream_keys) {
      if (k.key == e.key) {
        k.set(c, st);
        found = true;
        break;
      }
    }
    if (found)
      continue;
    if (find_receiver_key(e.key) != nullptr) {
      c.warning("only read in [API_KEY] and [MACHINE_GUID] sections; ignored");
      continue;
    }
    if (auto since = ignored_stream_key("stream", e.key)) {
      c.note(not_used_note(*since));
      continue;
    }
    auto hint = did_you_mean(e.key, all_stream_keys());
    c.warning(hint.empty() ? "unknown key; ignored"
                           : "unknown key; did you mean `" + hint + "`?");
  }
  // 1.37.1 (rrdpush_init) cuts the destination at the first `:SSL` and then
  // forces TLS for all streaming (docs/protocol.md "Transport and
  // destinations").
  auto ssl = st.destination.find(":SSL");
  if (ssl != std::string::npos) {
    auto rest = st.destination.substr(ssl + 4);
    st.destination.resize(ssl);
    st.force_ssl = true;
    if (rest.find_first_not_of(" \t,") != std::string::npos) {
      const auto* e = s.find("destination");
      report(out, e->file, e->line, diagnostic::note,
             "[stream] destination: Netdata 1.37.1 ignores everything after "
             "the first `:SSL` (`"
                 + rest + "`)");
    }
  }
  // rrdpush_init: sending needs both a destination and an API key.
  if (st.enabled && (st.destination.empty() || st.api_key.empty())) {
    st.enabled = false;
    const auto* e = s.find("enabled");
    report(out, e ? e->file : s.file, e ? e->line : s.line, diagnostic::error,
           "[stream] enabled: streaming needs `destination` and `api key`; "
           "Netdata would not stream");
  }
}

void apply_receiver(const merged_section& s, settings& cfg, unsigned roles,
                    unsigned applied_as, std::string_view implied_type,
                    std::vector<diagnostic>& out) {
  auto r = receiver_defaults(cfg);
  r.name = s.name;
  r.file = s.file;
  r.line = s.line;
  if (applied_as == as_machine)
    r.enabled = defaults::machine_guid_enabled;
  if (!implied_type.empty()) {
    r.type = std::string{implied_type};
    r.mark_set(receiver_field::type);
  }
  for (const auto& e : s.entries) {
    entry_ctx c{s.name, e, out};
    const auto* k = find_receiver_key(e.key);
    if (k == nullptr) {
      if (e.key == "replication_step") {
        c.warning("not read by Netdata (a typo of the stock stream.conf "
                  "comment); use `seconds per replication step`");
        continue;
      }
      if (auto since = ignored_stream_key("receiver", e.key)) {
        c.note(not_used_note(*since));
        continue;
      }
      auto hint = did_you_mean(e.key, all_receiver_keys());
      c.warning(hint.empty() ? "unknown key; ignored"
                             : "unknown key; did you mean `" + hint + "`?");
      continue;
    }
    if ((k->roles & applied_as) == 0) {
      // Only complain when the section can only be read one way.
      if (roles != as_both) {
        std::string msg = applied_as == as_api
                              ? "only read in a machine GUID section "
                                "(type = machine)"
                              : "only read in an API key section (type = api)";
        if (!k->other_name.empty())
          msg += "; here use `" + std::string{k->other_name} + "`";
        c.warning(msg);
      }
      continue;
    }
    if (k->field == receiver_field::type && !implied_type.empty()) {
      if (e.value != implied_type)
        c.error("`" + e.value + "` contradicts the YAML map it is in (type "
                + std::string{implied_type} + ")");
      continue;
    }
    if (k->set(c, r)) {
      r.mark_set(k->field);
      if (k->field == receiver_field::history
          && r.history < defaults::min_history)
        c.note("Netdata raises history to at least "
               + std::to_string(defaults::min_history));
    }
  }
  if (applied_as == as_api)
    cfg.api_keys.insert_or_assign(s.name, std::move(r));
  else
    cfg.machine_guids.insert_or_assign(s.name, std::move(r));
}

} // namespace

void apply_stream(const std::vector<raw_section>& sections, settings& cfg,
                  std::vector<diagnostic>& out) {
  auto merged = merge_sections(sections, out);
  // [stream] first: the receivers inherit from it.
  for (const auto& s : merged)
    if (s.name == "stream" && s.role == section_role::by_type)
      apply_stream_section(s, cfg, out);
  for (const auto& s : merged) {
    if (s.name == "stream" && s.role == section_role::by_type)
      continue;
    if (!is_uuid(s.name)) {
      auto hint = did_you_mean(s.name, {"stream"});
      if (!hint.empty())
        report(out, s.file, s.line, diagnostic::warning,
               "unknown section [" + s.name + "]; did you mean [stream]?");
      else
        report(out, s.file, s.line, diagnostic::note,
               "[" + s.name
                   + "] is not a UUID, so no API key or machine GUID can "
                     "match it");
    }
    if (s.role == section_role::api) {
      apply_receiver(s, cfg, as_api, as_api, defaults::api_key_type, out);
      continue;
    }
    if (s.role == section_role::machine) {
      apply_receiver(s, cfg, as_machine, as_machine,
                     defaults::machine_guid_type, out);
      continue;
    }
    unsigned roles = as_both;
    if (const auto* t = s.find("type")) {
      if (t->value == defaults::api_key_type) {
        roles = as_api;
      } else if (t->value == defaults::machine_guid_type) {
        roles = as_machine;
      } else {
        report(out, t->file, t->line, diagnostic::error,
               "[" + s.name + "] type: `" + t->value
                   + "` is neither api nor machine; Netdata refuses this "
                     "section both as API key and as machine GUID");
      }
    }
    if (roles & as_api)
      apply_receiver(s, cfg, roles, as_api, {}, out);
    if (roles & as_machine)
      apply_receiver(s, cfg, roles, as_machine, {}, out);
  }
}

} // namespace tributary::config::detail
