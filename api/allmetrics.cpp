#include "api/allmetrics.hpp"

#include "api/json_writer.hpp"
#include "api/prometheus_text.hpp"
#include "api/text_fix.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tributary::api {

namespace {

bool flag_value(const std::string& v) {
  return v == "yes" || v == "1" || v == "true";
}

/// Text after '#' in a shell line: one line, valid UTF-8 (a newline in a
/// child's units must not start a shell command).
std::string shell_comment(std::string_view text) {
  auto out = fix_utf8(text);
  for (auto& c : out)
    if (c == '\n' || c == '\r')
      c = ' ';
  return out;
}

/// Netdata's prometheus_name_copy: [A-Za-z0-9] kept, the rest '_'.
std::string name_part(std::string_view text) {
  std::string out{text};
  for (auto& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return out;
}

/// The units part of a metric name: "_<units>", "%" as "_percent", a
/// trailing "/s" as "_persec"; `old` maps the units renamed in v1.12 back.
std::string units_part(std::string_view units, bool old) {
  static const std::pair<std::string_view, std::string_view> renamed[]
      = {{"KiB/s", "kilobytes/s"},
         {"MiB/s", "MB/s"},
         {"GiB/s", "GB/s"},
         {"KiB", "KB"},
         {"MiB", "MB"},
         {"GiB", "GB"},
         {"inodes", "Inodes"},
         {"percentage", "percent"},
         {"faults/s", "page faults/s"},
         {"KiB/operation", "kilobytes per operation"},
         {"milliseconds/operation", "ms per operation"}};
  if (old)
    for (auto& [now, before] : renamed)
      if (units == now) {
        units = before;
        break;
      }
  if (units == "%")
    return "_percent";
  if (units.size() > 2 && units.substr(units.size() - 2) == "/s")
    return "_" + name_part(units.substr(0, units.size() - 2)) + "_persec";
  return "_" + name_part(units);
}

void append_label(std::string& out, std::string_view key,
                  std::string_view value) {
  out += key;
  out += "=\"";
  append_prometheus_label_value(out, value);
  out += '"';
}

} // namespace

bool parse_prometheus_options(const std::map<std::string, std::string>& query,
                              prometheus_options& out, std::string& why) {
  for (auto& [k, v] : query) {
    if (k == "prefix")
      out.prefix = v;
    else if (k == "server")
      out.server = v;
    else if (k == "data" || k == "source" || k == "data source"
             || k == "data-source" || k == "data_source" || k == "datasource") {
      if (v == "as-collected" || v == "as collected" || v == "raw")
        out.source = "as collected";
      else if (v == "average")
        out.source = "average";
      else if (v == "sum" || v == "volume")
        out.source = "sum";
      else {
        why = "unknown data source '" + v + "' (as-collected, average, sum)";
        return false;
      }
    } else if (k == "help")
      out.help = flag_value(v);
    else if (k == "types")
      out.types = flag_value(v);
    else if (k == "names")
      out.names = flag_value(v);
    else if (k == "timestamps")
      out.timestamps = flag_value(v);
    else if (k == "variables")
      out.variables = flag_value(v);
    else if (k == "oldunits")
      out.oldunits = flag_value(v);
    else if (k == "hideunits")
      out.hideunits = flag_value(v);
  }
  return true;
}

std::string shell_name(std::string_view text) {
  std::string out{text.substr(0, 100)};
  for (auto& c : out) {
    auto u = static_cast<unsigned char>(c);
    c = std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
  }
  return out;
}

std::string allmetrics_shell(const allmetrics_host& host) {
  std::string out;
  char buf[64];
  for (auto& c : host.charts) {
    const auto& name = c.name.empty() ? c.id : c.name;
    auto units = shell_comment(c.units);
    out += "\n# chart: " + shell_comment(c.id)
           + " (name: " + shell_comment(name) + ")\n";
    auto chart = "NETDATA_" + shell_name(name) + "_";
    double total = 0;
    for (auto& d : c.dimensions) {
      out += chart + shell_name(d.name.empty() ? d.id : d.name) + "=\"";
      if (std::isfinite(d.value)) {
        auto n = std::round(d.negative ? -d.value : d.value);
        if (!d.hidden)
          total += n;
        std::snprintf(buf, sizeof(buf), "%0.0f", n);
        out += buf;
      }
      out += "\"      # " + units + "\n";
    }
    std::snprintf(buf, sizeof(buf), "%0.0f", std::round(total));
    out += chart + "VISIBLETOTAL=\"" + buf + "\"      # " + units + "\n";
  }
  // Netdata lists its running alerts here; tributary's health answers
  // /api/v1/alarms instead (docs/api.md).
  out += "\n# NETDATA ALARMS RUNNING\n";
  return out;
}

std::string allmetrics_json(const allmetrics_host& host) {
  // Netdata's own layout (tabs, no space after some colons), kept byte for
  // byte: scripts diff it.
  std::string out = "{";
  char buf[64];
  bool first_chart = true;
  for (auto& c : host.charts) {
    out += first_chart ? "\n\t" : ",\n\t";
    first_chart = false;
    append_json_string(out, c.id);
    out += ": {\n\t\t\"name\":";
    append_json_string(out, c.name.empty() ? c.id : c.name);
    out += ",\n\t\t\"family\":";
    append_json_string(out, c.family);
    out += ",\n\t\t\"context\":";
    append_json_string(out, c.context);
    out += ",\n\t\t\"units\":";
    append_json_string(out, c.units);
    out += ",\n\t\t\"last_updated\": " + std::to_string(c.last_updated)
           + ",\n\t\t\"dimensions\": {";
    bool first_dim = true;
    for (auto& d : c.dimensions) {
      out += first_dim ? "\n\t\t\t" : ",\n\t\t\t";
      first_dim = false;
      append_json_string(out, d.id);
      out += ": {\n\t\t\t\t\"name\": ";
      append_json_string(out, d.name.empty() ? d.id : d.name);
      out += ",\n\t\t\t\t\"value\": ";
      if (std::isnan(d.value) || std::isinf(d.value)) {
        out += "null";
      } else {
        std::snprintf(buf, sizeof(buf), "%0.7f", d.value);
        out += buf;
      }
      out += "\n\t\t\t}";
    }
    out += "\n\t\t}\n\t}";
  }
  out += "\n}";
  return out;
}

void append_prometheus_header(std::string& out, const std::string& hostname,
                              const prometheus_options& opt) {
  if (!opt.help)
    return;
  // tributary keeps no memory of earlier scrapes: every scrape is a first.
  out += "# COMMENT netdata \"" + shell_comment(hostname)
         + "\" to FIRST SEEN prometheus \"" + shell_comment(opt.server)
         + "\", source \"" + opt.source + "\", last seen 0 never, time range "
         + std::to_string(opt.after) + " to " + std::to_string(opt.before)
         + "\n\n";
}

namespace {

/// 1.37.1's homogeneity rule, applied only once a dimension changed: every
/// dimension has the first one's algorithm, its multiplier (the first one's
/// as is, the others' magnitudes) and the magnitude of its divisor.
bool homogeneous(const allmetrics_chart& c) {
  if (!c.homogeneity_check || c.dimensions.empty())
    return true;
  const auto& first = c.dimensions.front();
  auto divisor = std::abs(first.divisor);
  for (auto& d : c.dimensions)
    if (&d != &first
        && (d.algorithm != first.algorithm
            || first.multiplier != std::abs(d.multiplier)
            || divisor != std::abs(d.divisor)))
      return false;
  return true;
}

/// source=as-collected: each dimension's last collected value, raw.
void append_as_collected(std::string& out, const allmetrics_host& host,
                         const allmetrics_chart& c,
                         const prometheus_options& opt, bool all_hosts) {
  bool same = homogeneous(c);
  bool prometheus_collector = c.module == "prometheus";
  const auto& chart = opt.names && !c.name.empty() ? c.name : c.id;
  auto base = name_part(opt.prefix) + "_" + name_part(c.context);
  char buf[64];
  for (auto& d : c.dimensions) {
    if (d.collections == 0 || d.obsolete || d.collected_ms / 1000 < opt.after)
      continue;
    const auto& dim = opt.names && !d.name.empty() ? d.name : d.id;
    bool counter = d.algorithm == "incremental"
                   || d.algorithm == "percentage-of-incremental-row";
    std::string suffix = counter && !prometheus_collector ? "_total" : "";
    auto metric = same ? base + suffix : base + "_" + name_part(dim) + suffix;
    const char* type = counter ? "counter" : "gauge";
    if (opt.help) {
      out += "# COMMENT " + metric + ": chart \"" + shell_comment(chart)
             + "\", context \"" + shell_comment(c.context) + "\", family \""
             + shell_comment(c.family) + "\", dimension \"" + shell_comment(dim)
             + "\", value * ";
      out += prometheus_collector ? "1 / 1"
                                  : std::to_string(d.multiplier) + " / "
                                        + std::to_string(d.divisor);
      out += std::string{counter ? " delta gives " : " gives "}
             + shell_comment(c.units) + " (" + type + ")\n";
    }
    // 1.37.1's TYPE line leaves the _total suffix out (it prints the
    // suffix before it is set).
    if (opt.types)
      out += "# TYPE " + (same ? base : base + "_" + name_part(dim)) + " "
             + type + "\n";
    out += metric + "{";
    append_label(out, "chart", chart);
    out += ',';
    append_label(out, "family", c.family);
    if (same) {
      out += ',';
      append_label(out, "dimension", dim);
    }
    if (all_hosts) {
      out += ',';
      append_label(out, "instance", host.hostname);
    }
    if (prometheus_collector)
      std::snprintf(buf, sizeof(buf), "} %0.7f",
                    static_cast<double>(d.collected)
                        * static_cast<double>(d.multiplier)
                        / static_cast<double>(d.divisor == 0 ? 1 : d.divisor));
    else
      std::snprintf(buf, sizeof(buf), "} %lld",
                    static_cast<long long>(d.collected));
    out += buf;
    if (opt.timestamps)
      out += " " + std::to_string(d.collected_ms);
    out += '\n';
  }
}

} // namespace

void append_prometheus_host(std::string& out, const allmetrics_host& host,
                            const prometheus_options& opt, bool all_hosts) {
  out += "netdata_info{";
  append_label(out, "instance", host.hostname);
  out += ',';
  append_label(out, "application", host.program_name);
  out += ',';
  append_label(out, "version", host.program_version);
  out += "} 1";
  if (opt.timestamps)
    out += " " + std::to_string(opt.now_ms);
  out += '\n';
  bool sum = opt.source == "sum";
  bool as_collected = opt.source == "as collected";
  std::string suffix = sum ? "_sum" : "_average";
  char buf[64];
  for (auto& c : host.charts) {
    const auto& chart = opt.names && !c.name.empty() ? c.name : c.id;
    if (opt.help) {
      out += std::string{"\n# COMMENT "}
             + (!as_collected || homogeneous(c) ? "homogeneous"
                                                : "heterogeneous")
             + " chart \"" + shell_comment(chart) + "\", context \""
             + shell_comment(c.context) + "\", family \""
             + shell_comment(c.family) + "\", units \"" + shell_comment(c.units)
             + "\"\n";
    }
    if (as_collected) {
      append_as_collected(out, host, c, opt, all_hosts);
      continue;
    }
    auto metric = name_part(opt.prefix) + "_" + name_part(c.context)
                  + (sum || opt.hideunits ? std::string{}
                                          : units_part(c.units, opt.oldunits))
                  + suffix;
    for (auto& d : c.dimensions) {
      if (std::isnan(d.value) || std::isinf(d.value))
        continue;
      const auto& dim = opt.names && !d.name.empty() ? d.name : d.id;
      if (opt.help)
        out += "# COMMENT " + metric + ": dimension \"" + shell_comment(dim)
               + "\", value is " + shell_comment(c.units) + ", gauge, dt "
               + std::to_string(c.first_t) + " to "
               + std::to_string(c.last_updated) + " inclusive\n";
      if (opt.types)
        out += "# TYPE " + metric + " gauge\n";
      out += metric + "{";
      append_label(out, "chart", chart);
      out += ',';
      append_label(out, "family", c.family);
      out += ',';
      append_label(out, "dimension", dim);
      if (all_hosts) {
        out += ',';
        append_label(out, "instance", host.hostname);
      }
      std::snprintf(buf, sizeof(buf), "} %0.7f", d.value);
      out += buf;
      if (opt.timestamps)
        out += " " + std::to_string(c.last_updated * 1000);
      out += '\n';
    }
  }
}

} // namespace tributary::api
