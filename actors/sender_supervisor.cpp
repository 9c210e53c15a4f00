#include "actors/connector.hpp"
#include "actors/sender.hpp"

#include <caf/all.hpp>
#include <unistd.h>

namespace tributary {

namespace {

using supervisor_ptr
    = sender_supervisor_actor::stateful_pointer<sender_supervisor_state>;

/// How often the current sender checks for `timeout seconds` of silence.
/// The supervisor ticks it: a delayed message that reaches an actor after
/// its end keeps that actor's memory for good in CAF 0.17.6, and a sender
/// ends with every lost connection.
constexpr auto idle_check_interval = std::chrono::seconds(1);

void try_connect(supervisor_ptr self) {
  auto& st = self->state;
  if (st.stopping)
    return;
  auto who = "STREAM " + log_text(st.hostname);
  auto now = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  if (st.cfg.seams && st.cfg.seams->spawn_connector)
    st.connector = st.cfg.seams->spawn_connector(self);
  else
    st.connector = self->spawn<caf::detached>(
        connector, st.cfg.destinations, st.postponed_until, now,
        st.cfg.default_port, st.cfg.timeout_seconds, who, st.ctx);
  self->request(st.connector, caf::infinite, atom::get::value)
      .then(
          [=](int fd, uint64_t index) {
            auto& st = self->state;
            st.connector = nullptr;
            if (st.stopping) {
              ::close(fd);
              return;
            }
            st.current_dest = index;
            st.connected_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
            if (st.cfg.seams && st.cfg.seams->spawn_sender) {
              st.current = st.cfg.seams->spawn_sender(self, fd, index);
              self->monitor(st.current);
              return;
            }
            auto& d = st.cfg.destinations[index];
            st.current = self->spawn<caf::monitored>(
                sender, fd, d.to_string(), d.ssl,
                caf::actor_cast<sender_supervisor_actor>(self), st.host, st.cfg,
                st.ctx);
          },
          [=](caf::error&) {
            auto& st = self->state;
            st.connector = nullptr;
            st.last_reason = "could not connect to parent node at this time.";
            TRIBUTARY_ERROR(*st.ctx.log, "STREAM " + st.hostname,
                            "could not connect to parent node at this time.");
            self->delayed_send(
                self, std::chrono::seconds(st.cfg.reconnect_delay_seconds),
                atom::retry::value);
          });
}

} // namespace

sender_supervisor_actor::behavior_type sender_supervisor(
    sender_supervisor_actor::stateful_pointer<sender_supervisor_state> self,
    host_actor host, std::string hostname, sender_settings cfg,
    daemon_context ctx) {
  auto& st = self->state;
  st.host = std::move(host);
  st.hostname = std::move(hostname);
  st.cfg = std::move(cfg);
  st.ctx = std::move(ctx);
  st.postponed_until.assign(st.cfg.destinations.size(), 0);
  self->send(st.host, atom::stream::value, atom::write::value, false,
             st.cfg.enable_compression);
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source != st.current.address())
      return;
    st.current = nullptr;
    self->send(st.host, atom::stream::value, atom::write::value, false,
               st.cfg.enable_compression);
    if (st.stopping) {
      self->quit();
      return;
    }
    ++st.restarts;
    // The supervision policy: wait `reconnect delay seconds`, then start
    // over from the first destination.
    self->delayed_send(self,
                       std::chrono::seconds(st.cfg.reconnect_delay_seconds),
                       atom::retry::value);
  });
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    auto& st = self->state;
    st.stopping = true;
    if (st.current)
      self->send_exit(st.current, msg.reason);
    if (st.connector)
      self->send_exit(st.connector, msg.reason);
    self->quit(msg.reason);
  });
  try_connect(self);
  self->delayed_send(self, idle_check_interval, atom::timeout::value);
  return {
      [=](atom::retry) { try_connect(self); },
      [=](atom::reload, const std::string& pattern) {
        auto& st = self->state;
        if (pattern == st.cfg.send_charts_matching.source())
          return;
        auto compiled = config::simple_pattern::compile(pattern);
        if (!compiled)
          return;
        st.cfg.send_charts_matching = std::move(*compiled);
        // The running sender filters from now on; the next one starts with it.
        if (st.current)
          self->send(st.current, atom::reload::value, pattern);
        else
          TRIBUTARY_INFO(*st.ctx.log, "STREAM " + st.hostname,
                         "send charts matching is now '", pattern, "'");
      },
      [=](atom::timeout) {
        if (self->state.current)
          self->send(self->state.current, atom::timeout::value);
        self->delayed_send(self, idle_check_interval, atom::timeout::value);
      },
      [=](atom::detach, int64_t postpone_s, uint64_t bytes_written,
          const std::string& why) {
        auto& st = self->state;
        st.last_reason = why;
        st.cfg.bytes_sent_before += bytes_written;
        if (postpone_s > 0 && st.current_dest < st.postponed_until.size())
          st.postponed_until[st.current_dest]
              = static_cast<int64_t>(st.ctx.now_usec() / 1000000) + postpone_s;
      },
      [=](atom::status) -> caf::result<actor_status> {
        auto& st = self->state;
        actor_status s;
        s.name = "STREAM " + st.hostname;
        s.kind = "sender-supervisor";
        s.restarts = st.restarts;
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        std::string dests;
        for (auto& d : st.cfg.destinations)
          dests += (dests.empty() ? "" : " ") + d.to_string();
        s.labels = {{"hostname", st.hostname},
                    {"destinations", dests},
                    {"state", st.current     ? "connected"
                              : st.connector ? "connecting"
                                             : "waiting"},
                    {"last_reason", st.last_reason}};
        s.counters = {{"reconnects", st.restarts},
                      {"buffer_size", st.cfg.buffer_size_bytes},
                      {"bytes_sent_before",
                       static_cast<int64_t>(st.cfg.bytes_sent_before)}};
        if (!st.current)
          return s;
        // The current sender's facts join the supervisor's row.
        s.counters.emplace_back("connected_since", st.connected_s);
        auto rp = self->make_response_promise<actor_status>();
        self->request(st.current, std::chrono::seconds(1), atom::status::value)
            .then(
                [=](actor_status& sender) mutable {
                  for (auto& l : sender.labels)
                    if (l.first == "destination")
                      s.labels.emplace_back("current", l.second);
                    else if (l.first != "state")
                      s.labels.push_back(l);
                  for (auto& c : sender.counters)
                    s.counters.push_back(c);
                  s.mailbox += sender.mailbox;
                  s.handling_p50_us = sender.handling_p50_us;
                  s.handling_p99_us = sender.handling_p99_us;
                  rp.deliver(std::move(s));
                },
                [=](caf::error&) mutable { rp.deliver(std::move(s)); });
        return rp;
      },
  };
}

} // namespace tributary
