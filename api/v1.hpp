#pragma once

// Netdata v1 API shapes rendered from actor replies (plain functions, no
// actors): /api/v1/info, /api/v1/charts, /api/v1/chart, /api/v1/data,
// /api/v1/allmetrics.

#include "api/json_writer.hpp"
#include "api/text_fix.hpp"
#include "model/payloads.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::api {

/// Which endpoint a request names, and for which host.
struct route {
  /// "info", "charts", "chart", "data", "allmetrics", "actors", the probes
  /// "alive" and "ready" (paths `/alive`, `/ready`), "console/actors",
  /// "console/streams", "console/series", the console's page and assets
  /// "console-page" (`/console`, `/console/...`), "root" (`/`), "static"
  /// (any other path outside `/api/`: a file of `[directories] web`),
  /// "unsupported" (an unknown `/api/v1/` command, in `file_path`), or ""
  /// if unknown.
  std::string endpoint;
  /// Hostname or GUID from `/host/<h>/api/v1/...`; empty = localhost.
  std::string host;
  /// For "static": the file's path inside the web files folder (`/host/<h>`
  /// taken off, as the dashboard of a child loads the same files).
  std::string file_path;
};

/// Splits a request path; returns an empty endpoint for unknown paths.
route parse_route(std::string_view path);

/// A complete HTTP/1.1 response with Content-Length and `Connection: close`.
std::string http_response(int code, std::string_view content_type,
                          std::string_view body);

/// A `302 Found` to `location` (a path of this server).
std::string redirect(std::string_view location);
/// The head of a response whose body follows in parts as it is rendered:
/// `chunked` (an HTTP/1.1 client) announces chunked transfer coding, else
/// the body ends with the connection (`Connection: close`, no length).
std::string http_stream_head(int code, std::string_view content_type,
                             bool chunked);

/// Appends one part of a streamed body, as a chunk when `chunked`; an empty
/// part is skipped (a chunk of size 0 would end the body).
void append_body_part(std::string& out, std::string_view part, bool chunked);

/// What ends a streamed body: the last (empty) chunk when `chunked`.
std::string_view body_end(bool chunked);

/// The `301` a TLS-enabled web server answers a plain request with, sending
/// the client to `https://<host><url>`.
std::string https_redirect(std::string_view host, std::string_view url);

/// /api/v1/alarms or alarms_values of a host without health.
std::string render_health_disabled(const std::string& hostname,
                                   const std::string& endpoint);

/// The body of a 400 answer naming the reason.
std::string bad_request(std::string_view reason);

/// 1.37.1's answer (404) to /api/v1/data when the chart or `dimensions=`
/// selects nothing.
constexpr std::string_view no_metrics_matched
    = "No metrics where matched to query.";

/// /api/v1/info: `hosts` with the answering node first; `https`: the web
/// server has TLS; `alarm_totals`: its health's {"normal","warning",
/// "critical"} object ("" = zeros).
/// `stream_enabled`: `[stream] enabled` of this daemon; `own_version`:
/// tributary's release, beside the Netdata "version" clients check.
std::string render_info(const std::vector<host_summary>& hosts, bool lz4_build,
                        bool https, const std::string& alarm_totals,
                        bool stream_enabled = false,
                        std::string_view own_version = {});

/// /api/v1/charts for one host, rendered in parts so that an answer of
/// 100,000 charts is sent while it is written and never held whole.
class charts_writer {
public:
  /// `hostnames`: every host the daemon lists, in its order (localhost
  /// first).
  charts_writer(host_summary host, chart_listing charts,
                std::vector<std::string> hostnames);
  charts_writer(const charts_writer&) = delete;
  charts_writer& operator=(const charts_writer&) = delete;

  /// Appends the next part (whole charts until about `budget` bytes) to
  /// `out`; false once the document is complete.
  bool next(std::string& out, size_t budget);

private:
  host_summary host_;
  chart_listing charts_;
  std::vector<std::string> hostnames_;
  std::string buf_;
  json_writer w_{buf_};
  size_t next_chart_ = 0;
  size_t dims_ = 0;
  bool started_ = false;
};

/// /api/v1/actors (tributary's own): every long-lived actor's status, for
/// the actor console (`tributary top`).
std::string render_actors(const std::vector<actor_status>& actors);

/// /api/v1/registry?action=hello: who this agent is (tributary runs no
/// registry of its own).
std::string render_registry_hello(const host_info& info);

