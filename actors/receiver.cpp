#include "actors/receiver.hpp"

#include "actors/receiver_steps.hpp"
#include "config/resolve.hpp"
#include "protocol/capabilities.hpp"

#include <caf/all.hpp>

namespace tributary {

using namespace receiver_steps;

namespace {

/// Logs the refusals by the limits since the last summary (at most once a
/// minute and at disconnect).
void log_refusals(receiver_ptr self) {
  auto& st = self->state;
  auto total = st.refused_charts + st.refused_dimensions;
  if (total == st.refused_logged)
    return;
  st.refused_logged = total;
  TRIBUTARY_ERROR(
      *st.ctx.log, st.who, "host '", st.hello.host.hostname,
      "': ", st.refused_charts, " charts and ", st.refused_dimensions,
      " dimensions refused so far by [db] max charts per host = ",
      st.max_charts, " / max dimensions per host = ", st.max_dimensions,
      "; their data are ignored");
}

void stop(receiver_ptr self, const std::string& why) {
  auto& st = self->state;
  if (st.closed)
    return;
  st.closed = true;
  log_refusals(self);
  // What was parsed before the end is stored, as it was before batching.
  receiver_steps::send_pending(self);
  if (!why.empty())
    TRIBUTARY_ERROR(*st.ctx.log, st.who, why);
  TRIBUTARY_INFO(*st.ctx.log, st.who, "disconnected (completed ", st.updates,
                 " updates).");
  self->send(st.host, atom::stream::value, false, false);
  self->send(st.ctx.registry, atom::detach::value, st.hello.host.machine_guid,
             caf::actor_cast<receiver_actor>(self), why);
  self->quit(why.empty() ? caf::exit_reason::normal
                         : caf::exit_reason::user_shutdown);
}

/// Seconds between "data arrived" notes to the registry (its duplicate-GUID
/// check calls a receiver dead after 30 s without data).
constexpr int64_t report_every_s = 5;

/// A 1.37.1 parent sets SO_RCVTIMEO to 600 s on a stream socket.
constexpr int64_t idle_timeout_s = 600;

void consume(receiver_ptr self, const std::string& bytes) {
  auto& st = self->state;
  st.bytes += static_cast<int64_t>(bytes.size());
  auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  st.last_data_s = now_s;
  if (now_s - st.reported_s >= report_every_s) {
    st.reported_s = now_s;
    self->send(st.ctx.registry, atom::data::value, st.hello.host.machine_guid,
               now_s);
  }
  if (auto err = st.decoder.feed(bytes))
    return stop(self,
                "STREAM: cannot decompress the stream: " + to_string(err));
  std::string_view line;
  while (st.decoder.next(line)) {
    ++st.lines;
    st.text_bytes += static_cast<int64_t>(line.size()) + 1;
    if (protocol::set_view set; st.reader.plain_set(line, set)) {
      if (auto res = handle_set(self, set); !res.ok)
        return stop(self, res.why + ". Disabling it.");
      continue;
    }
    if (protocol::rset_view rset; st.reader.plain_rset(line, rset)) {
      if (auto res = handle_rset(self, rset); !res.ok)
        return stop(self, res.why + ". Disabling it.");
      continue;
    }
    if (protocol::rbegin rbegin; st.reader.plain_rbegin(line, rbegin)) {
      if (auto res = handle_rbegin(self, rbegin); !res.ok)
        return stop(self, res.why + ". Disabling it.");
      continue;
    }
    protocol::command cmd;
    error err;
    switch (st.reader.consume(line, cmd, err)) {
    case protocol::command_reader::status::more:
      continue;
    case protocol::command_reader::status::failed:
      if (err.code == ec::unknown_command) {
        auto keyword = line.substr(0, line.find_first_of(" \t\r"));
        return stop(self, "sent command '" + log_text(keyword)
                              + "' which is not known by netdata, for host '"
                              + log_text(st.hello.host.hostname)
                              + "'. Disabling it.");
      }
      // The line itself, so that a stream changed on the way can be told
      // from a peer that sends what we do not understand.
      return stop(self, "cannot parse line " + std::to_string(st.lines) + " '"
                            + log_text(line, 160) + "': " + to_string(err)
                            + ". Disabling it.");
    case protocol::command_reader::status::ready:
      break;
    }
    auto res = dispatch(self, cmd);
    if (!res.ok)
      return stop(self, res.why + ". Disabling it.");
  }
  if (st.decoder.err()) {
    if (st.decoder.err().code == ec::line_too_long)
      return stop(self, "STREAM: received line exceeds 15360 bytes. "
                        "Truncating it.");
    return stop(self, to_string(st.decoder.err()));
  }
  // Definitions must reach the host before the rows that follow them; the
  // rows of this read go as one batch.
  flush_definition(self);
  send_pending(self);
}

/// Bytes parsed before the receiver fences: far below the connection's
/// 4 MiB halt, so reading never stops for want of a fence, yet a fence per
/// read (three messages per chart it touched) no longer doubles the
/// messages per row of a child that sends a few KiB a second.
constexpr int64_t fence_every_bytes = int64_t{256} << 10;

/// Read backpressure: once the rows of the bytes parsed so far are stored
/// (a fence through the host, its charts and the host db), the connection
/// may read that many bytes more. One fence at a time, once
/// `fence_every_bytes` were parsed; bytes parsed while it runs wait for the
/// next one.
void fence(receiver_ptr self) {
  auto& st = self->state;
  if (st.fencing || st.unacked < fence_every_bytes || st.closed)
    return;
  auto n = st.unacked;
  st.unacked = 0;
  st.fencing = true;
  receiver_steps::send_pending(self);
  auto done = [=] {
    auto& st = self->state;
    st.fencing = false;
    self->send(st.conn, atom::sync::value, n);
    fence(self);
  };
  self->request(st.host, caf::infinite, atom::sync::value)
      .then([=](bool) { done(); }, [=](caf::error&) { done(); });
}

} // namespace

receiver_actor::behavior_type
receiver(receiver_actor::stateful_pointer<receiver_state> self,
         const connection_actor& conn, const host_actor& host,
         const stream_hello& hello, const access_decision& decision,
         const daemon_context& ctx) {
  auto& st = self->state;
  st.conn = conn;
  st.host = host;
  st.hello = hello;
  st.ctx = ctx;
  st.who
      = "STREAM " + log_text(st.hello.host.hostname) + " [receive from "
        + peer_name(st.hello.peer_ip, static_cast<uint16_t>(st.hello.peer_port))
        + "]";
  st.connected_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  st.decoder.reset(decision.compression ? protocol::stream_mode::lz4
                                        : protocol::stream_mode::plain);
  auto eff = config::resolve_receiver(*st.ctx.settings, st.hello.api_key,
                                      st.hello.host.machine_guid,
                                      st.hello.host.update_every);
  st.max_charts = st.ctx.settings->global.max_charts_per_host;
  st.max_dimensions = st.ctx.settings->global.max_dimensions_per_host;
  st.replication = eff.enable_replication;
  st.seconds_to_replicate = eff.seconds_to_replicate;
  st.replication_step = eff.seconds_per_replication_step > 0
                            ? eff.seconds_per_replication_step
                            : 600;
  TRIBUTARY_INFO(
      *st.ctx.log, st.who, "client willing to stream metrics for host '",
      log_text(st.hello.host.hostname), "' with machine_guid '",
      log_text(st.hello.host.machine_guid),
      "': update every = ", st.hello.host.update_every,
      ", capabilities = ", protocol::to_string_caps(decision.capabilities));
  self->send(st.host, atom::stream::value, true, decision.compression);
  self->send(st.ctx.registry, atom::takeover::value, st.hello.host.machine_guid,
             caf::actor_cast<receiver_actor>(self));
  TRIBUTARY_INFO(*st.ctx.log, st.who, "receiving metrics...");
  st.last_data_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  // The idle check comes from the listener through the connection (every
  // 60 s), not as a delayed message to ourselves: CAF 0.17.6 never frees an
  // actor that a delayed message reaches after its end (it was one receiver
  // per reconnect).
  return {
      [=](atom::data, const std::string& bytes) {
        if (self->state.closed)
          return;
        timed_handler timed{self->state.timing};
        consume(self, bytes);
        self->state.unacked += static_cast<int64_t>(bytes.size());
        fence(self);
      },
      [=](atom::close) {
        TRIBUTARY_ERROR(*self->state.ctx.log, self->state.who,
                        "read failed: end of file");
        stop(self, "");
      },
      [=](atom::status) {
        auto& st = self->state;
        actor_status s;
        s.name = st.who;
        s.kind = "receiver";
        report_handling(s, st.timing);
        // Asked every second by the console: only a host that is
        // replicating pays for a walk over its charts (100,000 idle charts
        // cost 4 % of a core when every status walked them).
        int64_t replicating = st.replicating_charts;
        int64_t oldest = 0;
        if (replicating > 0)
          for (auto& [id, c] : st.charts)
            if (c.replicating && (oldest == 0 || c.requested_before < oldest))
              oldest = c.requested_before;
        auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
        s.counters = {{"bytes", st.bytes},
                      {"lines", st.lines},
                      {"updates", st.updates},
                      {"text_bytes", st.text_bytes},
                      {"connected_since", st.connected_s},
                      {"charts", static_cast<int64_t>(st.charts.size())},
                      {"replicating_charts", replicating},
                      {"replication_behind_s",
                       oldest > 0 && now_s > oldest ? now_s - oldest : 0},
                      {"refused_charts", st.refused_charts},
                      {"refused_dimensions", st.refused_dimensions}};
        s.labels = {
            {"guid", st.hello.host.machine_guid},
            {"hostname", st.hello.host.hostname},
            {"peer", peer_name(st.hello.peer_ip,
                               static_cast<uint16_t>(st.hello.peer_port))},
            {"compression",
             st.decoder.mode() == protocol::stream_mode::lz4 ? "lz4" : "none"}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
      [=](atom::timeout) {
        auto& st = self->state;
        auto now_s = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
        if (now_s - st.last_data_s >= idle_timeout_s)
          return stop(self, "read failed: timeout, no data for "
                                + std::to_string(now_s - st.last_data_s)
                                + " seconds");
        log_refusals(self);
      },
  };
}

} // namespace tributary