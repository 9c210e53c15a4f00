#include "actors/connection.hpp"

#include "actors/acceptor.hpp"
#include "actors/api_request.hpp"
#include "actors/receiver.hpp"
#include "api/v1.hpp"
#include "config/settings.hpp"
#include "protocol/handshake.hpp"
#include "tls/session.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>
#include <cstdlib>
#include <strings.h>

namespace tributary {

connection_state::connection_state() = default;
connection_state::~connection_state() = default;

namespace {

/// Netdata's limit for a whole first request (NETDATA_WEB_REQUEST_MAX_SIZE).
constexpr size_t max_request_size = 16384;

/// Read backpressure: above this many stream bytes not yet stored, the
/// connection stops reading (the child's send() blocks, as against a slow
/// Netdata parent); it reads again once they are down to `resume_below`.
constexpr int64_t halt_above = 4 << 20;
constexpr int64_t resume_below = 1 << 20;
/// A streamed API answer's next part is asked for once no more than this
/// is left to write (about one part: see api_request).
constexpr size_t part_low_water = size_t{256} * 1024;

using phase = connection_state::phase;
using connection_ptr
    = connection_actor::stateful_broker_pointer<connection_state>;

/// STREAM requests are no HTTP method http_parser knows: detect them first.
bool starts_stream(std::string_view buf) {
  constexpr std::string_view word = "STREAM ";
  auto n = std::min(buf.size(), word.size());
  return buf.substr(0, n) == word.substr(0, n);
}

stream_hello make_hello(const protocol::stream_request& req,
                        const std::string& ip, uint16_t port) {
  stream_hello h;
  h.api_key = req.key;
  h.ver = protocol::effective_version(req);
  h.has_ver = req.ver.has_value();
  h.peer_ip = ip;
  h.peer_port = port;
  auto& i = h.host;
  i.machine_guid = req.machine_guid;
  i.hostname = req.hostname;
  i.registry_hostname
      = req.registry_hostname.empty() ? req.hostname : req.registry_hostname;
  i.os = req.os;
  i.timezone = req.timezone;
  i.abbrev_timezone = req.abbrev_timezone;
  i.utc_offset = req.utc_offset;
  i.update_every = req.update_every;
  i.hops = req.hops;
  i.tags = req.tags;
  i.program_name = req.program_name();
  i.program_version = req.program_version();
  i.system_info = req.system_info;
  return h;
}

/// Netdata's `[web] allow connections from` / `allow streaming from`: an
/// empty pattern allows everyone; loopback peers also match `localhost`.
bool allowed(const config::simple_pattern& p, const std::string& ip) {
  if (p.empty() || p.matches(ip))
    return true;
  bool loopback = ip == "localhost" || ip == "::1" || ip.rfind("127.", 0) == 0;
  return loopback && p.matches("localhost");
}

/// Writes to the peer, through TLS on an encrypted connection.
void send_bytes(connection_ptr self, caf::io::connection_handle hdl,
                std::string_view bytes) {
  auto& st = self->state;
  if (st.tls) {
    // Only fails on a broken session; the peer then sees the close.
    static_cast<void>(st.tls->write(bytes));
    st.tls->take_output(self->wr_buf(hdl));
  } else {
    self->write(hdl, bytes.size(), bytes.data());
  }
  self->flush(hdl);
}

void close_after_write(connection_ptr self, caf::io::connection_handle hdl) {
  if (auto& tls = self->state.tls) {
    tls->close();
    tls->take_output(self->wr_buf(hdl));
  }
  self->flush(hdl);
  self->close(hdl);
  if (self->state.receiver)
    self->send_exit(self->state.receiver, caf::exit_reason::user_shutdown);
  self->quit();
}

uint64_t steady_usec() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

/// Sends a whole HTTP response, closes, and writes the access.log lines.
void send_answer(connection_ptr self, caf::io::connection_handle hdl,
                 const daemon_context& ctx, const std::string& url,
                 const std::string& response, uint64_t started_usec) {
  auto ready = steady_usec();
  send_bytes(self, hdl, response);
  close_after_write(self, hdl);
  auto& access = ctx.log->access();
  if (!access.enabled())
    return;
  access_entry e;
  auto& st = self->state;
  // Netdata names a loopback client "localhost" in access.log.
  e.peer = st.tcp && (st.ip.rfind("127.", 0) == 0 || st.ip == "::1")
               ? peer_name("localhost", st.port)
               : st.peer;
  e.url = url;
  if (response.size() > 12)
    e.code = std::atoi(response.c_str() + 9); // "HTTP/1.1 200"
  auto body = response.find("\r\n\r\n");
  e.all_bytes = body == std::string::npos ? 0 : response.size() - body - 4;
  e.sent_bytes = e.all_bytes;
  e.prep_usec = ready - started_usec;
  e.sent_usec = steady_usec() - ready;
  access.write(e);
}

void answer_http(connection_ptr self, caf::io::connection_handle hdl,
                 const daemon_context& ctx) {
  auto& st = self->state;
  auto started = steady_usec();
  st.ph = phase::answering;
  auto req = st.http->request();
  req.client = !st.tcp || st.ip.rfind("127.", 0) == 0 || st.ip == "::1"
                       || st.ip == "localhost"
                   ? std::string{"localhost"}
                   : st.ip;
  if (!st.tls && ctx.web_tls && st.tcp && st.ssl_mode != "optional") {
    // A server with TLS sends plain requests to https, except on
    // `^SSL=optional` ports (as Netdata does).
    std::string host;
    for (auto& [k, v] : req.headers)
      if (k.size() == 4 && ::strncasecmp(k.c_str(), "host", 4) == 0)
        host = v;
    send_answer(self, hdl, ctx, req.url, api::https_redirect(host, req.url),
                started);
    return;
  }
  // Detached: a big answer (100,000 charts) is built on its own thread,
  // not on a scheduler thread that carries streams.
  auto handler = ctx.api_on_own_thread
                     ? self->spawn<caf::detached>(api_request, req, ctx)
                     : self->spawn(api_request, req, ctx);
  st.api = handler;
  // caf::infinite: a finite request timeout keeps this actor (and the
  // detached handler) alive after they are done in CAF 0.17.6. The
  // deadline comes from the listener instead.
  if (st.listener)
    self->send(st.listener, atom::query::value, atom::timeout::value,
               self->id());
  self->request(handler, caf::infinite, atom::get::value)
      .then(
          [=](std::string& response, bool more) {
            // Answering: the deadline is met (a big answer then flows at the
            // client's pace, one part at a time).
            self->state.api = nullptr;
            if (!more)
              return send_answer(self, hdl, ctx, req.url, response, started);
            send_bytes(self, hdl, response);
            // A big answer comes in parts: each is asked for once the socket
            // took most of the previous one, so a slow client holds at most a
            // part or two, never the whole answer.
            self->state.answer_source = handler;
            self->state.part_wanted = true;
            self->ack_writes(hdl, true);
          },
          [=](caf::error& err) {
            if (!self->state.api)
              return; // answered at the deadline
            self->state.api = nullptr;
            auto what = self->system().render(err);
            TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER", "request '",
                            log_text(req.url), "' failed: ", log_text(what));
            send_answer(self, hdl, ctx, req.url,
                        api::http_response(500, "text/plain",
                                           "internal error: " + what + "\n"),
                        started);
          });
}

/// Asks the API request actor for the next part of its answer and writes
/// it; the last part closes the connection. A failure half way closes it
/// without the end of the body (a chunked client sees the answer cut).
void next_answer_part(connection_ptr self, caf::io::connection_handle hdl,
                      const daemon_context& ctx) {
  auto source = self->state.answer_source;
  self->request(source, caf::infinite, atom::get::value, atom::next::value)
      .then(
          [=](std::string& part, bool more) {
            // An empty part writes nothing, so no write acknowledgement would
            // ask for the next one.
            if (part.empty() && more)
              return next_answer_part(self, hdl, ctx);
            send_bytes(self, hdl, part);
            if (!more)
              return close_after_write(self, hdl);
            self->state.part_wanted = true;
          },
          [=](caf::error& err) {
            TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER",
                            "a streamed answer failed half way: ",
                            log_text(self->system().render(err)));
            close_after_write(self, hdl);
          });
}

