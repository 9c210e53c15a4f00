#include "actors/api_request.hpp"

#include "actors/api_request_steps.hpp"
#include "actors/console_assets.hpp"
#include "api/static_files.hpp"
#include "config/settings.hpp"

#include <caf/all.hpp>
#include <cstdlib>
#include <memory>
#include <optional>

namespace tributary {

using namespace api_request_steps;

namespace {

/// A file of `[directories] web` (Netdata's dashboard). `/` without one
/// sends the browser to the console instead.
void answer_static(api_request_ptr self, promise rp,
                   const std::string& file_path, bool is_root,
                   const daemon_context& ctx, const http_request& req) {
  // The biggest file of Netdata's web folder is a few MB.
  constexpr size_t max_static_bytes = size_t{32} * 1024 * 1024;
  std::string web_dir = ctx.settings ? ctx.settings->global.web_dir : "";
  auto found = api::resolve_static_path(web_dir, file_path);
  if (found.status != 200) {
    if (is_root) {
      rp.deliver(api::redirect("/console"), false);
      self->quit();
      return;
    }
    if (found.status == 403)
      TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER", "refused '", log_text(req.url),
                      "': ", found.reason);
    reply(self, rp, found.status, "text/plain",
          (found.status == 403 ? "forbidden: " : "not found: ")
              + log_text(req.path) + "\n");
    return;
  }
  auto file = api::read_static_file(found.file, max_static_bytes);
  if (file.status != 200) {
    reply(self, rp, file.status, "text/plain", file.reason + "\n");
    return;
  }
  reply(self, rp, 200, api::content_type_for(found.file), file.body);
}

/// /alive: 200 when the registry answers (the actor system schedules and
/// the I/O thread moved this request), else 503. /ready: alive, and the
/// daemon has bound every listener and opened localhost's storage.
void answer_probe(api_request_ptr self, const promise& rp,
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

api_request_actor::behavior_type api_request(api_request_actor::pointer self,
                                             const http_request& req,
                                             const daemon_context& ctx) {
  return {
      [=](atom::get) -> caf::result<std::string, bool> {
        promise rp = self->make_response_promise<std::string, bool>();
        // A client that goes away (its connection ends) ends the answer, also
        // one that is half sent.
        if (auto connection
            = caf::actor_cast<caf::actor>(self->current_sender())) {
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
                (*held)->deliver(
                    api::http_response(500, "text/plain",
                                       "internal error: " + what + "\n"),
                    false);
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
        if (r.endpoint == "unsupported") {
          reply(self, rp, 404, "text/plain; charset=utf-8",
                "Unsupported v1 API command: " + api::html_escape(r.file_path));
          return rp;
        }
        if (r.endpoint == "alive" || r.endpoint == "ready") {
          answer_probe(self, rp, r.endpoint, ctx);
          return rp;
        }
        if (r.endpoint.rfind("console/", 0) == 0) {
          if (!ctx.console) {
            reply(self, rp, 503, "text/plain", "the console is not running\n");
            return rp;
          }
          if (auto host = param(req, "host", "");
              r.endpoint == "console/actors" && !host.empty()
              && param(req, "charts", "") == "1") {
            // One host's chart actors, asked now (docs/console.md).
            self->request(ctx.console, step_deadline, atom::get::value,
                          atom::charts::value, host)
                .then(
                    [=](const std::string& body) mutable {
                      reply(self, rp, 200, json_type, body);
                    },
                    [=](caf::error& err) mutable {
                      if (err == ec::not_found)
                        reply(self, rp, 404, "text/plain",
                              "no host " + host + "\n");
                      else
                        reply_error(self, rp, ctx, req, err);
                    });
            return rp;
          }
          int64_t after = 0;
          auto a = param(req, "after", "0");
          char* end = nullptr;
          after = std::strtoll(a.c_str(), &end, 10);
          if (a.empty() || *end != '\0') {
            reply_400(self, rp, "'after' is not a number: " + a);
            return rp;
          }
          self->request(ctx.console, step_deadline, atom::get::value,
                        r.endpoint.substr(8), after)
              .then(
                  [=](const std::string& body) mutable {
                    reply(self, rp, 200, json_type, body);
                  },
                  [=](caf::error& err) mutable {
                    reply_error(self, rp, ctx, req, err);
                  });
          return rp;
        }
        if (r.endpoint == "root" || r.endpoint == "static") {
          answer_static(self, rp, r.endpoint == "root" ? "/" : r.file_path,
                        r.endpoint == "root", ctx, req);
          return rp;
        }
        if (r.endpoint == "console-page") {
          auto* asset = find_console_asset(req.path);
          if (asset == nullptr)
            reply(self, rp, 404, "text/plain", "not found: " + req.path + "\n");
          else
            reply(self, rp, 200, asset->content_type, std::string{asset->body});
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
                  self->request(ctx.registry, step_deadline, atom::get::value,
                                name)
                      .then(
                          [=](host_actor& host) mutable {
                            if (r.endpoint == "info") {
                              // localhost's info lists every host; /host/X/
                              // only X.
                              std::optional<std::vector<host_summary>> all;
                              if (r.host.empty())
                                all = hosts;
                              answer_info(self, rp, host, all, ctx, req);
                              return;
                            }
                            std::vector<std::string> names;
                            names.reserve(hosts.size());
                            for (auto& h : hosts)
                              names.push_back(h.info.hostname);
                            on_host(self, rp, req, r, host, names, ctx);
                          },
                          [=](caf::error&) mutable {
                            reply(self, rp, 404, "text/html; charset=utf-8",
                                  "This netdata does not maintain a database "
                                  "for host: "
                                      + api::html_escape(name));
                          });
                },
                [=](caf::error& err) mutable {
                  reply_error(self, rp, ctx, req, err);
                });
        return rp;
      },
      // Asked only after a first part said more follow (then the behavior
      // is reply_streamed's).
      [](atom::get, atom::next) -> caf::result<std::string, bool> {
        return caf::sec::unexpected_message;
      },
  };
}

} // namespace tributary
