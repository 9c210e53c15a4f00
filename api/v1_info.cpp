// /api/v1/info, charts, chart, registry hello and actors as JSON.

#include "api/json_writer.hpp"
#include "api/text_fix.hpp"
#include "api/v1.hpp"
#include "model/payloads.hpp"

#include <unordered_map>

namespace tributary::api {

namespace {

std::string value_of(const std::vector<std::pair<std::string, std::string>>& kv,
                     std::string_view key) {
  for (auto& [k, v] : kv)
    if (k == key)
      return v;
  return {};
}

/// A JSON object keeps one member per key: the last value, at the place of
/// the first (as nlohmann::ordered_json kept it). Returns, in order, each
/// key's (first index, last index).
template <class V>
std::vector<std::pair<size_t, size_t>>
unique_keys(const std::vector<std::pair<std::string, V>>& pairs) {
  std::vector<std::pair<size_t, size_t>> out;
  out.reserve(pairs.size());
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto [it, fresh] = seen.emplace(pairs[i].first, out.size());
    if (fresh)
      out.emplace_back(i, i);
    else
      out[it->second].second = i;
  }
  return out;
}

void write_unique_members(
    json_writer& w,
    const std::vector<std::pair<std::string, std::string>>& kv) {
  for (auto [first, last] : unique_keys(kv))
    w.member(kv[first].first, kv[last].second);
}

/// The host's storage health (tributary's own key; Netdata has none).
void write_storage(json_writer& w, const storage_status& x) {
  if (x.status.empty()) {
    w.null();
    return;
  }
  w.begin_object()
      .member("status", x.status)
      .member("last_error", x.last_error)
      .member("failed_writes", x.failed_writes)
      .member("dropped_points", x.dropped_points)
      .member("pending_points", x.pending_points)
      .member("disk_bytes", x.disk_bytes)
      .member("journal_bytes", x.journal_bytes)
      .end_object();
}

} // namespace

