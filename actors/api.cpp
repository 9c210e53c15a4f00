#include "actors/api.hpp"

#include "actors/chart.hpp"
#include "api/json_writer.hpp"
#include "api/prometheus_text.hpp"
#include "api/text_fix.hpp"
#include "config/simple_pattern.hpp"

#include <algorithm>
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
  else {
    r.endpoint = "unsupported";
    r.file_path = std::string{path};
  }
  return r;
}

namespace {

const char* reason_phrase(int code) {
  switch (code) {
  case 200:
    return "OK";
  case 302:
    return "Found";
  case 400:
    return "Bad Request";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 413:
    return "Payload Too Large";
  case 500:
    return "Internal Server Error";
  case 503:
    return "Service Unavailable";
  default:
    return "Unknown";
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
    json_writer& w,
    const std::vector<std::pair<std::string, std::string>>& kv) {
  for (auto [first, last] : unique_keys(kv))
    w.member(kv[first].first, kv[last].second);
}

} // namespace

std::string http_response(int code, std::string_view content_type,
                          std::string_view body) {
  std::string out
      = "HTTP/1.1 " + std::to_string(code) + " " + reason_phrase(code) + "\r\n";
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
  std::string out
      = "HTTP/1.1 " + std::to_string(code) + " " + reason_phrase(code) + "\r\n";
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
                     "encrypted connections: <a href=\""
                     + location + "\">" + location + "</a></body></html>\r\n";
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

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    case '/':
      out += "&#x2F;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

charts_writer::charts_writer(host_summary host, chart_listing charts,
                             size_t hosts_count)
    : host_(std::move(host)), charts_(std::move(charts)),
      hosts_count_(hosts_count) {}

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

/// 1.37.1 reads numbers as C's strtol does: the leading digits, 0 when
/// there are none, clamped when out of range.
int64_t lenient_int(const std::string& text) {
  return std::strtoll(text.c_str(), nullptr, 10);
}

bool has_option(std::string_view options, std::string_view name) {
  while (!options.empty()) {
    auto end = options.find_first_of("|, ");
    if (options.substr(0, end) == name)
      return true;
    if (end == std::string_view::npos)
      break;
    options.remove_prefix(end + 1);
  }
  return false;
}

} // namespace

bool parse_data_query(const std::map<std::string, std::string>& q,
                      data_query& out) {
  auto chart = q.find("chart");
  if (chart == q.end() || chart->second.empty())
    return false;
  out.chart = chart->second;
  for (auto [name, field] :
       {std::pair{"after", &out.after}, std::pair{"before", &out.before},
        std::pair{"points", &out.points}}) {
    auto i = q.find(name);
    if (i != q.end() && !i->second.empty())
      *field = lenient_int(i->second);
  }
  // A negative count is "every natural point", as 0.
  out.points = std::max<int64_t>(out.points, 0);
  // Unknown groups fall back to average in the storage layer (1.37.1).
  if (auto i = q.find("group"); i != q.end() && !i->second.empty())
    out.group = i->second;
  if (auto i = q.find("options"); i != q.end())
    out.aligned = !has_option(i->second, "unaligned");
  return true;
}

data_view parse_data_view(const std::map<std::string, std::string>& q) {
  data_view v;
  if (auto i = q.find("options"); i != q.end()) {
    std::string_view o = i->second;
    v.nonzero = has_option(o, "nonzero");
    v.null2zero = has_option(o, "null2zero");
    v.absolute = has_option(o, "absolute") || has_option(o, "abs")
                 || has_option(o, "absolute_sum")
                 || has_option(o, "absolute-sum");
    v.oldest_first = has_option(o, "flip") || has_option(o, "reversed")
                     || has_option(o, "reverse");
    v.jsonwrap = has_option(o, "jsonwrap");
    v.objectrows = has_option(o, "objectrows");
    v.unaligned = has_option(o, "unaligned");
    v.milliseconds = has_option(o, "ms") || has_option(o, "milliseconds");
    v.seconds = has_option(o, "seconds");
    v.percentage = has_option(o, "percentage");
    v.min2max = has_option(o, "min2max");
    bool ids = has_option(o, "match-ids") || has_option(o, "match_ids");
    bool names = has_option(o, "match-names") || has_option(o, "match_names");
    if (ids || names) {
      v.match_ids = ids;
      v.match_names = names;
    }
  }
  if (auto i = q.find("dimensions"); i != q.end())
    v.dimensions = i->second;
  return v;
}

std::string data_view_text(const data_view& view) {
  // Netdata's order and names.
  std::pair<bool, const char*> printed[] = {
      {view.nonzero, "nonzero"},       {view.oldest_first, "flip"},
      {view.jsonwrap, "jsonwrap"},     {view.min2max, "min2max"},
      {view.milliseconds, "ms"},       {view.absolute, "abs"},
      {view.seconds, "seconds"},       {view.null2zero, "null2zero"},
      {view.objectrows, "objectrows"}, {view.percentage, "percentage"},
      {view.unaligned, "unaligned"},
  };
  std::string out;
  for (auto [set, name] : printed) {
    if (!set)
      continue;
    if (!out.empty())
      out += ',';
    out += name;
  }
  return out;
}

void prepare_data_wrap(const data_result& res, const data_view& view,
                       data_wrap& wrap) {
  auto ndims = res.dimension_ids.size();
  auto rows = res.times.size();
  wrap.stored_dimensions = static_cast<int64_t>(ndims);
  wrap.view_update_every = res.update_every;
  if (rows >= 2)
    wrap.view_update_every = res.times[1] - res.times[0];
  else if (rows == 1 && res.before > res.after)
    wrap.view_update_every = res.before - res.after + 1;
  // min and max count the dimensions nonzero leaves out (zero throughout)
  // as Netdata does; when every dimension is zero none is left out.
  if (view.nonzero && view.dimensions.empty() && rows > 0) {
    bool some_nonzero = false, some_zero_only = false;
    for (size_t d = 0; d < ndims; ++d) {
      bool nonzero = false, zero = view.null2zero;
      for (size_t r = 0; r < rows; ++r) {
        auto v = res.values[r * ndims + d];
        nonzero = nonzero || (!std::isnan(v) && v != 0);
        zero = zero || v == 0;
      }
      some_nonzero = some_nonzero || nonzero;
      some_zero_only = some_zero_only || (!nonzero && zero);
    }
    wrap.dropped_zeros = some_nonzero && some_zero_only;
  }
}

bool apply_data_view(data_result& res, const data_view& view) {
  auto ndims = res.dimension_ids.size();
  auto rows = res.times.size();
  // Each value as a share of its row's total over every dimension of the
  // chart, the ones dimensions= leaves out included (1.37.1).
  if (view.percentage) {
    for (size_t r = 0; r < rows; ++r) {
      double total = 0;
      for (size_t d = 0; d < ndims; ++d) {
        auto v = res.values[r * ndims + d];
        if (!std::isnan(v))
          total += view.absolute ? std::fabs(v) : v;
      }
      if (total == 0)
        total = 1;
      for (size_t d = 0; d < ndims; ++d)
        res.values[r * ndims + d] = res.values[r * ndims + d] * 100 / total;
    }
  }
  std::vector<bool> keep(ndims, true);
  if (!view.dimensions.empty()) {
    std::string words = view.dimensions;
    for (auto& c : words)
      if (c == '|' || c == ',')
        c = ' ';
    auto pattern = config::simple_pattern::compile(words);
    bool any = false;
    for (size_t d = 0; d < ndims; ++d) {
      keep[d] = pattern
                && ((view.match_ids && pattern->matches(res.dimension_ids[d]))
                    || (view.match_names
                        && pattern->matches(res.dimension_names[d])));
      any = any || keep[d];
    }
    if (!any)
      return false;
  }
  // Dimensions dimensions= selects stay even when zero (1.37.1 marks them
  // non-zero).
  if (view.nonzero && view.dimensions.empty()) {
    std::vector<bool> nonzero(ndims, false);
    bool any = false;
    for (size_t d = 0; d < ndims; ++d) {
      for (size_t r = 0; r < rows && !nonzero[d]; ++r) {
        auto v = res.values[r * ndims + d];
        nonzero[d] = !std::isnan(v) && v != 0;
      }
      any = any || (keep[d] && nonzero[d]);
    }
    if (any)
      for (size_t d = 0; d < ndims; ++d)
        keep[d] = keep[d] && nonzero[d];
  }
  size_t kept = 0;
  for (bool k : keep)
    kept += k;
  if (kept != ndims) {
    std::vector<double> values;
    values.reserve(rows * kept);
    for (size_t r = 0; r < rows; ++r)
      for (size_t d = 0; d < ndims; ++d)
        if (keep[d])
          values.push_back(res.values[r * ndims + d]);
    res.values = std::move(values);
    size_t out = 0;
    for (size_t d = 0; d < ndims; ++d)
      if (keep[d]) {
        if (out != d) {
          res.dimension_ids[out] = std::move(res.dimension_ids[d]);
          res.dimension_names[out] = std::move(res.dimension_names[d]);
        }
        ++out;
      }
    res.dimension_ids.resize(kept);
    res.dimension_names.resize(kept);
    ndims = kept;
  }
  for (auto& v : res.values) {
    if (view.null2zero && std::isnan(v))
      v = 0;
    if (view.absolute)
      v = std::fabs(v);
  }
  // The formatters write newest first; reversing the rows makes them
  // write oldest first.
  if (view.oldest_first) {
    std::reverse(res.times.begin(), res.times.end());
    for (size_t a = 0, b = rows; a + 1 < b; ++a, --b)
      std::swap_ranges(res.values.begin() + a * ndims,
                       res.values.begin() + (a + 1) * ndims,
                       res.values.begin() + (b - 1) * ndims);
  }
  if (view.milliseconds)
    for (auto& t : res.times)
      t *= 1000;
  return true;
}

namespace {

/// 7 decimals, trailing zeros dropped (1.37.1's number printing).
std::string_view fixed7(double v, char* buf, size_t size) {
  int n = std::snprintf(buf, size, "%.7f", v);
  if (n <= 0 || n >= static_cast<int>(size))
    return {};
  std::string_view text{buf, static_cast<size_t>(n)};
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0')
      text.remove_suffix(1);
    if (text.back() == '.')
      text.remove_suffix(1);
  }
  if (text == "-0")
    text = "0";
  return text;
}

} // namespace