/// Hands stream bytes to the receiver, and stops reading while too many
/// are in flight.
void to_receiver(connection_ptr self, caf::io::connection_handle hdl,
                 std::string bytes) {
  auto& st = self->state;
  st.in_flight += static_cast<int64_t>(bytes.size());
  self->send(st.receiver, atom::data::value, std::move(bytes));
  if (!st.halted && st.in_flight > halt_above) {
    st.halted = true;
    ++st.halts;
    self->halt(hdl);
  }
}

void start_stream(connection_ptr self, caf::io::connection_handle hdl,
                  const daemon_context& ctx, size_t header_end) {
  auto& st = self->state;
  st.ph = phase::deciding;
  auto req = protocol::parse_stream_request(
      std::string_view{st.buf}.substr(0, header_end));
  if (!req) {
    TRIBUTARY_ERROR(*ctx.log, "STREAM [receive from " + st.peer + "]",
                    "cannot parse the STREAM request: ", to_string(req.err()));
    auto response = api::http_response(
        400, "text/plain", "URL not valid. I don't understand you...\r\n");
    send_bytes(self, hdl, response);
    close_after_write(self, hdl);
    return;
  }
  if (!st.tls && st.ssl_mode == "force") {
    TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER",
                    "The server is configured to always use encrypted "
                    "connections, please enable the SSL on child with "
                    "hostname '",
                    req->hostname.empty() ? "not available"
                                          : req->hostname.substr(0, 255),
                    "'.");
    auto response = api::http_response(400, "text/plain",
                                       "I don't understand you...\r\n");
    send_bytes(self, hdl, response);
    close_after_write(self, hdl);
    return;
  }
  // A child sends its stream only after our reply, but bytes that came
  // with the request (a relay that copies a child's stream may send both in
  // one segment) are the stream's first bytes: kept for the receiver, as
  // those arriving while the registry decides.
  st.buf.erase(0, header_end);
  if (!allowed(ctx.settings->global.allow_streaming_from, st.ip)) {
    TRIBUTARY_ERROR(*ctx.log, "STREAM [receive from " + st.peer + "]",
                    "not allowed to stream by [web] allow streaming from");
    auto reply = protocol::build_reply(protocol::reply_kind::not_allowed);
    send_bytes(self, hdl, reply);
    close_after_write(self, hdl);
    return;
  }
  auto hello = make_hello(*req, st.ip, st.port);
  TRIBUTARY_INFO(*ctx.log, "STREAM [receive from " + st.peer + "]",
                 "new client connection.");
  self->request(ctx.registry, caf::infinite, atom::stream::value, hello)
      .then(
          [=](access_decision& d, host_actor& host) {
            auto& st = self->state;
            send_bytes(self, hdl, d.reply);
            if (!d.accepted) {
              close_after_write(self, hdl);
              return;
            }
            self->flush(hdl);
            st.ph = phase::streaming;
            st.receiver = self->spawn<caf::monitored>(
                receiver, caf::actor_cast<connection_actor>(self), host, hello,
                d, ctx);
            if (!st.buf.empty()) {
              to_receiver(self, hdl, std::move(st.buf));
              st.buf.clear();
            }
          },
          [=](caf::error& err) {
            TRIBUTARY_ERROR(
                *ctx.log, "STREAM [receive from " + self->state.peer + "]",
                "access check failed: ", self->system().render(err));
            close_after_write(self, hdl);
          });
}

