#include "actors/api_request.hpp"

#include "actors/api.hpp"
#include "actors/chart.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

namespace tributary {

namespace {

/// The answer, or its first part: the bytes, and whether more follow (the
/// connection then asks with `(atom::get, atom::next)` for each next part).
using promise = caf::typed_response_promise<std::string, bool>;

constexpr const char* json_type = "application/json; charset=utf-8";

/// No finite timeout on our requests: in CAF 0.17.6 a pending request
/// timeout keeps its actor alive after the actor is done. A request that
/// fails (an actor gone) still answers 500 through the error handlers.
constexpr auto step_deadline = caf::infinite;

void reply(caf::event_based_actor* self, promise rp, int code,
           std::string_view type, const std::string& body) {
  rp.deliver(api::http_response(code, type, body), false);
  self->quit();
}

/// How much of a big answer is rendered per part: big enough that the
/// per-part messages cost nothing, small enough that an answer in flight
/// holds a few hundred KB.
constexpr size_t part_budget = 256 * 1024;

/// Renders the next part of a body and hands it to `done(part, more)`,
/// at once or once the queries it needs have answered.
using part_callback = std::function<void(std::string, bool)>;
using part_source = std::function<void(part_callback)>;

/// Answers 200 with the body `next` renders part by part. An answer that
/// fits in its first part goes out whole with Content-Length as before;
/// a bigger one is streamed: chunked to an HTTP/1.1 client, ended by the
/// close for an HTTP/1.0 one. The connection asks for each next part once
/// its socket took the previous one; if it goes away, so does this actor.
void reply_streamed(caf::event_based_actor* self, promise rp,
                    const http_request& req, std::string type,
                    std::shared_ptr<part_source> next) {
  bool chunked = req.http_1_1;
  (*next)([=](std::string part, bool more) mutable {
    if (!more)
      return reply(self, rp, 200, type, part);
    auto out = api::http_stream_head(200, type, chunked);
    api::append_body_part(out, part, chunked);
    rp.deliver(std::move(out), true);
    self->become([=](atom::get, atom::next) {
      auto part_rp = self->make_response_promise<std::string, bool>();
      (*next)([=](std::string part, bool more) mutable {
        std::string out;
        api::append_body_part(out, part, chunked);
        if (!more)
          out += api::body_end(chunked);
        part_rp.deliver(std::move(out), more);
        if (!more)
          self->quit();
      });
      return part_rp;
    });
  });
}

/// A failed step (an actor gone, an error answer): 500, logged with the
/// request.
void reply_error(caf::event_based_actor* self, promise rp,
                 const daemon_context& ctx, const http_request& req,
                 const caf::error& err) {
  auto what = self->system().render(err);
  TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER",
                  "request '", log_text(req.url), "' failed: ", log_text(what));
  reply(self, rp, 500, "text/plain", "internal error: " + what + "\n");
}

void reply_400(caf::event_based_actor* self, promise rp,
               std::string_view why) {
  reply(self, rp, 400, "text/plain", api::bad_request(why));
}

std::string param(const http_request& req, const std::string& name,
                  std::string fallback = {}) {
  auto i = req.query.find(name);
  return i == req.query.end() ? fallback : i->second;
}

/// /api/v1/allmetrics?format=prometheus in parts: each part queries the
/// latest point of the next batch of charts (in parallel) and renders
/// them, so an answer of 100,000 charts holds one batch of results.
std::shared_ptr<part_source>
allmetrics_parts(caf::event_based_actor* self, host_actor host,
                 const host_summary& summary, chart_listing listing) {
  constexpr size_t batch = 512;
  struct progress {
    chart_listing listing;
    size_t next = 0;
    std::string head;
  };
  auto at = std::make_shared<progress>();
  at->listing = std::move(listing);
  api::append_prometheus_head(at->head, summary);
  return std::make_shared<part_source>([=](part_callback done) {
    auto begin = at->next;
    auto end = std::min(at->listing.charts.size(), begin + batch);
    at->next = end;
    auto finish = [=](std::vector<data_result>& latest) {
      std::string part = std::move(at->head);
      at->head.clear();
      for (size_t i = begin; i < end; ++i)
        api::append_prometheus_chart(part, *at->listing.charts[i].def,
                                     latest[i - begin]);
      done(std::move(part), end < at->listing.charts.size());
    };
    if (begin == end) {
      std::vector<data_result> none;
      return finish(none);
    }
    auto latest = std::make_shared<std::vector<data_result>>(end - begin);
    auto pending = std::make_shared<size_t>(end - begin);
    for (size_t i = begin; i < end; ++i) {
      data_query q;
      q.chart = at->listing.charts[i].def->id;
      q.after = -1;
      q.points = 1;
      auto answered = [=]() mutable {
        if (--*pending == 0)
          finish(*latest);
      };
      self->request(host, step_deadline, atom::query::value, q)
        .then([=](const data_result& res) mutable {
                (*latest)[i - begin] = res;
                answered();
              },
              [=](caf::error&) mutable { answered(); });
    }
  });
}

void on_host(caf::event_based_actor* self, promise rp, const http_request& req,
             const api::route& r, host_actor host, size_t hosts_count,
             const daemon_context& ctx) {
  auto fail = [=](caf::error& err) mutable {
    reply_error(self, rp, ctx, req, err);
  };
  if (r.endpoint.rfind("alarm", 0) == 0) {
    std::vector<std::string> args;
    for (auto& [k, v] : req.query)
      args.push_back(k + "=" + v);
    auto endpoint = r.endpoint;
    self->request(host, step_deadline, atom::health::value, endpoint, args)
      .then(
        [=](const std::string& body) mutable {
          reply(self, rp, 200, json_type, body);
        },
        [=](caf::error& err) mutable {
          if (err != ec::not_found)
            return fail(err);
          // Health is off for this host: Netdata's empty answers.
          if (endpoint == "alarm_log")
            return reply(self, rp, 200, json_type, "[]");
          if (endpoint == "alarm_count")
            return reply(self, rp, 200, json_type, "[0]");
          self->request(host, step_deadline, atom::get::value, atom::info::value)
            .then(
              [=](const host_summary& h) mutable {
                reply(self, rp, 200, json_type,
                      api::render_health_disabled(h.info.hostname, endpoint));
              },
              fail);
        });
    return;
  }
  if (r.endpoint == "data") {
    data_query q;
    std::string why;
    if (!api::parse_data_query(req.query, q, why))
      return reply_400(self, rp, why);
    auto format = param(req, "format", "json");
    if (format != "json" && format != "csv")
      return reply_400(self, rp, "unknown format '" + format + "' (json, csv)");
    self->request(host, step_deadline, atom::query::value, q)
      .then(
        [=](const data_result& res) mutable {
          auto type = format == "csv" ? "text/plain; charset=utf-8" : json_type;
          reply(self, rp, 200, type, api::render_data(res, format));
        },
        [=](caf::error& err) mutable {
          if (err == ec::not_found)
            return reply_400(self, rp, "chart '" + q.chart + "' is not found");
          fail(err);
        });
    return;
  }
  self->request(host, step_deadline, atom::get::value, atom::info::value)
    .then(
      [=](const host_summary& summary) mutable {
        self->request(host, step_deadline, atom::get::value, atom::charts::value)
          .then(
            [=](chart_listing& listing) mutable {
              if (r.endpoint == "charts") {
                auto writer = std::make_shared<api::charts_writer>(
                  summary, std::move(listing), hosts_count);
                auto next = std::make_shared<part_source>(
                  [writer](part_callback done) {
                    std::string part;
                    bool more = writer->next(part, part_budget);
                    done(std::move(part), more);
                  });
                return reply_streamed(self, rp, req, json_type, next);
              }
              if (r.endpoint == "chart") {
                auto id = param(req, "chart");
                if (id.empty())
                  return reply_400(self, rp, "missing parameter 'chart'");
                // by id, by name, or by "type.name" as /data finds it
                auto dot = id.find('.');
                for (auto& c : listing.charts) {
                  auto& d = *c.def;
                  if (d.id == id || d.name == id
                      || (dot != std::string::npos && !d.name.empty()
                          && d.id.compare(0, dot + 1, id, 0, dot + 1) == 0
                          && d.name == id.substr(dot + 1))) {
                    chart_summary one;
                    one.def = d;
                    one.first_entry = c.extent->first_entry.load();
                    one.last_entry = c.extent->last_entry.load();
                    return reply(self, rp, 200, json_type, api::render_chart(one));
                  }
                }
                return reply_400(self, rp, "chart '" + id + "' is not found");
              }
              // allmetrics
              auto format = param(req, "format", "shell");
              if (format != "prometheus")
                return reply_400(self, rp, "unsupported format '" + format
                                             + "' (prometheus)");
              auto next = allmetrics_parts(self, host, summary,
                                           std::move(listing));
              reply_streamed(self, rp, req, "text/plain; version=0.0.4", next);
            },
            fail);
      },
      fail);
}

/// /api/v1/info, with the host's alert counts.
void answer_info(caf::event_based_actor* self, promise rp, host_actor host,
                 std::optional<std::vector<host_summary>> all,
                 const daemon_context& ctx, const http_request& req) {
  bool https = ctx.web_tls != nullptr;
  auto render = [=](std::vector<host_summary> hosts) mutable {
    std::vector<std::string> none;
    self->request(host, step_deadline, atom::health::value,
                  std::string{"alarm_totals"}, none)
      .then(
        [=](const std::string& totals) mutable {
          reply(self, rp, 200, json_type,
                api::render_info(hosts, true, https, totals));
        },
        [=](caf::error&) mutable {
          reply(self, rp, 200, json_type, api::render_info(hosts, true, https, ""));
        });
  };
  if (all)
    return render(std::move(*all));
  self->request(host, step_deadline, atom::get::value, atom::info::value)
    .then([=](const host_summary& h) mutable { render({h}); },
          [=](caf::error& err) mutable {
            reply_error(self, rp, ctx, req, err);
          });
}

/// /alive: 200 when the registry answers (the actor system schedules and
/// the I/O thread moved this request), else 503. /ready: alive, and the
/// daemon has bound every listener and opened localhost's storage.
void answer_probe(caf::event_based_actor* self, promise rp,
                  const std::string& probe, const daemon_context& ctx) {
  bool started = ctx.ready && ctx.ready->load();
  self->request(ctx.registry, caf::infinite, atom::get::value,
                atom::hosts::value)
    .then(
      [=](const std::vector<host_summary>&) mutable {
        if (probe == "ready" && !started)
          reply(self, rp, 503, "text/plain",
                "not ready: listeners or storage not open yet\n");
        else
          reply(self, rp, 200, "text/plain", probe + "\n");
      },
      [=](caf::error& err) mutable {
        reply(self, rp, 503, "text/plain",
              "not " + probe + ": the host registry does not answer: "
                + self->system().render(err) + "\n");
      });
}

} // namespace

