#pragma once

// CAF 0.17 inspect overloads for the payloads that travel between actors.
// The plain structs live in the lower layers (model/payloads.hpp,
// access/check.hpp, protocol/), which know nothing of CAF; ADL finds these
// overloads, all in namespace tributary. The inspect templates only need
// caf/meta/type_name.hpp.

#include "access/check.hpp"
#include "model/payloads.hpp"
#include "protocol/chart_def.hpp"
#include "protocol/commands.hpp"
#include "protocol/host_info.hpp"

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>
#include <memory>

namespace tributary::storage {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sample& x) {
  return f(caf::meta::type_name("sample"), x.time_s, x.value, x.flags);
}

} // namespace tributary::storage

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

/// Local messages only share the pointer; a serializer sees a copy of the
/// definition and a deserializer makes a new one.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shared_chart_def& x) {
  auto def = x.def ? std::make_shared<chart_def>(*x.def)
                   : std::make_shared<chart_def>();
  auto keep = [&]() -> caf::error {
    x.def = std::move(def);
    return caf::none;
  };
  return f(caf::meta::type_name("shared_chart_def"), *def,
           caf::meta::load_callback(keep));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chart_row& x) {
  return f(caf::meta::type_name("chart_row"), x.chart_id, x.microseconds,
           x.now_usec, x.values, x.is_set);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, row_batch& x) {
  return f(caf::meta::type_name("row_batch"), x.rows);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replay_times& x) {
  return f(caf::meta::type_name("replay_times"), x.start_s, x.end_s,
           x.child_now_s, x.now_usec);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replay_state& x) {
  return f(caf::meta::type_name("replay_state"), x.now_usec, x.dim_state,
           x.dim_last_collected_usec, x.dim_last_collected,
           x.dim_last_calculated, x.dim_last_stored, x.chart_state,
           x.last_collected_usec, x.last_updated_usec, x.end, x.start_streaming,
           x.update_every);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replay_batch& x) {
  return f(caf::meta::type_name("replay_batch"), x.chart_id, x.width, x.times,
           x.values, x.flags, x.is_set, x.has_state, x.state);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_row& x) {
  return f(caf::meta::type_name("stored_row"), x.chart, x.points);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_points& x) {
  return f(caf::meta::type_name("stored_points"), x.chart, x.width, x.times,
           x.values, x.flags);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_info& x) {
  return f(caf::meta::type_name("host_info"), x.machine_guid, x.hostname,
           x.registry_hostname, x.os, x.timezone, x.abbrev_timezone,
           x.utc_offset, x.update_every, x.hops, x.tags, x.program_name,
           x.program_version, x.system_info, x.labels);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_query& x) {
  return f(caf::meta::type_name("data_query"), x.chart, x.after, x.before,
           x.points, x.group, x.all_dimensions, x.aligned, x.gtime, x.tier);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_result& x) {
  return f(caf::meta::type_name("data_result"), x.chart_id, x.chart_name,
           x.update_every, x.first_entry, x.last_entry, x.after, x.before,
           x.dimension_ids, x.dimension_names, x.times, x.values, x.hidden);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chart_summary& x) {
  return f(caf::meta::type_name("chart_summary"), x.def, x.first_entry,
           x.last_entry);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chart_collected& x) {
  return f(caf::meta::type_name("chart_collected"), x.values, x.time_usec,
           x.collections);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, storage_status& x) {
  return f(caf::meta::type_name("storage_status"), x.status, x.last_error,
           x.failed_writes, x.dropped_points, x.pending_points, x.disk_bytes,
           x.journal_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_summary& x) {
  return f(caf::meta::type_name("host_summary"), x.info, x.reachable,
           x.stream_compression, x.has_sender, x.sender_compression, x.charts,
           x.dimensions, x.memory_mode, x.storage, x.history);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_status& x) {
  return f(caf::meta::type_name("actor_status"), x.name, x.kind, x.counters,
           x.mailbox, x.restarts, x.labels, x.id, x.parent, x.handling_p50_us,
           x.handling_p99_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_hello& x) {
  return f(caf::meta::type_name("stream_hello"), x.host, x.api_key, x.ver,
           x.has_ver, x.peer_ip, x.peer_port);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, access_decision& x) {
  return f(caf::meta::type_name("access_decision"), x.accepted, x.reply,
           x.capabilities, x.compression);
}

} // namespace tributary