/// One chart object as /api/v1/chart?chart= returns it.
std::string render_chart(const chart_summary& chart);

/// Parses the query of /api/v1/data into a data_query as 1.37.1 reads it
/// (malformed numbers are lenient); false only when `chart` is missing.
bool parse_data_query(const std::map<std::string, std::string>& q,
                      data_query& out);

/// The `options` and `dimensions` of /api/v1/data that shape an answer
/// after the query (1.37.1's RRDR options).
struct data_view {
  bool nonzero = false;
  bool null2zero = false;
  bool absolute = false;
  /// Each value as a percentage of its row's total.
  bool percentage = false;
  /// `flip` or `reversed`: rows oldest first.
  bool oldest_first = false;
  bool milliseconds = false;
  /// `seconds`: csv rows start with Unix time.
  bool seconds = false;
  bool min2max = false;
  /// `jsonwrap`: the answer wrapped with the query's facts.
  bool jsonwrap = false;
  /// Recognised (Netdata prints them back in jsonwrap's "options"); they do
  /// not change tributary's rows.
  bool objectrows = false;
  bool unaligned = false;
  /// `dimensions=`: words separated by `|` or `,` (simple patterns); empty
  /// selects every dimension.
  std::string dimensions;
  /// `match-ids` / `match-names` (neither given: both).
  bool match_ids = true;
  bool match_names = true;
};

/// Reads `options` and `dimensions`; unknown options are ignored (1.37.1).
data_view parse_data_view(const std::map<std::string, std::string>& q);

/// The set options, comma separated, named and ordered as Netdata prints
/// them (`flip` for reversed, `ms` for milliseconds, `abs` for absolute).
std::string data_view_text(const data_view& view);

/// What `options=jsonwrap` tells beyond the rows, taken from the result
/// before the view is applied.
struct data_wrap {
  std::string hostname;
  /// The query as asked (Netdata repeats it in "id" and "name").
  data_query query;
  /// Each stored dimension's newest value by id (NaN = none).
  std::map<std::string, double> latest_values;
  /// Seconds between the result's rows.
  int64_t view_update_every = 0;
  /// Dimensions the query read (before `dimensions=` and `nonzero`).
  int64_t stored_dimensions = 0;
  /// `nonzero` left out dimensions that held zeros: min and max count 0.
  bool dropped_zeros = false;
};

/// Fills what `wrap` takes from `res` before apply_data_view changes it.
void prepare_data_wrap(const data_result& res, const data_view& view,
                       data_wrap& wrap);

/// Applies `view` to `res`: drops the dimensions `dimensions=` does not
/// select (after `percentage`, which divides by the total of every
/// dimension) and, with `nonzero`, those that are 0 or null in every row (all
/// of them stay when none is non-zero), then null2zero, absolute, row order
/// and milliseconds. False when `dimensions=` selects no dimension (1.37.1
/// answers 404 "No metrics where matched to query.").
bool apply_data_view(data_result& res, const data_view& view);

/// /api/v1/data in `format` (json, csv, tsv, array, ssv, ssvcomma, html,
/// markdown, csvjsonarray, datatable); empty if the format is unknown.
/// csv and tsv rows start with the local date and time unless `epoch_times`
/// (options `seconds` or `ms`).
/// array, ssv and ssvcomma give each row's sum, or with `min2max` its
/// max − min.
std::string render_data(const data_result& res, std::string_view format,
                        bool epoch_times = false, bool min2max = false);

/// The formats of render_data that are tables of rows (csv, tsv, html,
/// markdown, csvjsonarray, datatable); empty for any other.
std::string render_data_table(const data_result& res, std::string_view format,
                              bool epoch_times);

/// /api/v1/data?format=datasource: the Google Visualization DataTable in
/// the `responseHandler` callback, with `version`, `reqId` and `sig` of
/// the `tqx` parameter (`name:value` pairs separated by `;`).
std::string render_datasource(const data_result& res, std::string_view tqx);

/// The Content-Type 1.37.1 answers /api/v1/data in `format` with.
std::string_view data_content_type(std::string_view format);

/// `format` if /api/v1/data knows it, else "json" (as 1.37.1 answers).
std::string_view known_data_format(std::string_view format);

/// /api/v1/data with `options=jsonwrap`: `res` after apply_data_view,
/// `format`'s rows in "result" (a JSON document for json and array, a
/// string for the text formats).
std::string render_data_wrapped(const data_result& res, std::string_view format,
                                const data_view& view, const data_wrap& wrap);

} // namespace tributary::api