caf::behavior api_request(caf::event_based_actor* self, http_request req,
                          daemon_context ctx) {
  return {
    [=](atom::get) -> caf::result<std::string, bool> {
      promise rp = self->make_response_promise<std::string, bool>();
      // A client that goes away (its connection ends) ends the answer, also
      // one that is half sent.
      if (auto connection = caf::actor_cast<caf::actor>(self->current_sender())) {
        self->monitor(connection);
        self->set_down_handler([=](caf::down_msg&) { self->quit(); });
      }
      // An exception in any handler of this request (a writer, a bad_alloc)
      // ends the actor: answer 500 first, or the client would wait forever.
      // The handler reaches the promise through `held`, emptied when the
      // actor ends: a promise holds its actor, and a handler stored in the
      // actor holding it directly made a cycle that was never freed (one
      // leaked actor per request, and a detached one blocked the exit).
      auto held = std::make_shared<std::optional<promise>>(rp);
      self->attach_functor([held] { held->reset(); });
      self->set_exception_handler(
        [held, ctx, url = req.url](caf::scheduled_actor*,
                                   std::exception_ptr& eptr) -> caf::error {
          std::string what = "unknown exception";
          try {
            std::rethrow_exception(eptr);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
            // keep "unknown exception"
          }
          TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER", "request '",
                          log_text(url), "' failed: ", log_text(what));
          if (*held)
            (*held)->deliver(api::http_response(
              500, "text/plain", "internal error: " + what + "\n"), false);
          return caf::exit_reason::normal;
        });
      auto r = api::parse_route(req.path);
      if (r.endpoint.empty()) {
        rp.deliver(api::http_response(404, "text/plain",
                                      "not found: " + req.path + "\n"),
                   false);
        self->quit();
        return rp;
      }
      if (r.endpoint == "alive" || r.endpoint == "ready") {
        answer_probe(self, rp, r.endpoint, ctx);
        return rp;
      }
      if (r.endpoint == "actors") {
        self->request(ctx.registry, step_deadline, atom::get::value,
                      atom::status::value)
          .then(
            [=](const std::vector<actor_status>& all) mutable {
              reply(self, rp, 200, json_type, api::render_actors(all));
            },
            [=](caf::error& err) mutable {
              reply_error(self, rp, ctx, req, err);
            });
        return rp;
      }
      self->request(ctx.registry, step_deadline, atom::get::value,
                    atom::hosts::value)
        .then(
          [=](const std::vector<host_summary>& hosts) mutable {
            auto name = r.host;
            if (name.empty() && !hosts.empty())
              name = hosts.front().info.machine_guid;
            self->request(ctx.registry, step_deadline, atom::get::value, name)
              .then(
                [=](host_actor& host) mutable {
                  if (r.endpoint == "info") {
                    // localhost's info lists every host; /host/X/ only X.
                    std::optional<std::vector<host_summary>> all;
                    if (r.host.empty())
                      all = hosts;
                    answer_info(self, rp, host, all, ctx, req);
                    return;
                  }
                  on_host(self, rp, req, r, host, hosts.size(), ctx);
                },
                [=](caf::error&) mutable {
                  reply(self, rp, 404, "text/plain",
                        "host '" + name + "' is not found\n");
                });
          },
          [=](caf::error& err) mutable {
            reply_error(self, rp, ctx, req, err);
          });
      return rp;
    },
  };
}

} // namespace tributary
