#pragma once

// The steps one API request answers with, shared by the files of the
// api_request actor: replying, and the answers of each API family.

#include "actors/api_request.hpp"
#include "api/v1.hpp"

#include <caf/all.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::api_request_steps {

/// The answer, or its first part: the bytes, and whether more follow (the
/// connection then asks with `(atom::get, atom::next)` for each next part).
using promise = caf::typed_response_promise<std::string, bool>;

using api_request_ptr = api_request_actor::pointer;

constexpr const char* json_type = "application/json; charset=utf-8";

/// No finite timeout on our requests: in CAF 0.17.6 a pending request
/// timeout keeps its actor alive after the actor is done. A request that
/// fails (an actor gone) still answers 500 through the error handlers.
constexpr auto step_deadline = caf::infinite;

/// How much of a big answer is rendered per part: big enough that the
/// per-part messages cost nothing, small enough that an answer in flight
/// holds a few hundred KB.
constexpr size_t part_budget = size_t{256} * 1024;

/// Renders the next part of a body and hands it to `done(part, more)`,
/// at once or once the queries it needs have answered.
using part_callback = std::function<void(std::string, bool)>;
using part_source = std::function<void(part_callback)>;

using step_failed = std::function<void(caf::error&)>;

/// Answers `code` with `body` and ends the actor.
void reply(api_request_ptr self, promise rp, int code, std::string_view type,
           const std::string& body);

/// Answers 200 with the body `next` renders part by part. An answer that
/// fits in its first part goes out whole with Content-Length as before;
/// a bigger one is streamed: chunked to an HTTP/1.1 client, ended by the
/// close for an HTTP/1.0 one. The connection asks for each next part once
/// its socket took the previous one; if it goes away, so does this actor.
void reply_streamed(api_request_ptr self, promise rp, const http_request& req,
                    const std::string& type,
                    const std::shared_ptr<part_source>& next);

/// A failed step (an actor gone, an error answer): 500, logged with the
/// request.
void reply_error(api_request_ptr self, promise rp, const daemon_context& ctx,
                 const http_request& req, const caf::error& err);

void reply_400(api_request_ptr self, promise rp, std::string_view why);

std::string param(const http_request& req, const std::string& name,
                  const std::string& fallback = {});

/// Asks `host` for its summary, then for every chart it has, and hands both
/// to `then` (/charts, /chart and allmetrics start from them).
using host_listing_fn
    = std::function<void(const host_summary&, chart_listing&)>;
void with_host_listing(api_request_ptr self, const host_actor& host,
                       const host_listing_fn& then, const step_failed& fail);

/// /api/v1/allmetrics: format shell, json, prometheus or
/// prometheus_all_hosts.
void answer_allmetrics(api_request_ptr self, const promise& rp,
                       const http_request& req, const host_actor& host,
                       const daemon_context& ctx);

/// The API of one host: alarms, allmetrics, registry, data, charts, chart.
void on_host(api_request_ptr self, const promise& rp, const http_request& req,
             const api::route& r, const host_actor& host,
             const std::vector<std::string>& hostnames,
             const daemon_context& ctx);

/// /api/v1/info, with the host's alert counts.
void answer_info(api_request_ptr self, const promise& rp,
                 const host_actor& host,
                 std::optional<std::vector<host_summary>> all,
                 const daemon_context& ctx, const http_request& req);

} // namespace tributary::api_request_steps
