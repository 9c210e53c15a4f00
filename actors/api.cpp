#include "actors/api.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace tributary::api {

using nlohmann::ordered_json;

route parse_route(std::string_view path) {
  route r;
  // Probes for orchestrators (Kubernetes, Docker HEALTHCHECK): tributary's own.
  if (path == "/alive" || path == "/ready") {
    r.endpoint = std::string{path.substr(1)};
    return r;
  }
  if (path.rfind("/host/", 0) == 0) {
    path.remove_prefix(6);
    auto slash = path.find('/');
    if (slash == std::string_view::npos)
      return r;
    r.host = std::string{path.substr(0, slash)};
    path.remove_prefix(slash);
  }
  constexpr std::string_view prefix = "/api/v1/";
  if (path.rfind(prefix, 0) != 0)
    return r;
  path.remove_prefix(prefix.size());
  if (path == "info" || path == "charts" || path == "chart" || path == "data"
      || path == "allmetrics" || path == "actors" || path == "alarms"
      || path == "alarm_log" || path == "alarm_count" || path == "alarms_values")
    r.endpoint = std::string{path};
  return r;
}

namespace {

const char* reason_phrase(int code) {
  switch (code) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string value_of(const std::vector<std::pair<std::string, std::string>>& kv,
                     std::string_view key) {
  for (auto& [k, v] : kv)
    if (k == key)
      return v;
  return {};
}

/// Netdata prints stored values with 7 decimals at most.
ordered_json number_or_null(double x) {
  if (std::isnan(x))
    return nullptr;
  if (std::fabs(x) < 1e11)
    x = std::round(x * 1e7) / 1e7;
  return x;
}

} // namespace

std::string http_response(int code, std::string_view content_type,
                          std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(code) + " "
                    + reason_phrase(code) + "\r\n";
  out += "Content-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size());
  out += "\r\nAccess-Control-Allow-Origin: *\r\nCache-Control: no-cache"
         "\r\nConnection: close\r\nServer: tributary\r\n\r\n";
  out += body;
  return out;
}

std::string https_redirect(std::string_view host, std::string_view url) {
  std::string location = "https://";
  location += host;
  location += url;
  std::string body = "<!DOCTYPE html><html><body>This server accepts only "
                     "encrypted connections: <a href=\"" + location + "\">"
                     + location + "</a></body></html>\r\n";
  std::string out = "HTTP/1.1 301 Moved Permanently\r\nLocation: " + location
                    + "\r\nContent-Type: text/html\r\nContent-Length: "
                    + std::to_string(body.size()) + "\r\nConnection: close"
                    + "\r\n\r\n";
  return out + body;
}

std::string render_health_disabled(const std::string& hostname,
                                   const std::string& endpoint) {
  ordered_json j;
  j["hostname"] = hostname;
  if (endpoint == "alarms") {
    j["latest_alarm_log_unique_id"] = 0;
    j["status"] = false;
    j["now"] = std::time(nullptr);
  }
  j["alarms"] = ordered_json::object();
  return j.dump(1, '\t');
}

std::string bad_request(std::string_view reason) {
  return "Bad request: " + std::string{reason} + "\n";
}

namespace {

/// The host's storage health (tributary's own key; Netdata has none).
ordered_json storage_json(const storage_status& x) {
  if (x.status.empty())
    return nullptr;
  return {{"status", x.status},         {"last_error", x.last_error},
          {"failed_writes", x.failed_writes},
          {"dropped_points", x.dropped_points},
          {"pending_points", x.pending_points},
          {"disk_bytes", x.disk_bytes}, {"journal_bytes", x.journal_bytes}};
}

} // namespace

std::string render_info(const std::vector<host_summary>& hosts,
                        bool lz4_build, bool https,
                        const std::string& alarm_totals) {
  ordered_json j;
  j["version"] = "v1.37.1";
  j["uid"] = hosts.empty() ? "" : hosts.front().info.machine_guid;
  auto names = ordered_json::array();
  auto statuses = ordered_json::array();
  for (auto& h : hosts) {
    names.push_back(h.info.hostname);
    ordered_json s;
    s["guid"] = h.info.machine_guid;
    s["hostname"] = h.info.hostname;
    s["reachable"] = h.reachable;
    s["hops"] = h.info.hops;
    s["claim_id"] = nullptr;
    s["node_id"] = nullptr;
    s["storage"] = storage_json(h.storage);
    statuses.push_back(std::move(s));
  }
  j["mirrored_hosts"] = std::move(names);
  j["mirrored_hosts_status"] = std::move(statuses);
  j["alarms"] = {{"normal", 0}, {"warning", 0}, {"critical", 0}};
  if (!alarm_totals.empty())
    j["alarms"] = ordered_json::parse(alarm_totals, nullptr, false);
  const auto* self = hosts.empty() ? nullptr : &hosts.front();
  auto sys = [&](const char* key) {
    return self ? value_of(self->info.system_info, key) : std::string{};
  };
  // A parent renames a child's NETDATA_SYSTEM_OS_* to NETDATA_HOST_OS_*.
  auto os = [&](const std::string& what) {
    auto v = sys(("NETDATA_HOST_OS_" + what).c_str());
    return v.empty() ? sys(("NETDATA_SYSTEM_OS_" + what).c_str()) : v;
  };
  j["os_name"] = os("NAME");
  j["os_id"] = os("ID");
  j["os_id_like"] = os("ID_LIKE");
  j["os_version"] = os("VERSION");
  j["os_version_id"] = os("VERSION_ID");
  j["os_detection"] = os("DETECTION");
  j["cores_total"] = sys("NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT");
  j["total_disk_space"] = sys("NETDATA_SYSTEM_TOTAL_DISK_SIZE");
  j["cpu_freq"] = sys("NETDATA_SYSTEM_CPU_FREQ");
  j["ram_total"] = sys("NETDATA_SYSTEM_TOTAL_RAM");
  auto box = sys("NETDATA_SYSTEM_CONTAINER");
  if (!box.empty() && box != "none") {
    j["container_os_name"] = sys("NETDATA_CONTAINER_OS_NAME");
    j["container_os_id"] = sys("NETDATA_CONTAINER_OS_ID");
    j["container_os_id_like"] = sys("NETDATA_CONTAINER_OS_ID_LIKE");
    j["container_os_version"] = sys("NETDATA_CONTAINER_OS_VERSION");
    j["container_os_version_id"] = sys("NETDATA_CONTAINER_OS_VERSION_ID");
    j["container_os_detection"] = sys("NETDATA_CONTAINER_OS_DETECTION");
    j["is_k8s_node"] = sys("NETDATA_HOST_IS_K8S_NODE");
  }
  j["kernel_name"] = sys("NETDATA_SYSTEM_KERNEL_NAME");
  j["kernel_version"] = sys("NETDATA_SYSTEM_KERNEL_VERSION");
  j["architecture"] = sys("NETDATA_SYSTEM_ARCHITECTURE");
  j["virtualization"] = sys("NETDATA_SYSTEM_VIRTUALIZATION");
  j["virt_detection"] = sys("NETDATA_SYSTEM_VIRT_DETECTION");
  j["container"] = box;
  j["container_detection"] = sys("NETDATA_SYSTEM_CONTAINER_DETECTION");
  auto labels = ordered_json::object();
  if (self)
    for (auto& [k, v] : self->info.labels)
      labels[k] = v;
  j["host_labels"] = std::move(labels);
  j["functions"] = ordered_json::object();
  j["collectors"] = ordered_json::array();
  j["memory-mode"] = self ? self->memory_mode : "";
  j["storage"] = self ? storage_json(self->storage) : ordered_json(nullptr);
  j["stream-enabled"] = false;
  j["stream-compression"] = nullptr;
  j["hosts-available"] = hosts.size();
  j["https-enabled"] = https;
  std::string build = "dbengine";
  if (lz4_build)
    build += "|Stream Compression";
  build += "|tributary";
  j["buildinfo"] = build;
  j["web-enabled"] = true;
  int64_t charts = 0;
  int64_t dims = 0;
  for (auto& h : hosts) {
    charts += h.charts;
    dims += h.dimensions;
  }
  j["charts-count"] = charts;
  j["metrics-count"] = dims;
  return j.dump(1, '\t');
}

namespace {

ordered_json chart_json(const chart_summary& c) {
  auto& d = c.def;
  ordered_json j;
  j["id"] = d.id;
  j["name"] = d.name.empty() ? d.id : d.name;
  auto dot = d.id.find('.');
  j["type"] = d.id.substr(0, dot);
  j["family"] = d.family;
  j["context"] = d.context;
  j["title"] = d.title + " (" + (d.name.empty() ? d.id : d.name) + ")";
  j["priority"] = d.priority;
  j["plugin"] = d.plugin;
  j["module"] = d.module;
  j["units"] = d.units;
  j["data_url"] = "/api/v1/data?chart=" + (d.name.empty() ? d.id : d.name);
  j["chart_type"] = d.chart_type;
  j["duration"] = c.last_entry > 0 ? c.last_entry - c.first_entry + d.update_every : 0;
  j["first_entry"] = c.first_entry;
  j["last_entry"] = c.last_entry;
  j["update_every"] = d.update_every;
  auto dims = ordered_json::object();
  for (auto& dim : d.dimensions) {
    if (dim.options.find("hidden") != std::string::npos
        || dim.options.find("obsolete") != std::string::npos)
      continue;
    dims[dim.id] = {{"name", dim.name.empty() ? dim.id : dim.name}};
  }
  j["dimensions"] = std::move(dims);
  j["chart_variables"] = ordered_json::object();
  j["green"] = nullptr;
  j["red"] = nullptr;
  j["alarms"] = ordered_json::object();
  auto labels = ordered_json::object();
  for (auto& [k, v] : d.labels)
    labels[k] = v;
  j["chart_labels"] = std::move(labels);
  j["functions"] = ordered_json::object();
  return j;
}

} // namespace

std::string render_charts(const host_summary& host,
                          const std::vector<chart_summary>& charts,
                          size_t hosts_count) {
  ordered_json j;
  j["hostname"] = host.info.hostname;
  j["version"] = host.info.program_version;
  j["release_channel"] = "stable";
  j["os"] = host.info.os;
  j["timezone"] = host.info.timezone;
  j["update_every"] = host.info.update_every;
  j["history"] = 3600;
  j["memory_mode"] = host.memory_mode;
  j["custom_info"] = "";
  auto all = ordered_json::object();
  size_t dims = 0;
  for (auto& c : charts) {
    all[c.def.id] = chart_json(c);
    dims += c.def.dimensions.size();
  }
  j["charts"] = std::move(all);
  j["charts_count"] = charts.size();
  j["dimensions_count"] = dims;
  j["alarms_count"] = 0;
  j["rrd_memory_bytes"] = 0;
  j["hosts_count"] = hosts_count;
  j["hosts"] = ordered_json::array({{{"hostname", host.info.hostname}}});
  return j.dump(1, '\t');
}

std::string render_actors(const std::vector<actor_status>& actors) {
  auto all = ordered_json::array();
  for (auto& a : actors) {
    ordered_json j;
    j["name"] = a.name;
    j["kind"] = a.kind;
    j["mailbox"] = a.mailbox;
    j["restarts"] = a.restarts;
    auto counters = ordered_json::object();
    for (auto& [k, v] : a.counters)
      counters[k] = v;
    j["counters"] = std::move(counters);
    all.push_back(std::move(j));
  }
  ordered_json out;
  out["actors"] = std::move(all);
  return out.dump(1, '\t');
}

std::string render_chart(const chart_summary& chart) {
  return chart_json(chart).dump(1, '\t');
}

namespace {

bool parse_int(const std::string& text, int64_t& out) {
  if (text.empty())
    return false;
  size_t used = 0;
  try {
    out = std::stoll(text, &used);
  } catch (...) {
    return false;
  }
  return used == text.size();
}

} // namespace

bool parse_data_query(const std::map<std::string, std::string>& q,
                      data_query& out, std::string& why) {
  auto chart = q.find("chart");
  if (chart == q.end() || chart->second.empty()) {
    why = "missing parameter 'chart'";
    return false;
  }
  out.chart = chart->second;
  for (auto [name, field] : {std::pair{"after", &out.after},
                             std::pair{"before", &out.before},
                             std::pair{"points", &out.points}}) {
    auto i = q.find(name);
    if (i == q.end() || i->second.empty())
      continue;
    if (!parse_int(i->second, *field)) {
      why = std::string{"parameter '"} + name + "' is not an integer: '"
            + i->second + "'";
      return false;
    }
  }
  if (out.points < 0) {
    why = "parameter 'points' must not be negative";
    return false;
  }
  if (auto i = q.find("group"); i != q.end() && !i->second.empty()) {
    auto& g = i->second;
    if (g != "average" && g != "min" && g != "max" && g != "sum") {
      why = "unknown group '" + g + "' (average, min, max, sum)";
      return false;
    }
    out.group = g;
  }
  if (auto i = q.find("options"); i != q.end())
    out.aligned = i->second.find("unaligned") == std::string::npos;
  return true;
}

std::string render_data(const data_result& res, std::string_view format) {
  auto ndims = res.dimension_names.size();
  auto rows = res.times.size();
  if (format == "json") {
    ordered_json j;
    auto labels = ordered_json::array({"time"});
    for (auto& n : res.dimension_names)
      labels.push_back(n);
    j["labels"] = std::move(labels);
    auto data = ordered_json::array();
    for (size_t r = rows; r-- > 0;) { // newest first, as Netdata
      auto row = ordered_json::array({res.times[r]});
      for (size_t d = 0; d < ndims; ++d)
        row.push_back(number_or_null(res.values[r * ndims + d]));
      data.push_back(std::move(row));
    }
    j["data"] = std::move(data);
    return j.dump(1, '\t');
  }
  if (format == "csv") {
    std::string out = "time";
    for (auto& n : res.dimension_names)
      out += "," + n;
    out += "\r\n";
    char buf[64];
    for (size_t r = rows; r-- > 0;) {
      out += std::to_string(res.times[r]);
      for (size_t d = 0; d < ndims; ++d) {
        auto v = res.values[r * ndims + d];
        out += ',';
        if (!std::isnan(v)) {
          std::snprintf(buf, sizeof(buf), "%.7g", v);
          out += buf;
        }
      }
      out += "\r\n";
    }
    return out;
  }
  return {};
}

namespace {

std::string sanitize_metric(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (auto c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::string units_suffix(std::string_view units) {
  if (units == "%" || units == "percentage" || units == "percent")
    return "_percent";
  std::string u{units};
  bool persec = u.size() > 2 && u.compare(u.size() - 2, 2, "/s") == 0;
  if (persec)
    u.resize(u.size() - 2);
  auto out = "_" + sanitize_metric(u);
  if (persec)
    out += "_persec";
  return out;
}

} // namespace

std::string render_prometheus(const host_summary& host,
                              const std::vector<chart_summary>& charts,
                              const std::vector<data_result>& latest) {
  std::string out = "netdata_info{instance=\"" + host.info.hostname
                    + "\",application=\"" + host.info.program_name
                    + "\",version=\"" + host.info.program_version + "\"} 1\n";
  char buf[64];
  for (size_t i = 0; i < charts.size() && i < latest.size(); ++i) {
    auto& def = charts[i].def;
    auto& res = latest[i];
    if (res.times.empty())
      continue;
    auto base = "netdata_" + sanitize_metric(def.context)
                + units_suffix(def.units) + "_average";
    auto ndims = res.dimension_ids.size();
    auto row = res.times.size() - 1;
    for (size_t d = 0; d < ndims; ++d) {
      auto v = res.values[row * ndims + d];
      if (std::isnan(v))
        continue;
      std::snprintf(buf, sizeof(buf), "%0.7f", v);
      out += base + "{chart=\"" + def.id + "\",family=\"" + def.family
             + "\",dimension=\"" + res.dimension_names[d] + "\"} " + buf + " "
             + std::to_string(res.times[row] * 1000) + "\n";
    }
  }
  return out;
}

} // namespace tributary::api
