#include "config/apply_common.hpp"
#include "config/known_keys.hpp"
#include "config/resolve.hpp"
#include "config/stream_keys.hpp"

#include <utility>

namespace tributary::config::detail {

namespace {

void apply_stream_section(const merged_section& s, settings& cfg,
                          std::vector<diagnostic>& out) {
  auto& st = cfg.stream;
  for (const auto& e : s.entries) {
    entry_ctx c{s.name, e, out};
    if (const auto* k = find_stream_key(e.key)) {
      k->set(c, st);
      continue;
    }
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