std::string render_info(const std::vector<host_summary>& hosts, bool lz4_build,
                        bool https, const std::string& alarm_totals,
                        bool stream_enabled, std::string_view own_version) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("version", "v1.37.1");
  w.member("tributary-version", own_version);
  w.member("uid",
           hosts.empty() ? std::string{} : hosts.front().info.machine_guid);
  w.key("mirrored_hosts").begin_array();
  for (auto& h : hosts)
    w.value(h.info.hostname);
  w.end_array();
  w.key("mirrored_hosts_status").begin_array();
  for (auto& h : hosts) {
    w.begin_object();
    w.member("guid", h.info.machine_guid);
    w.member("hostname", h.info.hostname);
    w.member("reachable", h.reachable);
    w.member("hops", h.info.hops);
    w.key("claim_id").null();
    w.key("node_id").null();
    w.key("storage");
    write_storage(w, h.storage);
    w.end_object();
  }
  w.end_array();
  w.key("alarms");
  if (alarm_totals.empty())
    w.begin_object()
        .member("normal", 0)
        .member("warning", 0)
        .member("critical", 0)
        .end_object();
  else
    w.raw(alarm_totals); // rendered by the health actor's own writer
  const auto* self = hosts.empty() ? nullptr : &hosts.front();
  auto sys = [&](const char* key) {
    return self ? value_of(self->info.system_info, key) : std::string{};
  };
  // A parent renames a child's NETDATA_SYSTEM_OS_* to NETDATA_HOST_OS_*.
  auto os = [&](const std::string& what) {
    auto v = sys(("NETDATA_HOST_OS_" + what).c_str());
    return v.empty() ? sys(("NETDATA_SYSTEM_OS_" + what).c_str()) : v;
  };
  w.member("os_name", os("NAME"));
  w.member("os_id", os("ID"));
  w.member("os_id_like", os("ID_LIKE"));
  w.member("os_version", os("VERSION"));
  w.member("os_version_id", os("VERSION_ID"));
  w.member("os_detection", os("DETECTION"));
  w.member("cores_total", sys("NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT"));
  w.member("total_disk_space", sys("NETDATA_SYSTEM_TOTAL_DISK_SIZE"));
  w.member("cpu_freq", sys("NETDATA_SYSTEM_CPU_FREQ"));
  w.member("ram_total", sys("NETDATA_SYSTEM_TOTAL_RAM"));
  auto box = sys("NETDATA_SYSTEM_CONTAINER");
  if (!box.empty() && box != "none") {
    w.member("container_os_name", sys("NETDATA_CONTAINER_OS_NAME"));
    w.member("container_os_id", sys("NETDATA_CONTAINER_OS_ID"));
    w.member("container_os_id_like", sys("NETDATA_CONTAINER_OS_ID_LIKE"));
    w.member("container_os_version", sys("NETDATA_CONTAINER_OS_VERSION"));
    w.member("container_os_version_id", sys("NETDATA_CONTAINER_OS_VERSION_ID"));
    w.member("container_os_detection", sys("NETDATA_CONTAINER_OS_DETECTION"));
    w.member("is_k8s_node", sys("NETDATA_HOST_IS_K8S_NODE"));
  }
  w.member("kernel_name", sys("NETDATA_SYSTEM_KERNEL_NAME"));
  w.member("kernel_version", sys("NETDATA_SYSTEM_KERNEL_VERSION"));
  w.member("architecture", sys("NETDATA_SYSTEM_ARCHITECTURE"));
  w.member("virtualization", sys("NETDATA_SYSTEM_VIRTUALIZATION"));
  w.member("virt_detection", sys("NETDATA_SYSTEM_VIRT_DETECTION"));
  w.member("container", box);
  w.member("container_detection", sys("NETDATA_SYSTEM_CONTAINER_DETECTION"));
  w.key("host_labels").begin_object();
  if (self)
    write_unique_members(w, self->info.labels);
  w.end_object();
  w.key("functions").begin_object().end_object();
  w.key("collectors").begin_array().end_array();
  w.member("memory-mode", self ? self->memory_mode : std::string{});
  w.key("storage");
  if (self)
    write_storage(w, self->storage);
  else
    w.null();
  w.member("stream-enabled", stream_enabled);
  // As 1.37.1: null without a sender, else whether that sender compresses.
  w.key("stream-compression");
  if (self && self->has_sender)
    w.value(self->sender_compression);
  else
    w.null();
  w.member("hosts-available", static_cast<int64_t>(hosts.size()));
  w.member("https-enabled", https);
  std::string build = "dbengine";
  if (lz4_build)
    build += "|Stream Compression";
  build += "|tributary";
  w.member("buildinfo", build);
  w.member("web-enabled", true);
  int64_t charts = 0;
  int64_t dims = 0;
  for (auto& h : hosts) {
    charts += h.charts;
    dims += h.dimensions;
  }
  w.member("charts-count", charts);
  w.member("metrics-count", dims);
  w.end_object();
  return out;
}

namespace {

/// Writes one chart; returns the dimensions it lists.
size_t write_chart(json_writer& w, const chart_def& d, int64_t first_entry,
                   int64_t last_entry) {
  const auto& name = d.name.empty() ? d.id : d.name;
  w.begin_object();
  w.member("id", d.id);
  w.member("name", name);
  w.member("type", std::string_view{d.id}.substr(0, d.id.find('.')));
  w.member("family", d.family);
  w.member("context", d.context);
  w.member("title", d.title + " (" + name + ")");
  w.member("priority", d.priority);
  w.member("plugin", d.plugin);
  w.member("module", d.module);
  w.member("units", d.units);
  w.member("data_url", "/api/v1/data?chart=" + name);
  w.member("chart_type", d.chart_type);
  w.member("duration", last_entry > 0
                           ? last_entry - first_entry + d.update_every
                           : int64_t{0});
  w.member("first_entry", first_entry);
  w.member("last_entry", last_entry);
  w.member("update_every", d.update_every);
  std::vector<std::pair<std::string, std::string>> dims;
  dims.reserve(d.dimensions.size());
  for (auto& dim : d.dimensions) {
    if (dim.options.find("hidden") != std::string::npos
        || dim.options.find("obsolete") != std::string::npos)
      continue;
    dims.emplace_back(dim.id, dim.name.empty() ? dim.id : dim.name);
  }
  w.key("dimensions").begin_object();
  size_t listed = 0;
  for (auto [first, last] : unique_keys(dims)) {
    w.key(dims[first].first).begin_object();
    w.member("name", dims[last].second);
    w.end_object();
    ++listed;
  }
  w.end_object();
  w.key("chart_variables").begin_object().end_object();
  w.key("green").null();
  w.key("red").null();
  w.key("alarms").begin_object().end_object();
  w.key("chart_labels").begin_object();
  write_unique_members(w, d.labels);
  w.end_object();
  w.key("functions").begin_object().end_object();
  w.end_object();
  return listed;
}

} // namespace

