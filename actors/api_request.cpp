#include "actors/api_request.hpp"

#include "actors/api.hpp"
#include "actors/chart.hpp"
#include "actors/console_assets.hpp"
#include "api/allmetrics.hpp"
#include "api/static_files.hpp"
#include "config/settings.hpp"
#include "config/simple_pattern.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <cmath>
#include <cstdlib>
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
  TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER", "request '", log_text(req.url),
                  "' failed: ", log_text(what));
  reply(self, rp, 500, "text/plain", "internal error: " + what + "\n");
}

/// A file of `[directories] web` (Netdata's dashboard). `/` without one
/// sends the browser to the console instead.
void answer_static(caf::event_based_actor* self, promise rp,
                   const std::string& file_path, bool is_root,
                   const daemon_context& ctx, const http_request& req) {
  // The biggest file of Netdata's web folder is a few MB.
  constexpr size_t max_static_bytes = 32 * 1024 * 1024;
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

void reply_400(caf::event_based_actor* self, promise rp, std::string_view why) {
  reply(self, rp, 400, "text/plain; charset=utf-8", api::bad_request(why));
}

std::string param(const http_request& req, const std::string& name,
                  std::string fallback = {}) {
  auto i = req.query.find(name);
  return i == req.query.end() ? fallback : i->second;
}

/// The window of a first Prometheus scrape: 1.37.1's exporter `update
/// every` default.
constexpr int64_t prometheus_window_s = 10;

/// One chart's newest row as allmetrics prints it.
api::allmetrics_chart allmetrics_chart_of(const chart_def& def,
                                          const data_result& res) {
  api::allmetrics_chart c;
  c.id = def.id;
  // A CHART's name is given without its type; Netdata names it "type.name".
  auto type = def.id.substr(0, def.id.find('.') + 1);
  c.name = def.name.empty()               ? def.id
           : def.name.rfind(type, 0) == 0 ? def.name
                                          : type + def.name;
  c.family = def.family;
  c.context = def.context;
  c.units = def.units;
  auto row = res.times.size() - 1;
  c.last_updated = res.times[row];
  c.first_t = res.after;
  auto ndims = res.dimension_ids.size();
  for (size_t d = 0; d < ndims; ++d) {
    const dimension_def* dim = nullptr;
    for (auto& x : def.dimensions)
      if (x.id == res.dimension_ids[d])
        dim = &x;
    if (dim && dim->options.find("obsolete") != std::string::npos)
      continue;
    api::allmetrics_dimension out;
    out.id = res.dimension_ids[d];
    out.name = d < res.dimension_names.size() ? res.dimension_names[d] : out.id;
    out.hidden = dim && dim->options.find("hidden") != std::string::npos;
    out.negative = dim && (dim->multiplier < 0 || dim->divisor < 0);
    out.value = res.values[row * ndims + d];
    c.dimensions.push_back(std::move(out));
  }
  return c;
}

using host_done = std::function<void(api::allmetrics_host)>;
using step_failed = std::function<void(caf::error&)>;

/// What one allmetrics answer reads of each chart.
struct allmetrics_plan {
  std::optional<config::simple_pattern> filter;
  /// shell matches the filter on chart names only; json and prometheus on
  /// ids or names.
  bool filter_ids = true;
  data_query window;
  /// Prometheus: each chart's window is derived from this one as 1.37.1's
  /// exporter does; a chart with no point in it is left out.
  bool exporter_window = false;
  int64_t after = 0;
  int64_t before = 0;
};

/// 1.37.1's exporter window of one chart: two collections back, aligned to
/// the chart's update every, one more collection off the end (reported next
/// time), clamped to what is stored. False when nothing is stored in it.
bool exporter_window(const listed_chart& c, int64_t after, int64_t before,
                     data_query& q) {
  auto every = std::max<int64_t>(c.def->update_every, 1);
  auto first_entry = c.extent->first_entry.load();
  auto last_entry = c.extent->last_entry.load();
  after -= every * 2;
  before -= every * 2;
  after -= after % every;
  before -= before % every;
  before -= every;
  if (after > before)
    after = before;
  if (after < first_entry)
    after = first_entry;
  if (before > last_entry)
    before = last_entry;
  if (before < first_entry || after > last_entry || last_entry <= 0)
    return false;
  // The query takes (after, before]: one step earlier keeps `after` in.
  q.after = after - every;
  q.before = before;
  return true;
}

/// One host's charts and their values as `plan` says, then `done`.
void collect_host(caf::event_based_actor* self, host_actor host,
                  std::shared_ptr<const allmetrics_plan> plan, host_done done,
                  step_failed fail) {
  self->request(host, step_deadline, atom::get::value, atom::info::value)
      .then(
          [=](const host_summary& summary) mutable {
            self->request(host, step_deadline, atom::get::value,
                          atom::charts::value)
                .then(
                    [=](const chart_listing& listing) mutable {
                      const auto& all = listing.charts;
                      auto out = std::make_shared<api::allmetrics_host>();
                      out->hostname = summary.info.hostname;
                      out->program_name = summary.info.program_name;
                      out->program_version = summary.info.program_version;
                      // The host's shared definitions: a listing copies no
                      // chart.
                      auto defs = std::make_shared<
                          std::vector<std::shared_ptr<const chart_def>>>();
                      auto windows
                          = std::make_shared<std::vector<data_query>>();
                      for (auto& c : all) {
                        const auto& name
                            = c.def->name.empty() ? c.def->id : c.def->name;
                        if (plan->filter
                            && !(plan->filter->matches(name)
                                 || (plan->filter_ids
                                     && plan->filter->matches(c.def->id))))
                          continue;
                        auto q = plan->window;
                        q.chart = c.def->id;
                        // 1.37.1 still prints the help comment of a chart with
                        // no point in its window: kept without dimensions.
                        if (plan->exporter_window
                            && !exporter_window(c, plan->after, plan->before,
                                                q))
                          q.chart.clear();
                        defs->push_back(c.def);
                        windows->push_back(std::move(q));
                      }
                      out->charts.resize(defs->size());
                      auto pending = std::make_shared<size_t>(defs->size());
                      if (defs->empty())
                        return done(std::move(*out));
                      for (size_t i = 0; i < defs->size(); ++i) {
                        auto q = (*windows)[i];
                        auto finish = [=]() mutable {
                          if (--*pending == 0) {
                            // Charts with nothing stored yet are not listed.
                            auto& v = out->charts;
                            v.erase(std::remove_if(
                                        v.begin(), v.end(),
                                        [](const api::allmetrics_chart& c) {
                                          return c.id.empty();
                                        }),
                                    v.end());
                            done(std::move(*out));
                          }
                        };
                        if (q.chart.empty()) {
                          auto& def = *(*defs)[i];
                          auto& c = out->charts[i];
                          c.id = def.id;
                          c.name = def.name.empty() ? def.id : def.name;
                          c.family = def.family;
                          c.context = def.context;
                          c.units = def.units;
                          finish();
                          continue;
                        }
                        self->request(host, step_deadline, atom::query::value,
                                      q)
                            .then(
                                [=](const data_result& res) mutable {
                                  if (!res.times.empty()) {
                                    out->charts[i]
                                        = allmetrics_chart_of(*(*defs)[i], res);
                                    if (plan->exporter_window) {
                                      out->charts[i].first_t
                                          = q.after + (*defs)[i]->update_every;
                                      out->charts[i].last_updated = q.before;
                                    }
                                  }
                                  finish();
                                },
                                [=](caf::error&) mutable { finish(); });
                      }
                    },
                    fail);
          },
          fail);
}

/// /api/v1/allmetrics: format shell, json, prometheus or
/// prometheus_all_hosts.
void answer_allmetrics(caf::event_based_actor* self, promise rp,
                       const http_request& req, host_actor host,
                       const daemon_context& ctx) {
  auto format = param(req, "format", "shell");
  if (format != "shell" && format != "json" && format != "prometheus"
      && format != "prometheus_all_hosts")
    return reply(self, rp, 400, "text/plain; charset=utf-8",
                 "Which format? 'shell', 'prometheus', "
                 "'prometheus_all_hosts' and 'json' are currently supported.");
  auto plan = std::make_shared<allmetrics_plan>();
  plan->filter_ids = format != "shell";
  if (auto f = param(req, "filter"); !f.empty()) {
    auto pattern = config::simple_pattern::compile(f);
    if (!pattern)
      return reply_400(self, rp, "bad filter '" + f + "'");
    plan->filter = std::move(*pattern);
  }
  plan->window.all_dimensions = true;
  plan->window.points = 1;
  plan->window.aligned = false;
  plan->window.after = -1;
  auto fail
      = [=](caf::error& err) mutable { reply_error(self, rp, ctx, req, err); };
  if (format == "shell" || format == "json") {
    collect_host(
        self, host, plan,
        [=](api::allmetrics_host h) mutable {
          if (format == "shell")
            reply(self, rp, 200, "text/plain; charset=utf-8",
                  api::allmetrics_shell(h));
          else
            reply(self, rp, 200, json_type, api::allmetrics_json(h));
        },
        fail);
    return;
  }
  auto opt = std::make_shared<api::prometheus_options>();
  opt->server = req.client;
  std::string why;
  if (!api::parse_prometheus_options(req.query, *opt, why))
    return reply_400(self, rp, why);
  auto now_s = static_cast<int64_t>(ctx.now_usec() / 1000000);
  opt->now_ms = static_cast<int64_t>(ctx.now_usec() / 1000);
  // A first scrape covers the exporter's update every (10 s in 1.37.1).
  opt->after = now_s - prometheus_window_s;
  opt->before = now_s;
  plan->exporter_window = true;
  plan->after = opt->after;
  plan->before = opt->before;
  plan->window.group = opt->source == "sum" ? "sum" : "average";
  constexpr const char* prometheus_type = "text/plain; version=0.0.4";
  if (format == "prometheus") {
    collect_host(
        self, host, plan,
        [=](api::allmetrics_host h) mutable {
          std::string out;
          api::append_prometheus_header(out, h.hostname, *opt);
          api::append_prometheus_host(out, h, *opt, false);
          reply(self, rp, 200, prometheus_type, out);
        },
        fail);
    return;
  }
  // prometheus_all_hosts: the header names the host asked for, then every
  // host the registry knows, in its order.
  self->request(host, step_deadline, atom::get::value, atom::info::value)
      .then(
          [=](const host_summary& asked) mutable {
            self->request(ctx.registry, step_deadline, atom::get::value,
                          atom::hosts::value)
                .then(
                    [=](const std::vector<host_summary>& hosts) mutable {
                      auto parts = std::make_shared<std::vector<std::string>>(
                          hosts.size());
                      auto pending = std::make_shared<size_t>(hosts.size());
                      auto finish = [=]() mutable {
                        if (--*pending != 0)
                          return;
                        std::string out;
                        api::append_prometheus_header(out, asked.info.hostname,
                                                      *opt);
                        for (auto& part : *parts)
                          out += part;
                        reply(self, rp, 200, prometheus_type, out);
                      };
                      if (hosts.empty())
                        return reply(self, rp, 200, prometheus_type,
                                     std::string{});
                      for (size_t i = 0; i < hosts.size(); ++i)
                        self->request(ctx.registry, step_deadline,
                                      atom::get::value,
                                      hosts[i].info.machine_guid)
                            .then(
                                [=](host_actor& h) mutable {
                                  collect_host(
                                      self, h, plan,
                                      [=](api::allmetrics_host x) mutable {
                                        api::append_prometheus_host(
                                            (*parts)[i], x, *opt, true);
                                        finish();
                                      },
                                      [=](caf::error&) mutable { finish(); });
                                },
                                [=](caf::error&) mutable { finish(); });
                    },
                    fail);
          },
          fail);
}

/// /api/v1/data with `options=jsonwrap`: the wrapper also tells each
/// dimension's newest stored value and the host's name, asked here.
void answer_data_wrapped(caf::event_based_actor* self, promise rp,
                         host_actor host, const data_query& q, data_result res,
                         const std::string& format, const api::data_view& view,
                         step_failed fail) {
  auto wrap = std::make_shared<api::data_wrap>();
  wrap->query = q;
  api::prepare_data_wrap(res, view, *wrap);
  if (!api::apply_data_view(res, view))
    return reply(self, rp, 404, "text/plain; charset=utf-8",
                 std::string{api::no_metrics_matched});
  auto shown = std::make_shared<data_result>(std::move(res));
  data_query newest = q;
  newest.before = shown->last_entry;
  newest.after = shown->last_entry - 2 * shown->update_every;
  newest.points = 0;
  newest.group = "average";
  newest.aligned = false;
  self->request(host, step_deadline, atom::query::value, newest)
      .then(
          [=](const data_result& tail) mutable {
            auto ndims = tail.dimension_ids.size();
            for (size_t d = 0; d < ndims; ++d)
              for (size_t row = tail.times.size(); row-- > 0;)
                if (auto x = tail.values[row * ndims + d]; !std::isnan(x)) {
                  wrap->latest_values[tail.dimension_ids[d]] = x;
                  break;
                }
            self->request(host, step_deadline, atom::get::value,
                          atom::info::value)
                .then(
                    [=](const host_summary& h) mutable {
                      wrap->hostname = h.info.hostname;
                      reply(self, rp, 200, json_type,
                            api::render_data_wrapped(*shown, format, view,
                                                     *wrap));
                    },
                    fail);
          },
          fail);
}

void on_host(caf::event_based_actor* self, promise rp, const http_request& req,
             const api::route& r, host_actor host, size_t hosts_count,
             const daemon_context& ctx) {
  auto fail
      = [=](caf::error& err) mutable { reply_error(self, rp, ctx, req, err); };
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
              self->request(host, step_deadline, atom::get::value,
                            atom::info::value)
                  .then(
                      [=](const host_summary& h) mutable {
                        reply(self, rp, 200, json_type,
                              api::render_health_disabled(h.info.hostname,
                                                          endpoint));
                      },
                      fail);
            });
    return;
  }
  if (r.endpoint == "allmetrics")
    return answer_allmetrics(self, rp, req, host, ctx);
  if (r.endpoint == "registry") {
    auto action = param(req, "action", "");
    if (action != "hello")
      return reply_400(self, rp,
                       "registry action '" + action
                           + "' is not supported (hello)");
    self->request(host, step_deadline, atom::get::value, atom::info::value)
        .then(
            [=](const host_summary& h) mutable {
              reply(self, rp, 200, json_type,
                    api::render_registry_hello(h.info));
            },
            fail);
    return;
  }
  if (r.endpoint == "data") {
    data_query q;
    if (!api::parse_data_query(req.query, q))
      return reply(self, rp, 400, "text/plain; charset=utf-8",
                   "No chart or context is given.");
    auto view = api::parse_data_view(req.query);
    // 1.37.1 answers an unknown format in json.
    auto format
        = std::string{api::known_data_format(param(req, "format", "json"))};
    auto callback = param(req, "callback", "callback");
    auto tqx = param(req, "tqx", "");
    self->request(host, step_deadline, atom::query::value, q)
        .then(
            [=](data_result& res) mutable {
              if (view.jsonwrap && format != "jsonp")
                return answer_data_wrapped(self, rp, host, q, std::move(res),
                                           format, view, fail);
              if (!api::apply_data_view(res, view))
                return reply(self, rp, 404, "text/plain; charset=utf-8",
                             std::string{api::no_metrics_matched});
              bool epoch = view.seconds || view.milliseconds;
              if (format == "jsonp")
                return reply(
                    self, rp, 200, "application/x-javascript; charset=utf-8",
                    callback + "(" + api::render_data(res, "json") + ");");
              if (format == "datasource")
                return reply(self, rp, 200, api::data_content_type(format),
                             api::render_datasource(res, tqx));
              reply(self, rp, 200, api::data_content_type(format),
                    api::render_data(res, format, epoch, view.min2max));
            },
            [=](caf::error& err) mutable {
              if (err == ec::not_found)
                return reply(self, rp, 404, "text/plain; charset=utf-8",
                             std::string{api::no_metrics_matched});
              fail(err);
            });
    return;
  }
  self->request(host, step_deadline, atom::get::value, atom::info::value)
      .then(
          [=](const host_summary& summary) mutable {
            self->request(host, step_deadline, atom::get::value,
                          atom::charts::value)
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
                          return reply(self, rp, 400,
                                       "text/plain; charset=utf-8",
                                       "No chart id is given at the request.");
                        // by id, by name, or by "type.name" as /data finds it
                        auto dot = id.find('.');
                        for (auto& c : listing.charts) {
                          auto& d = *c.def;
                          if (d.id == id || d.name == id
                              || (dot != std::string::npos && !d.name.empty()
                                  && d.id.compare(0, dot + 1, id, 0, dot + 1)
                                         == 0
                                  && d.name == id.substr(dot + 1))) {
                            chart_summary one;
                            one.def = d;
                            one.first_entry = c.extent->first_entry.load();
                            one.last_entry = c.extent->last_entry.load();
                            return reply(self, rp, 200, json_type,
                                         api::render_chart(one));
                          }
                        }
                        return reply(self, rp, 404, "text/plain; charset=utf-8",
                                     "Chart is not found: "
                                         + api::html_escape(id));
                      }
                      reply_400(self, rp, "unknown endpoint");
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
  bool stream_on = ctx.settings && ctx.settings->stream.enabled;
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
                            on_host(self, rp, req, r, host, hosts.size(), ctx);
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
  };
}

} // namespace tributary