/// The bytes of the peer in clear text (decrypted if the connection is
/// encrypted).
void on_plain(connection_ptr self, caf::io::connection_handle hdl,
              const daemon_context& ctx, std::string_view bytes) {
  auto& st = self->state;
  switch (st.ph) {
  case phase::streaming:
    to_receiver(self, hdl, std::string{bytes.begin(), bytes.end()});
    return;
  case phase::deciding:
    st.buf.append(bytes.begin(), bytes.end());
    return;
  case phase::answering:
    return; // one request per connection
  case phase::request:
    break;
  }
  if (st.http) {
    st.http->feed(bytes);
  } else {
    st.buf.append(bytes.begin(), bytes.end());
    if (starts_stream(st.buf)) {
      auto end = st.buf.find("\r\n\r\n");
      if (end != std::string::npos) {
        start_stream(self, hdl, ctx, end + 4);
      } else if (st.buf.size() > max_request_size) {
        auto response = api::http_response(400, "text/plain",
                                           "Received request is too big.\r\n");
        send_bytes(self, hdl, response);
        close_after_write(self, hdl);
      }
      return;
    }
    st.http = std::make_unique<http_request_reader>();
    st.http->feed(st.buf);
    st.buf.clear();
  }
  using rs = http_request_reader::state;
  if (st.http->status() == rs::complete) {
    answer_http(self, hdl, ctx);
  } else if (st.http->status() == rs::failed) {
    auto response = api::http_response(400, "text/plain",
                                       api::bad_request(st.http->failure()));
    send_bytes(self, hdl, response);
    close_after_write(self, hdl);
  }
}

