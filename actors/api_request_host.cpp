#include "actors/api_request_steps.hpp"
#include "actors/chart.hpp"
#include "config/settings.hpp"

#include <cmath>

namespace tributary::api_request_steps {

namespace {

/// /api/v1/data with `options=jsonwrap`: the wrapper also tells each
/// dimension's newest stored value and the host's name, asked here.
void answer_data_wrapped(api_request_ptr self, const promise& rp,
                         const host_actor& host, const data_query& q,
                         data_result res, const std::string& format,
                         const api::data_view& view, const step_failed& fail) {
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

} // namespace

void on_host(api_request_ptr self, const promise& rp, const http_request& req,
             const api::route& r, const host_actor& host,
             const std::vector<std::string>& hostnames,
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
  with_host_listing(
      self, host,
      [=](const host_summary& summary, chart_listing& listing) mutable {
        if (r.endpoint == "charts") {
          auto writer = std::make_shared<api::charts_writer>(
              summary, std::move(listing), hostnames);
          auto next = std::make_shared<part_source>(
              [writer](const part_callback& done) {
                std::string part;
                bool more = writer->next(part, part_budget);
                done(std::move(part), more);
              });
          return reply_streamed(self, rp, req, json_type, next);
        }
        if (r.endpoint == "chart") {
          auto id = param(req, "chart");
          if (id.empty())
            return reply(self, rp, 400, "text/plain; charset=utf-8",
                         "No chart id is given at the request.");
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
          return reply(self, rp, 404, "text/plain; charset=utf-8",
                       "Chart is not found: " + api::html_escape(id));
        }
        reply_400(self, rp, "unknown endpoint");
      },
      fail);
}

void answer_info(api_request_ptr self, const promise& rp,
                 const host_actor& host,
                 std::optional<std::vector<host_summary>> all,
                 const daemon_context& ctx, const http_request& req) {
  bool https = ctx.web_tls != nullptr;
  bool stream_on = ctx.settings && ctx.settings->stream.enabled;
  auto render = [=](const std::vector<host_summary>& hosts) mutable {
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
    return render(*all);
  self->request(host, step_deadline, atom::get::value, atom::info::value)
      .then([=](const host_summary& h) mutable { render({h}); },
            [=](caf::error& err) mutable {
              reply_error(self, rp, ctx, req, err);
            });
}

} // namespace tributary::api_request_steps
