#include "actors/api_request_steps.hpp"

#include <utility>

namespace tributary::api_request_steps {

void reply(api_request_ptr self, promise rp, int code, std::string_view type,
           const std::string& body) {
  rp.deliver(api::http_response(code, type, body), false);
  self->quit();
}

void reply_streamed(api_request_ptr self, promise rp, const http_request& req,
                    const std::string& type,
                    const std::shared_ptr<part_source>& next) {
  bool chunked = req.http_1_1;
  (*next)([=](const std::string& part, bool more) mutable {
    if (!more)
      return reply(self, rp, 200, type, part);
    auto out = api::http_stream_head(200, type, chunked);
    api::append_body_part(out, part, chunked);
    rp.deliver(std::move(out), true);
    self->become(
        // The whole answer was asked for once already.
        [](atom::get) -> caf::result<std::string, bool> {
          return caf::sec::unexpected_message;
        },
        [=](atom::get, atom::next) {
          auto part_rp = self->make_response_promise<std::string, bool>();
          (*next)([=](const std::string& part, bool more) mutable {
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

void reply_error(api_request_ptr self, promise rp, const daemon_context& ctx,
                 const http_request& req, const caf::error& err) {
  auto what = self->system().render(err);
  TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER", "request '", log_text(req.url),
                  "' failed: ", log_text(what));
  reply(self, std::move(rp), 500, "text/plain",
        "internal error: " + what + "\n");
}

void reply_400(api_request_ptr self, promise rp, std::string_view why) {
  reply(self, std::move(rp), 400, "text/plain; charset=utf-8",
        api::bad_request(why));
}

std::string param(const http_request& req, const std::string& name,
                  const std::string& fallback) {
  auto i = req.query.find(name);
  return i == req.query.end() ? fallback : i->second;
}

void with_host_listing(api_request_ptr self, const host_actor& host,
                       const host_listing_fn& then, const step_failed& fail) {
  self->request(host, step_deadline, atom::get::value, atom::info::value)
      .then(
          [=](const host_summary& summary) {
            self->request(host, step_deadline, atom::get::value,
                          atom::charts::value)
                .then([=](chart_listing& listing) { then(summary, listing); },
                      fail);
          },
          fail);
}

} // namespace tributary::api_request_steps
