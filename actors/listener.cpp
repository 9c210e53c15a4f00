#include "actors/listener.hpp"

#include "actors/acceptor.hpp"
#include "actors/api_request.hpp"
#include "actors/connection.hpp"
#include "actors/status_gather.hpp"
#include "config/settings.hpp"
#include "net/listen.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <fcntl.h>
#include <map>
#include <memory>
#include <unistd.h>

namespace tributary {

namespace {

/// How often the receivers check for an idle stream.
constexpr auto receiver_idle_check = std::chrono::seconds(60);

} // namespace

listener_actor::behavior_type listener(listener_actor::broker_pointer self,
                                       const config::bind_address& address,
                                       daemon_context ctx) {
  uint16_t bound = 0;
  auto unix_path = address.unix_path;
  int listen_fd = address.fd;
  std::string where;
  acceptor_actor acc;
  if (!ctx.own_acceptor) {
    // CAF's test multiplexer: a virtual doorman, connections arrive as
    // new_connection_msg.
    auto host = address.host.empty() ? std::string{"0.0.0.0"} : address.host;
    auto res = self->add_tcp_doorman(address.port, host.c_str(), true);
    if (!res) {
      self->quit(res.error());
      return listener_actor::behavior_type::make_empty_behavior();
    }
    bound = res->second;
  } else {
    // The daemon binds before it drops privileges and hands the socket
    // over; a listener spawned without one binds here.
    if (listen_fd < 0) {
      auto fd = listen_socket(address);
      if (!fd) {
        TRIBUTARY_ERROR(*ctx.log, "WEB", fd.err().message);
        self->quit(caf::make_error(fd.err().code, fd.err().message));
        return listener_actor::behavior_type::make_empty_behavior();
      }
      listen_fd = *fd;
    }
    // The acceptor polls before it accepts; a connection that vanished in
    // between must not block it.
    ::fcntl(listen_fd, F_SETFL, ::fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
    if (unix_path.empty()) {
      bound = local_port(listen_fd);
      where = "["
              + (address.host.empty() ? std::string{"0.0.0.0"} : address.host)
              + "]:" + std::to_string(bound);
    } else {
      where = "unix:" + unix_path;
    }
    TRIBUTARY_INFO(*ctx.log, "WEB", "listening on ", where);
    // Our own acceptor, not CAF's doorman: see acceptor.hpp (EMFILE).
    acc = self->spawn<caf::detached>(
        acceptor, listen_fd, caf::actor_cast<listener_actor>(self), where, ctx);
  }
  // Forked connections are not linked to us: track them, so that a shutdown
  // closes every socket.
  // Keyed by actor id: the timers below name a connection by its id only,
  // so that no pending timer keeps a closed connection's memory.
  auto live = std::make_shared<std::map<caf::actor_id, connection_actor>>();
  // Connections answering an API request, and when their deadline passes.
  // Checked by a 1 s tick while there are any: one delayed message per
  // request would stay queued here for the whole deadline.
  auto api_deadlines = std::make_shared<
      std::map<caf::actor_id, caf::actor_clock::time_point>>();
  auto api_ticking = std::make_shared<bool>(false);
  auto accepted = std::make_shared<int64_t>(0);
  self->set_down_handler([=](const caf::down_msg& dm) {
    live->erase(dm.source.id());
    api_deadlines->erase(dm.source.id());
  });
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    if (acc)
      self->send_exit(acc, msg.reason);
    for (auto& [id, c] : *live)
      self->send_exit(c, msg.reason);
    live->clear();
    if (!unix_path.empty())
      ::unlink(unix_path.c_str());
    self->quit(msg.reason);
  });
  // What new connections are checked against; a reload replaces it.
  auto current = std::make_shared<daemon_context>(std::move(ctx));
  auto ssl_mode = address.ssl;
  auto start = [=](caf::io::connection_handle hdl) {
    // Lvalues only: typed_broker::fork forwards its arguments twice, so an
    // rvalue would reach the connection moved-from.
    const auto& settings = *current;
    auto me = caf::actor_cast<listener_actor>(self);
    auto c = self->fork(connection, hdl, settings, unix_path, ssl_mode, me);
    self->monitor(c);
    live->emplace(c->id(), c);
    ++*accepted;
    // `[web] timeout for first request`, timed here: CAF 0.17.6 never
    // frees an actor that a delayed message reaches after its end, and
    // most connections end long before this timeout.
    if (auto s = current->settings->global.timeout_for_first_request; s > 0)
      self->delayed_send(self, std::chrono::seconds(s), atom::timeout::value,
                         c->id());
  };
  self->delayed_send(self, receiver_idle_check, atom::timeout::value,
                     atom::stream::value);
  return {
      [=](atom::attach, int fd) {
        auto hdl = self->add_scribe(fd);
        start(hdl);
      },
      [=](const caf::io::new_connection_msg& msg) { start(msg.handle); },
      [=](const caf::io::acceptor_closed_msg&) {
        // nop: the test multiplexer's doorman ends with the test.
      },
      [=](atom::reload, const reload_request& r) {
        current->settings = r.settings;
      },
      [=](atom::timeout, atom::stream) {
        // The receivers' idle check (Netdata's 600 s SO_RCVTIMEO), timed here
        // for the same reason.
        for (auto& [id, c] : *live)
          self->send(c, atom::timeout::value, atom::stream::value);
        self->delayed_send(self, receiver_idle_check, atom::timeout::value,
                           atom::stream::value);
      },
      [=](atom::close, atom::timeout) {
        // The acceptor is out of descriptors: connections that still have not
        // sent a complete first request make room (see acceptor.hpp).
        for (auto& [id, c] : *live)
          self->send(c, atom::close::value, atom::timeout::value);
      },
      [=](atom::query, atom::timeout, caf::actor_id id) {
        // A connection's API request started: its deadline, timed here.
        (*api_deadlines)[id]
            = self->clock().now() + std::chrono::seconds(api_answer_deadline_s);
        if (!*api_ticking) {
          *api_ticking = true;
          self->delayed_send(self, std::chrono::seconds(1),
                             atom::timeout::value, atom::query::value);
        }
      },
      [=](atom::timeout, atom::query) {
        auto now = self->clock().now();
        for (auto i = api_deadlines->begin(); i != api_deadlines->end();) {
          if (i->second > now) {
            ++i;
            continue;
          }
          if (auto c = live->find(i->first); c != live->end())
            self->send(c->second, atom::timeout::value, atom::query::value);
          i = api_deadlines->erase(i);
        }
        *api_ticking = !api_deadlines->empty();
        if (*api_ticking)
          self->delayed_send(self, std::chrono::seconds(1),
                             atom::timeout::value, atom::query::value);
      },
      [=](atom::timeout, caf::actor_id id) {
        if (auto i = live->find(id); i != live->end())
          self->send(i->second, atom::timeout::value);
      },
      [=](atom::get, atom::info) { return bound; },
      [=](atom::get, atom::status) -> caf::result<std::vector<actor_status>> {
        // The console's walk: this listener, then each open connection
        // (parent ids set here; the console sets ours).
        actor_status own;
        own.name = where.empty() ? "port " + std::to_string(bound) : where;
        own.kind = "listener";
        own.labels = {{"address", own.name}};
        own.counters
            = {{"accepted", *accepted},
               {"open_connections", static_cast<int64_t>(live->size())}};
        own.mailbox = static_cast<int64_t>(self->mailbox().size());
        own.id = self->id();
        auto rp = self->make_response_promise<std::vector<actor_status>>();
        status_gather gather({std::move(own)}, std::chrono::seconds(2),
                             status_gather::deliver_to(rp));
        for (auto& [id, c] : *live)
          gather.ask(self, c, self->id());
        gather.close();
        return rp;
      },
  };
}

} // namespace tributary
