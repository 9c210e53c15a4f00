#include "actors/sender.hpp"

#include "config/settings.hpp"
#include "protocol/capabilities.hpp"
#include "protocol/commands.hpp"
#include "protocol/handshake.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <cmath>
#include <utility>

namespace tributary {

namespace {

using sender_ptr = sender_actor::stateful_pointer<sender_state>;

int64_t now_s(const daemon_context& ctx) {
  return static_cast<int64_t>(ctx.now_usec() / 1000000);
}

void fail(sender_ptr self, const std::string& why, int64_t postpone_s,
          const sender_supervisor_actor& supervisor) {
  auto& st = self->state;
  TRIBUTARY_ERROR(*st.ctx.log, st.who, why);
  self->send(supervisor, atom::detach::value, postpone_s, st.bytes_written,
             why);
  if (st.conn)
    self->send(st.conn, atom::close::value);
  self->quit(caf::make_error(ec::io_error, why));
}

/// Sends what was queued in `out`, compressed if negotiated; enforces the
/// `buffer size bytes` bound.
void flush_out(sender_ptr self, const sender_supervisor_actor& supervisor) {
  auto& st = self->state;
  if (st.out.empty())
    return;
  std::string wire;
  if (st.lz4) {
    if (auto err = st.lz4->encode(st.out, wire)) {
      st.out.clear();
      return fail(self,
                  "STREAM_COMPRESSION: Compression returned error, "
                  "disabling it. "
                      + to_string(err),
                  0, supervisor);
    }
  } else {
    wire.swap(st.out);
  }
  st.out.clear();
  st.bytes_queued += wire.size();
  self->send(st.conn, atom::write::value, std::move(wire));
  auto pending = st.bytes_queued > st.bytes_written
                     ? st.bytes_queued - st.bytes_written
                     : uint64_t{0};
  if (pending > static_cast<uint64_t>(st.cfg.buffer_size_bytes))
    fail(self,
         "too many data pending - buffer is "
             + std::to_string(st.cfg.buffer_size_bytes) + " bytes long, "
             + std::to_string(pending) + " unsent - we have sent "
             + std::to_string(st.cfg.bytes_sent_before + st.bytes_written)
             + " bytes in total, " + std::to_string(st.bytes_written)
             + " on this connection. Closing connection to flush the data.",
         0, supervisor);
}

bool wanted(const sender_settings& cfg, const chart_def& def) {
  if (cfg.send_charts_matching.empty())
    return true;
  // 1.37.1 ORs the id and the name: a negative match on one does not block
  // a positive match on the other.
  auto name = def.name.empty() ? def.id : def.name;
  if (name.find('.') == std::string::npos) {
    auto dot = def.id.find('.');
    if (dot != std::string::npos)
      name = def.id.substr(0, dot + 1) + name;
  }
  return cfg.send_charts_matching.matches(def.id)
         || cfg.send_charts_matching.matches(name);
}

void write_definition(sender_state& st, const chart_def& def,
                      int64_t first_entry, int64_t last_entry) {
  protocol::chart c;
  c.id = def.id;
  c.name = def.name;
  c.title = def.title;
  c.units = def.units;
  c.family = def.family;
  c.context = def.context;
  c.chart_type = def.chart_type;
  c.priority = def.priority;
  c.update_every = def.update_every;
  c.options = def.options;
  c.plugin = def.plugin;
  c.module = def.module;
  protocol::write_command(c, st.out);
  if ((st.caps & protocol::cap_clabels) != 0 && !def.labels.empty()) {
    for (auto& [k, v] : def.labels)
      protocol::write_command(protocol::clabel{k, v, 1}, st.out);
    protocol::write_command(protocol::clabel_commit{}, st.out);
  }
  for (auto& d : def.dimensions) {
    protocol::dimension x;
    x.id = d.id;
    x.name = d.name;
    x.algorithm = d.algorithm;
    x.multiplier = d.multiplier;
    x.divisor = d.divisor;
    x.options = d.options;
    protocol::write_command(x, st.out);
  }
  if ((st.caps & protocol::cap_replication) != 0) {
    protocol::chart_definition_end end;
    end.first_entry = first_entry;
    end.last_entry = last_entry;
    end.child_now = now_s(st.ctx);
    protocol::write_command(end, st.out);
  }
}

/// Tells the host once every wanted chart streams: the parent has replicated
/// what it wanted, so the host's spool may go.
void note_replicated(sender_state& st) {
  if (st.replicated_sent)
    return;
  for (auto& [id, c] : st.charts)
    if (c.wanted && c.mode != sender_state::chart_mode::streaming)
      return;
  st.replicated_sent = true;
  caf::anon_send(st.host, atom::replay::value, atom::write::value,
                 st.supervisor_id);
}

/// A row dropped this long before the query of a replication answer started
/// may still have been on its way to the host db (µs).
constexpr uint64_t row_in_flight_usec = 200000;

/// Writes a replication reply (docs/protocol.md "Replication replies") with the
/// points of `res` (empty for an empty request) and switches the chart to
/// streaming when done. `query_usec` is when the query for `res` was sent.
void write_replay(sender_state& st, const protocol::replay_chart& r,
                  const data_result* res, uint64_t query_usec) {
  auto i = st.charts.find(r.chart_id);
  if (i == st.charts.end())
    return;
  auto now = now_s(st.ctx);
  auto ue = i->second.def.update_every > 0 ? i->second.def.update_every : 1;
  protocol::rbegin b;
  b.chart_id = r.chart_id;
  protocol::write_command(b, st.out);
  int64_t last = 0;
  int64_t first = 0;
  // 1.37.1: a parent that asks to start streaming gets everything up to the
  // last stored point (the query ran with before = 0, the db's end).
  auto before = r.before;
  if (res != nullptr) {
    first = res->first_entry;
    last = res->last_entry;
    if (r.start_streaming && last > before)
      before = last;
    auto ndims = res->dimension_ids.size();
    for (size_t row = 0; row < res->times.size(); ++row) {
      auto t = res->times[row];
      if (t <= r.after || t > before)
        continue;
      protocol::rbegin p;
      p.has_times = true;
      p.point_start = t - ue;
      p.point_end = t;
      p.child_now = now;
      protocol::write_command(p, st.out);
      for (size_t d = 0; d < ndims; ++d) {
        protocol::rset s;
        s.dimension_id = res->dimension_ids[d];
        auto v = res->values[row * ndims + d];
        s.value = protocol::decimal{v};
        if (std::isnan(v)) {
          s.value.text = "NAN";
          s.flags = "E";
        }
        protocol::write_command(s, st.out);
      }
    }
  }
  protocol::rend e;
  e.update_every = ue;
  e.db_first = first;
  e.db_last = last;
  // Done when the parent asked to start streaming or got everything we have.
  e.start_streaming = r.start_streaming || res == nullptr || r.before >= last;
  // ... unless a row was dropped while the answer was built: it may be
  // missing from it, so the parent asks again (1.37.1 does the same when a
  // second passed during the query).
  if (res != nullptr && e.start_streaming
      && i->second.dropped_row_usec + row_in_flight_usec >= query_usec)
    e.start_streaming = false;
  e.requested_after = r.after;
  e.requested_before = before;
  e.child_now = now;
  protocol::write_command(e, st.out);
  if (e.start_streaming) {
    i->second.mode = sender_state::chart_mode::streaming;
    note_replicated(st);
  }
}

void answer_replay(sender_ptr self, const sender_supervisor_actor& supervisor,
                   const protocol::replay_chart& r) {
  auto& st = self->state;
  if (st.charts.count(r.chart_id) == 0)
    return; // Netdata drops requests for unknown charts too.
  if (r.after == 0 && r.before == 0)
    return write_replay(st, r, nullptr, 0);
  // Answer from the host db: the stored points of the window.
  data_query q;
  q.chart = r.chart_id;
  q.after = r.after;
  q.before = r.start_streaming ? 0 : r.before;
  q.points = 0;
  q.all_dimensions = true;
  auto query_usec = st.ctx.now_usec();
  self->request(st.host, caf::infinite, atom::query::value, q)
      .then(
          [=](const data_result& res) {
            write_replay(self->state, r, &res, query_usec);
            flush_out(self, supervisor);
          },
          [=](caf::error&) {
            write_replay(self->state, r, nullptr, 0);
            flush_out(self, supervisor);
          });
}

void on_parent_line(sender_ptr self, const sender_supervisor_actor& supervisor,
                    std::string_view line) {
  auto& st = self->state;
  auto cmd = protocol::parse_line(line, protocol::direction::to_child);
  if (!cmd) {
    if (cmd.err().code == ec::unknown_command)
      TRIBUTARY_ERROR(
          *st.ctx.log, st.who,
          "received unknown command over connection: ", cmd.err().message);
    return;
  }
  if (auto* r = std::get_if<protocol::replay_chart>(&*cmd)) {
    answer_replay(self, supervisor, *r);
  } else if (auto* f = std::get_if<protocol::function_call>(&*cmd)) {
    protocol::function_result res;
    res.header.transaction = f->transaction;
    res.header.code = 503;
    res.header.content_type = "application/json";
    res.payload = "{\"status\":503,\"error_message\":\"functions are not "
                  "supported by tributary\"}\n";
    protocol::write_command(res, st.out);
  }
}

void start_streaming(sender_ptr self, int64_t version) {
  auto& st = self->state;
  st.caps = protocol::accept_reply(
      version, protocol::child_capabilities(st.cfg.enable_compression));
  st.connected = true;
  self->send(st.host, atom::stream::value, atom::write::value, true,
             protocol::uses_compression(st.caps));
  if (protocol::uses_compression(st.caps))
    st.lz4 = std::make_unique<protocol::lz4_encoder>(
        (st.caps & protocol::cap_binary) != 0);
  TRIBUTARY_INFO(*st.ctx.log, st.who,
                 "established link with negotiated capabilities: ",
                 protocol::to_string_caps(st.caps));
  if ((st.caps & protocol::cap_hlabels) != 0 && !st.info.labels.empty()) {
    for (auto& [k, v] : st.info.labels)
      protocol::write_command(protocol::label{k, 1, v}, st.out);
    protocol::write_command(protocol::overwrite{}, st.out);
  }
  TRIBUTARY_INFO(*st.ctx.log, st.who, "enabling metrics streaming...");
  self->send(st.host, atom::subscribe::value,
             caf::actor_cast<stream_subscriber_actor>(self));
}

/// True while `reply` may still grow into a reply we know.
bool may_grow(const std::string& reply) {
  using protocol::reply_kind;
  for (auto k : {reply_kind::ok_version, reply_kind::permission_denied,
                 reply_kind::already_streaming, reply_kind::localhost,
                 reply_kind::busy, reply_kind::not_allowed}) {
    auto known = protocol::build_reply(k, 0);
    if (k == reply_kind::ok_version)
      known.pop_back(); // the number
    if (reply.size() < known.size()
        && known.compare(0, reply.size(), reply) == 0)
      return true;
  }
  return false;
}

void on_reply(sender_ptr self, const sender_supervisor_actor& supervisor) {
  auto& st = self->state;
  auto parsed = protocol::parse_reply(st.reply);
  if (!parsed) {
    if (may_grow(st.reply))
      return;
    return fail(self, "remote node response is not understood, is it Netdata?.",
                60, supervisor);
  }
  using protocol::reply_kind;
  switch (parsed->kind) {
  case reply_kind::ok_version:
  case reply_kind::ok_host_labels:
  case reply_kind::ok_v1:
    st.reply.clear();
    start_streaming(self, parsed->version);
    flush_out(self, supervisor);
    return;
  case reply_kind::permission_denied:
    return fail(self,
                "remote server denied access, probably we don't have "
                "the right API key?.",
                protocol::postpone_seconds(parsed->kind), supervisor);
  case reply_kind::already_streaming:
    return fail(self,
                "remote server rejected this stream, the host we are "
                "trying to stream is already streamed to it.",
                protocol::postpone_seconds(parsed->kind), supervisor);
  case reply_kind::localhost:
    return fail(self,
                "remote server rejected this stream, the host we are "
                "trying to stream is its localhost.",
                protocol::postpone_seconds(parsed->kind), supervisor);
  default:
    return fail(self,
                "remote node response is not understood, is it "
                "Netdata?.",
                protocol::postpone_seconds(parsed->kind), supervisor);
  }
}

/// Sends a chart the parent is to get: its definition (with our retention
/// when replicating, so that the parent asks for what it misses), then its
/// rows once the parent says it has the past.
void start_chart(sender_ptr self, const sender_supervisor_actor& supervisor,
                 const chart_def& def) {
  auto& st = self->state;
  auto& entry = st.charts[def.id];
  entry.resync_rows = st.cfg.initial_clock_resync_iterations;
  if ((st.caps & protocol::cap_replication) == 0) {
    entry.mode = sender_state::chart_mode::streaming;
    write_definition(st, def, 0, 0);
    note_replicated(st);
    return flush_out(self, supervisor);
  }
  entry.mode = sender_state::chart_mode::replicating;
  data_query q;
  q.chart = def.id;
  q.after = -1;
  q.points = 1;
  self->request(st.host, caf::infinite, atom::query::value, q)
      .then(
          [=](const data_result& res) {
            write_definition(self->state, def, res.first_entry, res.last_entry);
            flush_out(self, supervisor);
          },
          [=](caf::error&) {
            write_definition(self->state, def, 0, 0);
            flush_out(self, supervisor);
          });
}

} // namespace

sender_actor::behavior_type
sender(sender_actor::stateful_pointer<sender_state> self, int fd,
       std::string destination, bool encrypted,
       const sender_supervisor_actor& supervisor, host_actor host,
       sender_settings cfg, daemon_context ctx) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.ctx = std::move(ctx);
  st.host = std::move(host);
  st.dest = std::move(destination);
  st.supervisor_id = supervisor ? supervisor->id() : 0;
  st.last_activity_s = now_s(st.ctx);
  st.conn = self->system().middleman().spawn_broker(
      sender_connection, fd, caf::actor_cast<sender_actor>(self),
      encrypted ? st.cfg.tls : std::shared_ptr<const tls::context>{});
  self->link_to(st.conn);
  self->request(st.host, caf::infinite, atom::get::value, atom::info::value)
      .then(
          [=](const host_summary& s) {
            auto& st = self->state;
            st.info = s.info;
            st.who = "STREAM " + log_text(st.info.hostname) + " [send to "
                     + st.dest + "]";
            protocol::stream_request req;
            req.key = st.cfg.api_key;
            req.hostname = st.info.hostname;
            req.registry_hostname = st.info.registry_hostname.empty()
                                        ? st.info.hostname
                                        : st.info.registry_hostname;
            req.machine_guid = st.info.machine_guid;
            // The sender's own global update every, also for proxied hosts.
            req.update_every = st.ctx.settings->global.update_every;
            req.os = st.info.os;
            req.timezone = st.info.timezone;
            req.abbrev_timezone = st.info.abbrev_timezone;
            req.utc_offset = st.info.utc_offset;
            req.hops = st.info.hops + 1;
            req.tags = st.info.tags;
            req.ver = protocol::child_capabilities(st.cfg.enable_compression);
            req.system_info = st.info.system_info;
            req.headers = protocol::default_headers(
                st.info.program_name.empty() ? "netdata" : st.info.program_name,
                st.info.program_version.empty() ? "v1.37.1"
                                                : st.info.program_version);
            TRIBUTARY_INFO(*st.ctx.log, st.who,
                           "initializing communication...");
            auto request = protocol::build_stream_request(req);
            st.bytes_queued += request.size();
            self->send(st.conn, atom::write::value, std::move(request));
            TRIBUTARY_INFO(*st.ctx.log, st.who,
                           "waiting response from remote netdata...");
          },
          [=](caf::error& err) {
            fail(self, "cannot read the host: " + self->system().render(err), 0,
                 supervisor);
          });
  // The idle check ticks come from the supervisor (see there).
  return {
      [=](atom::data, const std::string& bytes) {
        auto& st = self->state;
        st.last_activity_s = now_s(st.ctx);
        if (!st.connected) {
          st.reply += bytes;
          return on_reply(self, supervisor);
        }
        st.lines.feed(bytes);
        std::string_view line;
        while (st.lines.next(line))
          on_parent_line(self, supervisor, line);
        flush_out(self, supervisor);
      },
      [=](atom::write, uint64_t written) {
        auto& st = self->state;
        st.bytes_written = written;
        st.last_activity_s = now_s(st.ctx);
      },
      [=](atom::define, const chart_def& def) {
        auto& st = self->state;
        auto& entry = st.charts[def.id];
        entry.def = def;
        entry.wanted = wanted(st.cfg, def);
        if (entry.wanted)
          start_chart(self, supervisor, def);
      },
      [=](atom::reload, const std::string& pattern) {
        // `send charts matching` reloaded: charts it now selects are defined
        // (and replicated) as if they had just appeared; charts it no longer
        // selects stop getting rows.
        auto& st = self->state;
        auto compiled = config::simple_pattern::compile(pattern);
        if (!compiled)
          return;
        st.cfg.send_charts_matching = std::move(*compiled);
        int64_t added = 0;
        int64_t dropped = 0;
        for (auto& [id, entry] : st.charts) {
          auto now_wanted = wanted(st.cfg, entry.def);
          if (now_wanted == entry.wanted)
            continue;
          entry.wanted = now_wanted;
          if (now_wanted) {
            ++added;
            start_chart(self, supervisor, entry.def);
          } else {
            ++dropped;
          }
        }
        TRIBUTARY_INFO(*st.ctx.log, st.who, "send charts matching is now '",
                       pattern, "': ", added, " charts added, ", dropped,
                       " charts no longer sent");
      },
      [=](const chart_row& row) {
        timed_handler timed{self->state.timing};
        auto& st = self->state;
        auto i = st.charts.find(row.chart_id);
        if (i == st.charts.end() || !i->second.wanted)
          return;
        if (i->second.mode != sender_state::chart_mode::streaming) {
          i->second.dropped_row_usec = st.ctx.now_usec();
          return;
        }
        auto& dims = i->second.def.dimensions;
        protocol::begin b;
        b.chart_id = row.chart_id;
        if (i->second.resync_rows > 0)
          --i->second.resync_rows;
        else if (row.microseconds > 0)
          b.microseconds = row.microseconds;
        protocol::write_command(b, st.out);
        for (size_t d = 0; d < dims.size() && d < row.values.size(); ++d) {
          protocol::set s;
          s.dimension_id = dims[d].id;
          if (d < row.is_set.size() && row.is_set[d])
            s.value = row.values[d];
          protocol::write_command(s, st.out);
        }
        protocol::write_command(protocol::end{}, st.out);
        ++st.rows;
        flush_out(self, supervisor);
      },
      [=](atom::timeout) {
        auto& st = self->state;
        auto idle = now_s(st.ctx) - st.last_activity_s;
        if (idle >= st.cfg.timeout_seconds) {
          if (!st.connected)
            return fail(self, "remote netdata does not respond.", 30,
                        supervisor);
          return fail(self,
                      "could not send metrics for " + std::to_string(idle)
                          + " seconds - closing connection - we have sent "
                          + std::to_string(st.bytes_written)
                          + " bytes on this connection.",
                      0, supervisor);
        }
      },
      [=](atom::close) {
        fail(self, "connection closed by far end.", 0, supervisor);
      },
      [=](atom::close, const std::string& detail, const std::string& reason,
          int64_t postpone_s) {
        auto& st = self->state;
        if (!detail.empty())
          TRIBUTARY_ERROR(*st.ctx.log, st.who, detail);
        fail(self, reason, postpone_s, supervisor);
      },
      [=](atom::status) {
        auto& st = self->state;
        actor_status s;
        s.name = st.who;
        s.kind = "sender";
        report_handling(s, st.timing);
        int64_t replicating = 0;
        for (auto& [id, c] : st.charts)
          if (c.mode == sender_state::chart_mode::replicating && c.wanted)
            ++replicating;
        s.counters = {{"rows", st.rows},
                      {"bytes_queued", static_cast<int64_t>(st.bytes_queued)},
                      {"bytes_written", static_cast<int64_t>(st.bytes_written)},
                      {"buffer_used", static_cast<int64_t>(st.bytes_queued
                                                           - st.bytes_written)},
                      {"buffer_size", st.cfg.buffer_size_bytes},
                      {"charts", static_cast<int64_t>(st.charts.size())},
                      {"replicating_charts", replicating}};
        s.labels = {{"destination", st.dest},
                    {"state", st.connected ? "connected" : "handshake"},
                    {"compression", st.lz4 ? "lz4" : "none"}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
  };
}

} // namespace tributary