std::string render_data(const data_result& res, std::string_view format,
                        bool epoch_times, bool min2max) {
  auto ndims = res.dimension_names.size();
  auto rows = res.times.size();
  if (format == "json") {
    std::string out;
    out.reserve(64 + rows * (16 + ndims * 24));
    json_writer w{out};
    w.begin_object();
    w.key("labels").begin_array();
    w.value("time");
    for (auto& n : res.dimension_names)
      w.value(n);
    w.end_array();
    w.key("data").begin_array();
    for (size_t r = rows; r-- > 0;) { // newest first, as Netdata
      w.begin_array();
      w.value(res.times[r]);
      for (size_t d = 0; d < ndims; ++d)
        w.value(seven_decimals(res.values[r * ndims + d]));
      w.end_array();
    }
    w.end_array();
    w.end_object();
    return out;
  }
  if (format == "array" || format == "ssv" || format == "ssvcomma") {
    // One value per row, newest first: the sum of its dimensions, or their
    // spread with min2max.
    auto separator = format == "ssv" ? " " : ",";
    std::string out = format == "array" ? "[" : "";
    char buf[64];
    for (size_t r = rows; r-- > 0;) {
      double sum = 0, lo = 0, hi = 0;
      bool any = false;
      for (size_t d = 0; d < ndims; ++d) {
        auto v = res.values[r * ndims + d];
        if (std::isnan(v))
          continue;
        sum += v;
        lo = any ? std::min(lo, v) : v;
        hi = any ? std::max(hi, v) : v;
        any = true;
      }
      if (r + 1 != rows)
        out += separator;
      out += any ? fixed7(min2max ? hi - lo : sum, buf, sizeof(buf)) : "null";
    }
    if (format == "array")
      out += "]";
    return out;
  }
  if (format == "csv" || format == "tsv") {
    char separator = format == "csv" ? ',' : '\t';
    std::string out = "time";
    for (auto& n : res.dimension_names)
      out += separator + fix_utf8(n);
    out += "\r\n";
    char buf[64];
    for (size_t r = rows; r-- > 0;) {
      // 1.37.1 writes local date and time unless `seconds` or `ms` asks
      // for Unix time.
      std::time_t t = res.times[r];
      std::tm local{};
      if (epoch_times || localtime_r(&t, &local) == nullptr)
        out += std::to_string(res.times[r]);
      else if (std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &local) > 0)
        out += buf;
      for (size_t d = 0; d < ndims; ++d) {
        auto v = res.values[r * ndims + d];
        out += separator;
        if (std::isnan(v)) {
          out += "null";
          continue;
        }
        out += fixed7(v, buf, sizeof(buf));
      }
      out += "\r\n";
    }
    return out;
  }
  return {};
}

