// /api/v1/data as tables, one line per row: csv, tsv, html, markdown and
// csvjsonarray; and as a Google Visualization DataTable (datatable, and
// datasource: the same table, in JSON, in a JavaScript callback).

#include "api/numbers.hpp"
#include "api/text_fix.hpp"
#include "api/v1.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace tributary::api {

namespace {

/// What surrounds the cells of one format's lines.
struct table_marks {
  std::string_view line_start;
  std::string_view separator;
  std::string_view line_end;
  /// Before every row (not the header).
  std::string_view between_rows;
  /// Labels in double quotes (csvjsonarray).
  bool quoted_labels = false;
  /// A `:---:` line after the header (markdown).
  bool alignment_line = false;
};

void append_label(std::string& out, std::string_view label, bool quoted) {
  if (quoted)
    out += '"';
  out += label;
  if (quoted)
    out += '"';
}

void append_table(std::string& out, const data_result& res,
                  const table_marks& m, bool epoch_times) {
  auto ndims = res.dimension_names.size();
  auto rows = res.times.size();
  for (size_t line = 0; line < (m.alignment_line ? 2 : 1); ++line) {
    out += m.line_start;
    append_label(out, line == 0 ? "time" : ":---:", m.quoted_labels);
    for (auto& n : res.dimension_names) {
      out += m.separator;
      append_label(out, line == 0 ? fix_utf8(n) : ":---:", m.quoted_labels);
    }
    out += m.line_end;
  }
  char buf[64];
  for (size_t r = rows; r-- > 0;) { // newest first
    out += m.between_rows;
    out += m.line_start;
    // Local date and time unless `seconds` or `ms` asks for Unix time.
    std::time_t t = res.times[r];
    std::tm local{};
    if (epoch_times || localtime_r(&t, &local) == nullptr)
      out += std::to_string(res.times[r]);
    else if (std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &local) > 0)
      out += buf;
    for (size_t d = 0; d < ndims; ++d) {
      auto v = res.values[r * ndims + d];
      out += m.separator;
      out += std::isnan(v) ? std::string_view{"null"}
                           : fixed7(v, buf, sizeof(buf));
    }
    out += m.line_end;
  }
}

/// The DataTable's columns and rows, spaced as 1.37.1 spaces them.
void append_datatable(std::string& out, const data_result& res) {
  auto column = [&](std::string_view indent, std::string_view label,
                    std::string_view type, std::string_view role) {
    out += indent;
    out += R"({"id":"","label":")";
    out += label;
    out += R"(","pattern":"","type":")";
    out += type;
    out += '"';
    if (!role.empty()) {
      out += R"(,"p":{"role":")";
      out += role;
      out += R"("})";
    }
    out += '}';
  };
  constexpr std::string_view wide = "        ";
  out += "{\n \"cols\":\n [\n";
  column(wide, "time", "datetime", "");
  out += ",\n";
  column(wide, "", "string", "annotation");
  out += ",\n";
  column(wide, "", "string", "annotationText");
  for (auto& n : res.dimension_names) {
    out += ",\n";
    std::string label;
    append_json_string(label, fix_utf8(n));
    // append_json_string quotes; the label goes inside quotes already.
    column("     ", std::string_view{label}.substr(1, label.size() - 2),
           "number", "");
  }
  out += "\n  ],\n    \"rows\":\n [\n";
  auto ndims = res.dimension_names.size();
  auto rows = res.times.size();
  char buf[64];
  for (size_t r = rows; r-- > 0;) { // newest first
    if (r + 1 != rows)
      out += ",\n";
    out += wide;
    // JavaScript's Date: months count from 0.
    std::time_t t = res.times[r];
    std::tm local{};
    localtime_r(&t, &local);
    std::snprintf(buf, sizeof(buf), "Date(%d,%d,%d,%d,%d,%d)",
                  local.tm_year + 1900, local.tm_mon, local.tm_mday,
                  local.tm_hour, local.tm_min, local.tm_sec);
    out += R"({"c":[{"v":")";
    out += buf;
    out += R"("},{"v":null},{"v":null})";
    for (size_t d = 0; d < ndims; ++d) {
      auto v = res.values[r * ndims + d];
      out += R"(,{"v":)";
      out += std::isnan(v) ? std::string_view{"null"}
                           : fixed7(v, buf, sizeof(buf));
      out += '}';
    }
    out += "]}";
  }
  out += "\n]\n}";
}

/// One `name:value` of datasource's `tqx` (pairs separated by `;`).
std::string tqx_value(std::string_view tqx, std::string_view name,
                      std::string_view def) {
  while (!tqx.empty()) {
    auto end = tqx.find(';');
    auto pair = tqx.substr(0, end);
    auto colon = pair.find(':');
    if (colon != std::string_view::npos && pair.substr(0, colon) == name)
      return std::string{pair.substr(colon + 1)};
    if (end == std::string_view::npos)
      break;
    tqx.remove_prefix(end + 1);
  }
  return std::string{def};
}

} // namespace

std::string render_data_table(const data_result& res, std::string_view format,
                              bool epoch_times) {
  std::string out;
  if (format == "csv")
    append_table(out, res, {"", ",", "\r\n", ""}, epoch_times);
  else if (format == "tsv")
    append_table(out, res, {"", "\t", "\r\n", ""}, epoch_times);
  else if (format == "markdown")
    append_table(out, res, {"", "|", "\r\n", "", false, true}, epoch_times);
  else if (format == "html") {
    out = "<html>\n<center>\n<table border=\"0\" cellpadding=\"5\" "
          "cellspacing=\"5\">\n";
    append_table(out, res, {"<tr><td>", "</td><td>", "</td></tr>\n", ""},
                 epoch_times);
    out += "</table>\n</center>\n</html>\n";
  } else if (format == "csvjsonarray") {
    out = "[\n";
    append_table(out, res, {"[", ",", "]", ",\n", true}, epoch_times);
    out += "\n]";
  } else if (format == "datatable")
    append_datatable(out, res);
  return out;
}

std::string render_datasource(const data_result& res, std::string_view tqx) {
  auto handler = tqx_value(tqx, "responseHandler",
                           "google.visualization.Query.setResponse");
  auto head = handler + "({version:'" + tqx_value(tqx, "version", "0.6")
              + "',reqId:'" + tqx_value(tqx, "reqId", "0") + "'";
  auto sig = std::strtoll(tqx_value(tqx, "sig", "0").c_str(), nullptr, 10);
  // The client's signature is the newest time it holds: no newer data,
  // nothing to send.
  if (sig >= res.last_entry && sig != 0)
    return head
           + ",status:'error',errors:[{reason:'not_modified',message:'Data "
             "not modified'}]});";
  auto out = head + ",status:'ok',sig:'" + std::to_string(res.last_entry)
             + "',table:";
  append_datatable(out, res);
  out += "});";
  return out;
}

std::string_view data_content_type(std::string_view format) {
  if (format == "json" || format == "array" || format == "csvjsonarray"
      || format == "datatable")
    return "application/json; charset=utf-8";
  if (format == "jsonp" || format == "datasource")
    return "application/x-javascript; charset=utf-8";
  if (format == "html")
    return "text/html; charset=utf-8";
  return "text/plain; charset=utf-8";
}

std::string_view known_data_format(std::string_view format) {
  for (std::string_view f :
       {"json", "jsonp", "csv", "tsv", "array", "ssv", "ssvcomma", "html",
        "markdown", "csvjsonarray", "datatable", "datasource"})
    if (format == f)
      return f;
  return "json";
}

} // namespace tributary::api
