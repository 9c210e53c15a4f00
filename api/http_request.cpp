#include "api/http_request.hpp"

#include "protocol/url.hpp"

#include <http_parser.h>

namespace tributary {

struct http_request_reader::impl {
  http_parser parser;
  http_parser_settings settings;

  static http_request_reader& self(http_parser* p) {
    return *static_cast<http_request_reader*>(p->data);
  }

  static void finish_header(http_request_reader& r) {
    if (!r.field_.empty())
      r.request_.headers[r.field_] = r.value_;
    r.field_.clear();
    r.value_.clear();
    r.in_value_ = false;
  }

  impl() {
    http_parser_settings_init(&settings);
    // Callbacks fire in fragments when input is split: always append.
    settings.on_url = [](http_parser* p, const char* at, size_t n) {
      self(p).url_.append(at, n);
      return 0;
    };
    settings.on_header_field = [](http_parser* p, const char* at, size_t n) {
      auto& r = self(p);
      if (r.in_value_)
        finish_header(r);
      r.field_.append(at, n);
      return 0;
    };
    settings.on_header_value = [](http_parser* p, const char* at, size_t n) {
      auto& r = self(p);
      r.in_value_ = true;
      r.value_.append(at, n);
      return 0;
    };
    settings.on_headers_complete = [](http_parser* p) {
      auto& r = self(p);
      finish_header(r);
      r.request_.method = http_method_str(static_cast<http_method>(p->method));
      r.request_.http_1_1
          = p->http_major > 1 || (p->http_major == 1 && p->http_minor >= 1);
      r.request_.url = r.url_;
      auto q = r.url_.find('?');
      r.request_.path = url_decode_component(r.url_.substr(0, q));
      if (q != std::string::npos)
        r.request_.query
            = parse_query_string(std::string_view{r.url_}.substr(q + 1));
      return 0;
    };
    settings.on_message_complete = [](http_parser* p) {
      self(p).state_ = state::complete;
      http_parser_pause(p, 1);
      return 0;
    };
  }
};

http_request_reader::http_request_reader() : impl_(std::make_unique<impl>()) {
  http_parser_init(&impl_->parser, HTTP_REQUEST);
  impl_->parser.data = this;
}

http_request_reader::~http_request_reader() = default;

size_t http_request_reader::feed(std::string_view bytes) {
  if (state_ != state::incomplete)
    return 0;
  auto used = http_parser_execute(&impl_->parser, &impl_->settings,
                                  bytes.data(), bytes.size());
  auto err = HTTP_PARSER_ERRNO(&impl_->parser);
  if (err != HPE_OK && err != HPE_PAUSED) {
    state_ = state::failed;
    failure_ = std::string{http_errno_name(err)} + ": "
               + http_errno_description(err);
  }
  return used;
}

std::string url_decode_component(std::string_view text) {
  // The API is lenient where the STREAM request is strict: a query that
  // protocol::url_decode rejects (control bytes, bad UTF-8) is kept as sent.
  auto decoded = protocol::url_decode(text);
  return decoded ? std::move(*decoded) : std::string{text};
}

std::map<std::string, std::string> parse_query_string(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    auto amp = text.find('&');
    auto pair = text.substr(0, amp);
    auto eq = pair.find('=');
    auto name = url_decode_component(pair.substr(0, eq));
    auto value = eq == std::string_view::npos
                     ? std::string{}
                     : url_decode_component(pair.substr(eq + 1));
    if (!name.empty())
      out[name] = std::move(value);
    if (amp == std::string_view::npos)
      break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

} // namespace tributary