namespace {

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

} // namespace

std::string render_data_wrapped(const data_result& res, std::string_view format,
                                const data_view& view, const data_wrap& wrap) {
  auto ndims = res.dimension_ids.size();
  auto rows = res.times.size();
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.member("api", int64_t{1});
  auto& q = wrap.query;
  auto options = data_view_text(view);
  auto id = "chart://host:" + wrap.hostname + "/instance:" + res.chart_id
            + "/dimensions:"
            + (view.dimensions.empty() ? std::string{"*"} : view.dimensions)
            + "/after:" + std::to_string(q.after) + "/before:"
            + std::to_string(q.before) + "/points:" + std::to_string(q.points)
            + "/group:" + q.group + "/options:" + options;
  w.member("id", id);
  w.member("name", id);
  w.member("view_update_every", wrap.view_update_every);
  w.member("update_every", res.update_every);
  w.member("first_entry", res.first_entry);
  w.member("last_entry", res.last_entry);
  w.member("before", res.before);
  w.member("after", res.after);
  w.member("group", q.group);
  // A window given in absolute times gets exactly the points asked for
  // ("virtual"); a relative one the stored points ("natural"), as 1.37.1
  // decides (an absolute time is further than 3 years from 0).
  constexpr int64_t relative_max = 3 * 365 * 86400;
  bool relative = std::llabs(q.after) <= relative_max
                  || std::llabs(q.before) <= relative_max;
  options += options.empty() ? "" : ",";
  options += relative ? "natural-points" : "virtual-points";
  w.member("options", options);
  w.key("dimension_names").begin_array();
  for (auto& n : res.dimension_names)
    w.value(n);
  w.end_array();
  w.key("dimension_ids").begin_array();
  for (auto& i : res.dimension_ids)
    w.value(i);
  w.end_array();
  w.key("functions").begin_array().end_array();
  // The newest row: last unless flip reversed them.
  size_t newest
      = rows > 0 && res.times.front() > res.times.back() ? 0 : rows - 1;
  std::vector<double> latest, view_latest;
  for (size_t d = 0; d < ndims; ++d) {
    auto it = wrap.latest_values.find(res.dimension_ids[d]);
    double x = it == wrap.latest_values.end() ? NAN : it->second;
    latest.push_back(std::isnan(x) ? x : seven_decimals(x));
    if (rows > 0)
      view_latest.push_back(seven_decimals(res.values[newest * ndims + d]));
  }
  w.key("latest_values");
  write_values_or_null(w, latest);
  w.key("view_latest_values");
  write_values_or_null(w, view_latest);
  w.member("dimensions", static_cast<int64_t>(ndims));
  w.member("points", static_cast<int64_t>(rows));
  w.member("format", format);
  // Points read from storage: every stored dimension over the window.
  int64_t span = res.before >= res.after && res.update_every > 0
                     ? (res.before - res.after) / res.update_every + 1
                     : 0;
  w.key("db_points_per_tier").begin_array();
  w.value(rows > 0 ? span * wrap.stored_dimensions : int64_t{0});
  w.value(int64_t{0});
  w.value(int64_t{0});
  w.end_array();
  bool epoch = view.seconds || view.milliseconds;
  auto body = render_data(res, format, epoch, view.min2max);
  w.key("result");
  if (format == "json" || format == "array")
    w.raw(body);
  else
    w.value(body);
  // min and max of what "result" shows: each row's sum for array, every
  // value otherwise.
  double min = 0, max = 0;
  bool any = false;
  auto count = [&](double x) {
    if (std::isnan(x))
      return;
    x = seven_decimals(x);
    min = any ? std::min(min, x) : x;
    max = any ? std::max(max, x) : x;
    any = true;
  };
  for (size_t r = 0; r < rows; ++r) {
    if (format == "array") {
      double sum = 0;
      bool some = false;
      for (size_t d = 0; d < ndims; ++d)
        if (auto x = res.values[r * ndims + d]; !std::isnan(x)) {
          sum += x;
          some = true;
        }
      if (some)
        count(sum);
      continue;
    }
    for (size_t d = 0; d < ndims; ++d)
      count(res.values[r * ndims + d]);
  }
  if (wrap.dropped_zeros && format != "array")
    count(0);
  w.member("min", min);
  w.member("max", max);
  w.end_object();
  return out;
}

} // namespace tributary::api