/// The peer is gone or broke TLS: no reply, no close_notify.
void close_now(connection_ptr self, caf::io::connection_handle hdl) {
  auto& st = self->state;
  if (st.receiver)
    self->send(st.receiver, atom::close::value);
  self->close(hdl);
  self->quit();
}

} // namespace

connection_actor::behavior_type
connection(connection_actor::stateful_broker_pointer<connection_state> self,
           caf::io::connection_handle hdl, const daemon_context& ctx,
           const std::string& unix_path, std::string ssl_mode,
           listener_actor listener) {
  auto& st = self->state;
  st.listener = std::move(listener);
  st.accepted_at = std::chrono::steady_clock::now();
  st.tcp = unix_path.empty();
  st.ssl_mode = st.tcp ? std::move(ssl_mode) : std::string{};
  if (unix_path.empty()) {
    st.ip = self->remote_addr(hdl);
    st.port = self->remote_port(hdl);
    st.peer = peer_name(st.ip, st.port);
  } else {
    // A unix socket peer is on this machine; `allow from` sees "localhost".
    st.ip = "localhost";
    st.peer = "[unix:" + unix_path + "]";
  }
  if (!allowed(ctx.settings->global.allow_connections_from, st.ip)) {
    TRIBUTARY_ERROR(*ctx.log, "WEB " + st.peer,
                    "connection denied by [web] allow connections from");
    self->close(hdl);
    self->quit();
    return connection_actor::behavior_type::make_empty_behavior();
  }
  self->configure_read(
      hdl, caf::io::receive_policy::at_most(st.next_read.current()));
  // A client that never completes its first request is dropped, as
  // Netdata's `[web] timeout for first request` does: the listener sends
  // the timeout (a delayed message to a connection that has closed by then
  // kept the connection's memory for good in CAF 0.17.6).
  auto first_request_s = ctx.settings->global.timeout_for_first_request;
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    if (self->state.receiver)
      self->send_exit(self->state.receiver, msg.reason);
    self->quit(msg.reason);
  });
  self->set_down_handler([=](const caf::down_msg& dm) {
    // The receiver ended the stream (parse error, shutdown): close.
    if (dm.source == self->state.receiver.address()) {
      self->state.receiver = nullptr;
      self->close(hdl);
      self->quit();
    }
  });
  return {
      [=](const caf::io::new_data_msg& msg) {
        auto& st = self->state;
        std::string_view bytes{msg.buf.data(), msg.buf.size()};
        if (st.next_read.note(bytes.size()))
          self->configure_read(
              hdl, caf::io::receive_policy::at_most(st.next_read.current()));
        if (!st.transport_known && !bytes.empty()) {
          st.transport_known = true;
          if (ctx.web_tls && unix_path.empty() && tls::looks_like_tls(bytes[0]))
            st.tls = std::make_shared<tls::session>(*ctx.web_tls,
                                                    tls::session::role::server);
        }
        if (!st.tls)
          return on_plain(self, hdl, ctx, bytes);
        std::string plain;
        auto ev = st.tls->feed(bytes, plain);
        st.tls->take_output(self->wr_buf(hdl));
        self->flush(hdl);
        if (!ev) {
          if (st.tls_established)
            TRIBUTARY_ERROR(*ctx.log, "WEB " + st.peer, ev.err().message);
          else
            TRIBUTARY_INFO(*ctx.log, "WEB_SERVER", "SSL Handshake error (",
                           ev.err().message, ") on socket ", st.peer);
          return close_now(self, hdl);
        }
        if (*ev == tls::session::event::established)
          st.tls_established = true;
        if (!plain.empty())
          on_plain(self, hdl, ctx, plain);
        if (*ev == tls::session::event::closed)
          close_now(self, hdl);
      },
      [=](atom::timeout) {
        auto& st = self->state;
        if (st.ph != phase::request)
          return;
        TRIBUTARY_ERROR(*ctx.log, "WEB " + st.peer,
                        "no complete request within ", first_request_s,
                        " seconds; closing the connection");
        close_after_write(self, hdl);
      },
      [=](atom::close, atom::timeout) {
        // The daemon is out of descriptors: one that has waited this long
        // for its first request gives its own back (no log line: there may
        // be thousands; the acceptor logs the exhaustion).
        auto& st = self->state;
        if (st.ph == phase::request
            && std::chrono::steady_clock::now() - st.accepted_at
                   >= std::chrono::seconds(shed_after_s))
          close_now(self, hdl);
      },
      [=](atom::timeout, atom::query) {
        // The API request's deadline (timed by the listener).
        auto& st = self->state;
        if (!st.api)
          return;
        auto what = "no answer within " + std::to_string(api_answer_deadline_s)
                    + " seconds";
        TRIBUTARY_ERROR(*ctx.log, "WEB_SERVER", "request '",
                        log_text(st.http->request().url), "' failed: ", what);
        self->send_exit(st.api, caf::exit_reason::user_shutdown);
        st.api = nullptr;
        send_bytes(
            self, hdl,
            api::http_response(503, "text/plain", "timeout: " + what + "\n"));
        close_after_write(self, hdl);
      },
      [=](atom::timeout, atom::stream) {
        // The listener's periodic idle check, for the receiver.
        if (self->state.receiver)
          self->send(self->state.receiver, atom::timeout::value);
      },
      [=](atom::write, const std::string& bytes) {
        send_bytes(self, hdl, bytes);
      },
      [=](atom::status) {
        // The console's walk, through the listener.
        auto& st = self->state;
        actor_status s;
        s.name = st.peer;
        s.kind = "connection";
        using ph = connection_state::phase;
        std::string kind = st.receiver || st.ph == ph::deciding ? "stream"
                           : st.http                            ? "api"
                                                                : "new";
        if (st.tls)
          kind += "+tls";
        s.labels = {{"peer", st.peer}, {"kind", kind}};
        auto age = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now() - st.accepted_at)
                       .count();
        s.counters
            = {{"connected_since",
                static_cast<int64_t>(ctx.now_usec() / 1000000) - age},
               {"receiver",
                st.receiver ? static_cast<int64_t>(st.receiver->id()) : 0},
               {"in_flight", st.in_flight},
               {"halts", st.halts}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
      [=](atom::sync, int64_t stored) {
        auto& st = self->state;
        st.in_flight -= stored;
        if (st.halted && st.in_flight <= resume_below) {
          st.halted = false;
          self->trigger(hdl);
        }
      },
      [=](const caf::io::data_transferred_msg& msg) {
        // Never close in here (CAF 0.17.6 use-after-free): only ask for more.
        auto& st = self->state;
        if (st.part_wanted && msg.remaining <= part_low_water) {
          st.part_wanted = false;
          next_answer_part(self, hdl, ctx);
        }
      },
      [=](const caf::io::connection_closed_msg&) {
        auto& st = self->state;
        if (st.receiver)
          self->send(st.receiver, atom::close::value);
        self->quit();
      },
  };
}

} // namespace tributary
