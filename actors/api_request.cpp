#include "actors/api_request.hpp"

#include "actors/api.hpp"

#include <caf/all.hpp>

#include <memory>
#include <optional>

namespace tributary {

namespace {

using promise = caf::typed_response_promise<std::string>;

constexpr const char* json_type = "application/json; charset=utf-8";

/// No finite timeout on our requests: in CAF 0.17.6 a pending request
/// timeout keeps its actor alive after the actor is done. A request that
/// fails (an actor gone) still answers 500 through the error handlers.
constexpr auto step_deadline = caf::infinite;

void reply(caf::event_based_actor* self, promise rp, int code,
           std::string_view type, const std::string& body) {
  rp.deliver(api::http_response(code, type, body));
  self->quit();
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
            [=](const std::vector<chart_summary>& charts) mutable {
              if (r.endpoint == "charts")
                return reply(self, rp, 200, json_type,
                             api::render_charts(summary, charts, hosts_count));
              if (r.endpoint == "chart") {
                auto id = param(req, "chart");
                if (id.empty())
                  return reply_400(self, rp, "missing parameter 'chart'");
                // by id, by name, or by "type.name" as /data finds it
                auto dot = id.find('.');
                for (auto& c : charts)
                  if (c.def.id == id || c.def.name == id
                      || (dot != std::string::npos && !c.def.name.empty()
                          && c.def.id.compare(0, dot + 1, id, 0, dot + 1) == 0
                          && c.def.name == id.substr(dot + 1)))
                    return reply(self, rp, 200, json_type, api::render_chart(c));
                return reply_400(self, rp, "chart '" + id + "' is not found");
              }
              // allmetrics
              auto format = param(req, "format", "shell");
              if (format != "prometheus")
                return reply_400(self, rp, "unsupported format '" + format
                                             + "' (prometheus)");
              auto latest = std::make_shared<std::vector<data_result>>(charts.size());
              auto pending = std::make_shared<size_t>(charts.size());
              if (charts.empty())
                return reply(self, rp, 200, "text/plain; version=0.0.4",
                             api::render_prometheus(summary, charts, *latest));
              for (size_t i = 0; i < charts.size(); ++i) {
                data_query q;
                q.chart = charts[i].def.id;
                q.after = -1;
                q.points = 1;
                auto done = [=]() mutable {
                  if (--*pending == 0)
                    reply(self, rp, 200, "text/plain; version=0.0.4",
                          api::render_prometheus(summary, charts, *latest));
                };
                self->request(host, step_deadline, atom::query::value, q)
                  .then([=](const data_result& res) mutable {
                          (*latest)[i] = res;
                          done();
                        },
                        [=](caf::error&) mutable { done(); });
              }
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
                api::render_info(hosts, true, https, totals, stream_on,
                                 tributary_version()));
        },
        [=](caf::error&) mutable {
          reply(self, rp, 200, json_type,
                api::render_info(hosts, true, https, "", stream_on,
                                 tributary_version()));
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
    [=](atom::get) -> caf::result<std::string> {
      promise rp = self->make_response_promise<std::string>();
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
              500, "text/plain", "internal error: " + what + "\n"));
          return caf::exit_reason::normal;
        });
      auto r = api::parse_route(req.path);
      if (r.endpoint.empty()) {
        rp.deliver(api::http_response(404, "text/plain",
                                      "not found: " + req.path + "\n"));
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
  bool stream_on = ctx.settings && ctx.settings->stream.enabled;
