#include "actors/api.hpp"

#include "actors/chart.hpp"
#include "api/json_writer.hpp"
#include "api/prometheus_text.hpp"
#include "api/text_fix.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unordered_map>

namespace tributary::api {


route parse_route(std::string_view path) {
  route r;
  // Netdata's dashboard asks for `//api/v1/info` (and `/host/<h>//api/...`):
  // one slash counts.
  while (path.size() > 1 && path[0] == '/' && path[1] == '/')
    path.remove_prefix(1);
  // Probes for orchestrators (Kubernetes, Docker HEALTHCHECK): tributary's own.
  if (path == "/alive" || path == "/ready") {
    r.endpoint = std::string{path.substr(1)};
    return r;
  }
  // The web console: its page and assets, and `/` sent to it.
  if (path == "/" || path == "/console" || path.rfind("/console/", 0) == 0) {
    r.endpoint = path == "/" ? "root" : "console-page";
    return r;
  }
  if (path.rfind("/host/", 0) == 0) {
    path.remove_prefix(6);
    auto slash = path.find('/');
    if (slash == std::string_view::npos)
      return r;
    r.host = std::string{path.substr(0, slash)};
    path.remove_prefix(slash);
    while (path.size() > 1 && path[0] == '/' && path[1] == '/')
      path.remove_prefix(1);
  }
  constexpr std::string_view prefix = "/api/v1/";
  if (path.rfind("/api/", 0) != 0) {
    r.endpoint = "static";
    r.file_path = std::string{path};
    return r;
  }
  if (path.rfind(prefix, 0) != 0)
    return r;
  path.remove_prefix(prefix.size());
  if (path == "info" || path == "charts" || path == "chart" || path == "data"
      || path == "allmetrics" || path == "actors" || path == "alarms"
      || path == "alarm_log" || path == "alarm_count" || path == "alarms_values"
      || path == "console/actors" || path == "console/streams"
      || path == "console/series" || path == "registry")
    r.endpoint = std::string{path};
  return r;
}

namespace {

const char* reason_phrase(int code) {
  switch (code) {
    case 200: return "OK";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
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
double seven_decimals(double x) {
  if (std::fabs(x) < 1e11)
    x = std::round(x * 1e7) / 1e7;
  return x;
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
  json_writer& w, const std::vector<std::pair<std::string, std::string>>& kv) {
  for (auto [first, last] : unique_keys(kv))
    w.member(kv[first].first, kv[last].second);
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

std::string redirect(std::string_view location) {
  std::string body = "<!DOCTYPE html><html><body><a href=\"";
  body += location;
  body += "\">";
  body += location;
  body += "</a></body></html>\r\n";
  std::string out = "HTTP/1.1 302 Found\r\nLocation: ";
  out += location;
  out += "\r\nContent-Type: text/html\r\nContent-Length: "
         + std::to_string(body.size())
         + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
  return out + body;
}

std::string http_stream_head(int code, std::string_view content_type,
                             bool chunked) {
  std::string out = "HTTP/1.1 " + std::to_string(code) + " "
                    + reason_phrase(code) + "\r\n";
  out += "Content-Type: ";
  out += content_type;
  if (chunked)
    out += "\r\nTransfer-Encoding: chunked";
  out += "\r\nAccess-Control-Allow-Origin: *\r\nCache-Control: no-cache"
         "\r\nConnection: close\r\nServer: tributary\r\n\r\n";
  return out;
}

void append_body_part(std::string& out, std::string_view part, bool chunked) {
  if (part.empty())
    return;
  if (!chunked) {
    out += part;
    return;
  }
  char size[24];
  auto n = std::snprintf(size, sizeof(size), "%zx\r\n", part.size());
  out.append(size, static_cast<size_t>(n));
  out += part;
  out += "\r\n";
}

std::string_view body_end(bool chunked) {
  return chunked ? std::string_view{"0\r\n\r\n"} : std::string_view{};
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
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("hostname", hostname);
  if (endpoint == "alarms") {
    w.member("latest_alarm_log_unique_id", 0);
    w.member("status", false);
    w.member("now", static_cast<int64_t>(std::time(nullptr)));
  }
  w.key("alarms").begin_object().end_object();
  w.end_object();
  return out;
}

std::string bad_request(std::string_view reason) {
  return "Bad request: " + fix_utf8(reason) + "\n";
}

namespace {

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

std::string render_info(const std::vector<host_summary>& hosts,
                        bool lz4_build, bool https,
                        const std::string& alarm_totals, bool stream_enabled,
                        std::string_view own_version) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("version", "v1.37.1");
  w.member("tributary-version", own_version);
  w.member("uid", hosts.empty() ? std::string{} : hosts.front().info.machine_guid);
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

void write_chart(json_writer& w, const chart_def& d, int64_t first_entry,
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
  for (auto [first, last] : unique_keys(dims)) {
    w.key(dims[first].first).begin_object();
    w.member("name", dims[last].second);
    w.end_object();
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
}

} // namespace

charts_writer::charts_writer(host_summary host, chart_listing charts,
                             size_t hosts_count)
  : host_(std::move(host)), charts_(std::move(charts)),
    hosts_count_(hosts_count) {
}

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
    w.member("history", 3600);
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
    write_chart(w, *c.def, first, last);
    dims_ += c.def->dimensions.size();
  }
  bool more = next_chart_ < all.size();
  if (!more) {
    w.end_object();
    w.member("charts_count", static_cast<int64_t>(all.size()));
    w.member("dimensions_count", static_cast<int64_t>(dims_));
    w.member("alarms_count", 0);
    w.member("rrd_memory_bytes", 0);
    w.member("hosts_count", static_cast<int64_t>(hosts_count_));
    w.key("hosts").begin_array();
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

namespace {

/// Netdata's names of the data options, in the order it prints them; the
/// first name of a flag is the printed one.
struct data_option_name {
  std::string_view name;
  bool data_options::*flag;
};
constexpr data_option_name data_option_names[] = {
  {"nonzero", &data_options::nonzero},
  {"flip", &data_options::flip},
  {"reversed", &data_options::flip},
  {"reverse", &data_options::flip},
  {"jsonwrap", &data_options::jsonwrap},
  {"min2max", &data_options::min2max},
  {"ms", &data_options::ms},
  {"milliseconds", &data_options::ms},
  {"abs", &data_options::absolute},
  {"absolute", &data_options::absolute},
  {"absolute_sum", &data_options::absolute},
  {"absolute-sum", &data_options::absolute},
  {"seconds", &data_options::seconds},
  {"null2zero", &data_options::null2zero},
  {"objectrows", &data_options::objectrows},
  {"percentage", &data_options::percentage},
  {"unaligned", &data_options::unaligned},
};

/// The rows as they are shown: the kept dimensions' values after abs,
/// percentage and null2zero, oldest row first.
struct data_view {
  std::vector<size_t> dims;   // indexes into the result's dimensions
  std::vector<double> values; // rows × dims.size()
  size_t rows = 0;
  double min = 0, max = 0;
  bool any = false;
};

bool is_selected(const data_result& res, size_t d, std::string_view wanted) {
  if (wanted.empty() || wanted == "*")
    return true;
  while (!wanted.empty()) {
    auto end = wanted.find_first_of("|,");
    auto word = wanted.substr(0, end);
    if (word == "*" || word == res.dimension_ids[d]
        || word == res.dimension_names[d])
      return true;
    if (end == std::string_view::npos)
      break;
    wanted.remove_prefix(end + 1);
  }
  return false;
}

data_view make_view(const data_result& res, const data_options& opt) {
  data_view v;
  auto ndims = res.dimension_names.size();
  v.rows = res.times.size();
  std::vector<size_t> selected;
  for (size_t d = 0; d < ndims; ++d)
    if (is_selected(res, d, opt.dimensions))
      selected.push_back(d);
  for (auto d : selected) {
    bool keep = !opt.nonzero;
    for (size_t r = 0; r < v.rows && !keep; ++r) {
      auto x = res.values[r * ndims + d];
      keep = !std::isnan(x) && x != 0;
    }
    if (keep)
      v.dims.push_back(d);
  }
  if (v.dims.empty()) // all zero: Netdata keeps them all
    v.dims = selected;
  v.values.reserve(v.rows * v.dims.size());
  for (size_t r = 0; r < v.rows; ++r) {
    const double* row = res.values.data() + r * ndims;
    double total = 1;
    if (opt.percentage) {
      total = 0;
      for (size_t d = 0; d < ndims; ++d)
        if (!std::isnan(row[d]))
          total += std::fabs(row[d]);
      if (total == 0)
        total = 1;
    }
    for (auto d : v.dims) {
      double x = row[d];
      if (opt.absolute && !std::isnan(x))
        x = std::fabs(x);
      if (opt.percentage && !std::isnan(x))
        x = x * 100 / total;
      if (opt.null2zero && std::isnan(x))
        x = 0;
      v.values.push_back(std::isnan(x) ? x : seven_decimals(x));
    }
    // min and max count every selected dimension, also those nonzero
    // left out (zero throughout), as Netdata does.
    for (auto d : selected) {
      double x = row[d];
      if (opt.absolute && !std::isnan(x))
        x = std::fabs(x);
      if (opt.percentage && !std::isnan(x))
        x = x * 100 / total;
      if (opt.null2zero && std::isnan(x))
        x = 0;
      if (std::isnan(x))
        continue;
      x = seven_decimals(x);
      v.min = v.any ? std::min(v.min, x) : x;
      v.max = v.any ? std::max(v.max, x) : x;
      v.any = true;
    }
  }
  return v;
}

void write_json_result(json_writer& w, const data_result& res,
                       const data_view& v, const data_options& opt) {
  auto n = v.dims.size();
  w.begin_object();
  w.key("labels").begin_array();
  w.value("time");
  for (auto d : v.dims)
    w.value(res.dimension_names[d]);
  w.end_array();
  w.key("data").begin_array();
  for (size_t i = 0; i < v.rows; ++i) {
    size_t r = opt.flip ? i : v.rows - 1 - i; // newest first unless flip
    w.begin_array();
    w.value(opt.ms ? res.times[r] * 1000 : res.times[r]);
    for (size_t d = 0; d < n; ++d)
      w.value(v.values[r * n + d]);
    w.end_array();
  }
  w.end_array();
  w.end_object();
}

std::string csv_result(const data_result& res, const data_view& v,
                       const data_options& opt) {
  auto n = v.dims.size();
  std::string out = "time";
  for (auto d : v.dims)
    out += "," + fix_utf8(res.dimension_names[d]);
  out += "\r\n";
  char buf[64];
  for (size_t i = 0; i < v.rows; ++i) {
    size_t r = opt.flip ? i : v.rows - 1 - i;
    out += std::to_string(opt.ms ? res.times[r] * 1000 : res.times[r]);
    for (size_t d = 0; d < n; ++d) {
      auto x = v.values[r * n + d];
      out += ',';
      if (!std::isnan(x)) {
        std::snprintf(buf, sizeof(buf), "%.7g", x);
        out += buf;
      }
    }
    out += "\r\n";
  }
  return out;
}

/// `format=array`: each row's sum of the shown dimensions.
struct row_sums {
  std::vector<double> sums; // oldest first
  double min = 0, max = 0;
};

row_sums sum_rows(const data_view& v) {
  row_sums out;
  auto n = v.dims.size();
  bool any = false;
  for (size_t r = 0; r < v.rows; ++r) {
    double sum = 0;
    bool some = false;
    for (size_t d = 0; d < n; ++d)
      if (auto x = v.values[r * n + d]; !std::isnan(x)) {
        sum += x;
        some = true;
      }
    double x = some ? seven_decimals(sum) : NAN;
    out.sums.push_back(x);
    if (some) {
      out.min = any ? std::min(out.min, x) : x;
      out.max = any ? std::max(out.max, x) : x;
      any = true;
    }
  }
  return out;
}

void write_array_result(json_writer& w, const row_sums& rs,
                        const data_options& opt) {
  w.begin_array();
  for (size_t i = 0; i < rs.sums.size(); ++i)
    w.value(rs.sums[opt.flip ? i : rs.sums.size() - 1 - i]);
  w.end_array();
}

void write_values_or_null(json_writer& w, const std::vector<double>& values) {
  if (values.empty()) {
    w.null();
    return;
  }
  w.begin_array();
  for (auto x : values)
    w.value(x);
  w.end_array();
}

std::string query_id(const data_result& res, const data_wrap& wrap,
                     const data_options& opt) {
  auto& q = wrap.query;
  return "chart://host:" + wrap.hostname + "/instance:" + res.chart_id
         + "/dimensions:" + (opt.dimensions.empty() ? "*" : opt.dimensions)
         + "/after:" + std::to_string(q.after)
         + "/before:" + std::to_string(q.before)
         + "/points:" + std::to_string(q.points) + "/group:" + q.group
         + "/options:" + data_options_text(opt);
}

} // namespace

data_options parse_data_options(std::string_view text) {
  data_options opt;
  while (!text.empty()) {
    auto end = text.find_first_of("|, ");
    auto word = text.substr(0, end);
    for (auto& o : data_option_names)
      if (o.name == word)
        opt.*o.flag = true;
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return opt;
}

std::string data_options_text(const data_options& opt) {
  std::string out;
  for (auto& o : data_option_names) {
    if (!(opt.*o.flag))
      continue;
    bool printed = false;
    for (auto& earlier : data_option_names) {
      if (&earlier == &o)
        break;
      printed = printed || earlier.flag == o.flag;
    }
    if (printed)
      continue;
    if (!out.empty())
      out += ',';
    out += o.name;
  }
  return out;
}

std::string render_data(const data_result& res, std::string_view format,
                        const data_options& opt, const data_wrap* wrap) {
  if (format != "json" && format != "csv" && format != "array")
    return {};
  auto view = make_view(res, opt);
  auto rows = view.rows;
  std::string out;
  out.reserve(512 + rows * (16 + view.dims.size() * 24));
  if (!opt.jsonwrap || wrap == nullptr) {
    if (format == "csv")
      return csv_result(res, view, opt);
    json_writer w{out};
    if (format == "array")
      write_array_result(w, sum_rows(view), opt);
    else
      write_json_result(w, res, view, opt);
    return out;
  }
  json_writer w{out};
  w.begin_object();
  w.member("api", int64_t{1});
  auto id = query_id(res, *wrap, opt);
  w.member("id", id);
  w.member("name", id);
  int64_t view_every = res.update_every;
  if (rows >= 2)
    view_every = res.times[1] - res.times[0];
  else if (rows == 1 && res.before > res.after)
    view_every = res.before - res.after + 1;
  w.member("view_update_every", view_every);
  w.member("update_every", res.update_every);
  w.member("first_entry", res.first_entry);
  w.member("last_entry", res.last_entry);
  w.member("before", res.before);
  w.member("after", res.after);
  w.member("group", wrap->query.group);
  // A window given in absolute times gets exactly the points asked for
  // ("virtual"); a relative one the stored points ("natural"), as 1.37.1
  // decides (an absolute time is further than 3 years from 0).
  constexpr int64_t relative_max = 3 * 365 * 86400;
  auto& q = wrap->query;
  bool relative = std::llabs(q.after) <= relative_max
                  || std::llabs(q.before) <= relative_max;
  auto options = data_options_text(opt);
  options += options.empty() ? "" : ",";
  options += relative ? "natural-points" : "virtual-points";
  w.member("options", options);
  w.key("dimension_names").begin_array();
  for (auto d : view.dims)
    w.value(res.dimension_names[d]);
  w.end_array();
  w.key("dimension_ids").begin_array();
  for (auto d : view.dims)
    w.value(res.dimension_ids[d]);
  w.end_array();
  w.key("functions").begin_array().end_array();
  std::vector<double> latest, view_latest;
  for (size_t i = 0; i < view.dims.size(); ++i) {
    auto d = view.dims[i];
    double x = d < wrap->latest_values.size() ? wrap->latest_values[d] : NAN;
    latest.push_back(std::isnan(x) ? x : seven_decimals(x));
    if (rows > 0)
      view_latest.push_back(view.values[(rows - 1) * view.dims.size() + i]);
  }
  w.key("latest_values");
  write_values_or_null(w, latest);
  w.key("view_latest_values");
  write_values_or_null(w, view_latest);
  w.member("dimensions", static_cast<int64_t>(view.dims.size()));
  w.member("points", static_cast<int64_t>(rows));
  w.member("format", format);
  // Points read from storage: every dimension over the whole window.
  int64_t span = res.before >= res.after && res.update_every > 0
                   ? (res.before - res.after) / res.update_every + 1
                   : 0;
  w.key("db_points_per_tier").begin_array();
  w.value(rows > 0 ? span * static_cast<int64_t>(res.dimension_ids.size())
                   : int64_t{0});
  w.value(int64_t{0});
  w.value(int64_t{0});
  w.end_array();
  w.key("result");
  double min = view.min, max = view.max;
  if (format == "csv") {
    w.value(csv_result(res, view, opt));
  } else if (format == "array") {
    auto sums = sum_rows(view);
    write_array_result(w, sums, opt);
    min = sums.min;
    max = sums.max;
  } else {
    write_json_result(w, res, view, opt);
  }
  w.member("min", min);
  w.member("max", max);
  w.end_object();
  return out;
}

} // namespace tributary::api
