#include "actors/api_request_steps.hpp"
#include "actors/chart.hpp"
#include "api/allmetrics.hpp"
#include "config/simple_pattern.hpp"
#include "storage/value_math.hpp"

#include <algorithm>

namespace tributary::api_request_steps {

namespace {

/// The window of a first Prometheus scrape: 1.37.1's exporter `update
/// every` default.
constexpr int64_t prometheus_window_s = 10;

/// A chart's own fields as allmetrics prints them, no dimensions yet.
api::allmetrics_chart allmetrics_chart_head(const chart_def& def) {
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
  c.module = def.module;
  c.homogeneity_check = def.homogeneity_check;
  return c;
}

/// One chart's newest row as allmetrics prints it.
api::allmetrics_chart allmetrics_chart_of(const chart_def& def,
                                          const data_result& res) {
  auto c = allmetrics_chart_head(def);
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

/// Every dimension's last collected value (source=as-collected), in the
/// definition's order.
api::allmetrics_chart as_collected_chart_of(const chart_def& def,
                                            const chart_collected& got) {
  auto c = allmetrics_chart_head(def);
  auto n = std::min(def.dimensions.size(), got.values.size());
  for (size_t d = 0; d < n; ++d) {
    const auto& dim = def.dimensions[d];
    api::allmetrics_dimension out;
    out.id = dim.id;
    out.name = dim.name.empty() ? dim.id : dim.name;
    // As Netdata keeps it: an unknown name is absolute.
    out.algorithm = std::string{
        storage::to_string(storage::parse_algorithm(dim.algorithm))};
    out.multiplier = dim.multiplier == 0 ? 1 : dim.multiplier;
    out.divisor = dim.divisor == 0 ? 1 : dim.divisor;
    out.obsolete = dim.options.find("obsolete") != std::string::npos;
    out.collected = got.values[d];
    out.collected_ms = static_cast<int64_t>(got.time_usec[d] / 1000);
    out.collections = got.collections[d];
    c.dimensions.push_back(std::move(out));
  }
  return c;
}

using host_done = std::function<void(api::allmetrics_host)>;

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
  /// Prometheus source=as-collected: each chart's last collected values,
  /// not stored data; every chart is listed.
  bool as_collected = false;
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
void collect_host(api_request_ptr self, const host_actor& host,
                  const std::shared_ptr<const allmetrics_plan>& plan,
                  const host_done& done, const step_failed& fail) {
  with_host_listing(
      self, host,
      [=](const host_summary& summary, chart_listing& listing) mutable {
        const auto& all = listing.charts;
        auto out = std::make_shared<api::allmetrics_host>();
        out->hostname = summary.info.hostname;
        out->program_name = summary.info.program_name;
        out->program_version = summary.info.program_version;
        // The host's shared definitions: a listing copies no chart.
        auto defs
            = std::make_shared<std::vector<std::shared_ptr<const chart_def>>>();
        auto windows = std::make_shared<std::vector<data_query>>();
        for (auto& c : all) {
          const auto& name = c.def->name.empty() ? c.def->id : c.def->name;
          if (plan->filter
              && !(plan->filter->matches(name)
                   || (plan->filter_ids && plan->filter->matches(c.def->id))))
            continue;
          auto q = plan->window;
          q.chart = c.def->id;
          // 1.37.1 still prints the help comment of a chart with
          // no point in its window: kept without dimensions.
          if (plan->exporter_window && !plan->as_collected
              && !exporter_window(c, plan->after, plan->before, q))
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
              v.erase(std::remove_if(v.begin(), v.end(),
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
          if (plan->as_collected) {
            self->request(host, step_deadline, atom::query::value,
                          atom::collected::value, q.chart)
                .then(
                    [=](const chart_collected& got) mutable {
                      out->charts[i] = as_collected_chart_of(*(*defs)[i], got);
                      finish();
                    },
                    [=](caf::error&) mutable { finish(); });
            continue;
          }
          self->request(host, step_deadline, atom::query::value, q)
              .then(
                  [=](const data_result& res) mutable {
                    if (!res.times.empty()) {
                      out->charts[i] = allmetrics_chart_of(*(*defs)[i], res);
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
}

} // namespace

void answer_allmetrics(api_request_ptr self, const promise& rp,
                       const http_request& req, const host_actor& host,
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
        [=](const api::allmetrics_host& h) mutable {
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
  plan->as_collected = opt->source == "as collected";
  plan->after = opt->after;
  plan->before = opt->before;
  plan->window.group = opt->source == "sum" ? "sum" : "average";
  constexpr const char* prometheus_type = "text/plain; version=0.0.4";
  if (format == "prometheus") {
    collect_host(
        self, host, plan,
        [=](const api::allmetrics_host& h) mutable {
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
                                      [=](const api::allmetrics_host&
                                              x) mutable {
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

} // namespace tributary::api_request_steps