namespace {

/// The entries 1.37.1 reports for a host: `none` keeps 5, dbengine 0 (its
/// retention is the disk's, not a count of entries); the memory modes
/// round the 4-byte entries of one dimension up to whole 4 KiB pages (ram:
/// 3600 → 4096; save and map also count their file's header there, which
/// is left out here).
int64_t reported_history(std::string_view memory_mode, int64_t history) {
  if (history <= 0)
    history = 3600;
  if (memory_mode == "none")
    return 5;
  if (memory_mode == "dbengine")
    return 0;
  constexpr int64_t page = 4096, entry = 4;
  auto bytes = (history * entry + page - 1) / page * page;
  return bytes / entry;
}

} // namespace

charts_writer::charts_writer(host_summary host, chart_listing charts,
                             std::vector<std::string> hostnames)
    : host_(std::move(host)), charts_(std::move(charts)),
      hostnames_(std::move(hostnames)) {}

bool charts_writer::next(std::string& out, size_t budget) {
  auto& w = w_;
  if (!started_) {
    started_ = true;
    w.begin_object();
    w.member("hostname", host_.info.hostname);
    w.member("version", host_.info.program_version);
    w.member("release_channel", "stable");
    w.member("os", host_.info.os);
    w.member("timezone", host_.info.timezone);
    w.member("update_every", host_.info.update_every);
    w.member("history", reported_history(host_.memory_mode, host_.history));
    w.member("memory_mode", host_.memory_mode);
    w.member("custom_info", "");
    w.key("charts").begin_object();
  }
  // Chart ids are unique per host (the host's map), so no duplicate keys.
  auto& all = charts_.charts;
  while (next_chart_ < all.size() && buf_.size() < budget) {
    auto& c = all[next_chart_++];
    auto first = c.extent->first_entry.load(std::memory_order_relaxed);
    auto last = c.extent->last_entry.load(std::memory_order_relaxed);
    w.key(c.def->id);
    dims_ += write_chart(w, *c.def, first, last);
  }
  bool more = next_chart_ < all.size();
  if (!more) {
    w.end_object();
    w.member("charts_count", static_cast<int64_t>(all.size()));
    w.member("dimensions_count", static_cast<int64_t>(dims_));
    w.member("alarms_count", 0);
    w.member("rrd_memory_bytes", 0);
    w.member("hosts_count", static_cast<int64_t>(hostnames_.size()));
    // As 1.37.1: every host when there are several, else this one.
    w.key("hosts").begin_array();
    if (hostnames_.size() > 1)
      for (auto& name : hostnames_)
        w.begin_object().member("hostname", name).end_object();
    else
      w.begin_object().member("hostname", host_.info.hostname).end_object();
    w.end_array();
    w.end_object();
  }
  out += buf_;
  buf_.clear();
  return more;
}

std::string render_registry_hello(const host_info& info) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("action", "hello");
  w.member("status", "ok");
  w.member("hostname", info.hostname);
  w.member("machine_guid", info.machine_guid);
  // The dashboard's default registry and cloud, as an agent with its own
  // registry disabled names them; tributary never contacts either.
  w.member("registry", "https://registry.my-netdata.io");
  w.member("cloud_base_url", "https://app.netdata.cloud");
  w.member("anonymous_statistics", false);
  w.end_object();
  return out;
}

std::string render_actors(const std::vector<actor_status>& actors) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.key("actors").begin_array();
  for (auto& a : actors) {
    w.begin_object();
    w.member("name", a.name);
    w.member("kind", a.kind);
    w.member("mailbox", a.mailbox);
    w.member("restarts", a.restarts);
    w.key("counters").begin_object();
    for (auto [first, last] : unique_keys(a.counters))
      w.member(a.counters[first].first, a.counters[last].second);
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string render_chart(const chart_summary& chart) {
  std::string out;
  json_writer w{out};
  write_chart(w, chart.def, chart.first_entry, chart.last_entry);
  return out;
}

} // namespace tributary::api
