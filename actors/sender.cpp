#include "actors/sender.hpp"

#include "actors/connect.hpp"
#include "config/settings.hpp"
#include "protocol/capabilities.hpp"
#include "protocol/commands.hpp"
#include "protocol/handshake.hpp"
#include "tls/session.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <cmath>
#include <deque>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary {

// -- the socket
// ------------------------------------------------------------------

namespace {

/// The TLS side of a sender's socket: the session, what the sender wrote
/// before the parent's certificate was accepted, and which ciphertext
/// offsets end which plaintext, so that progress is reported in the
/// sender's (plaintext) bytes.
struct sender_tls {
  std::unique_ptr<tls::session> session;
  bool accepted = false;
  bool failed = false;
  std::string held;
  uint64_t plain_total = 0;
  uint64_t cipher_total = 0;
  uint64_t plain_written = 0;
  std::deque<std::pair<uint64_t, uint64_t>> marks;
};

/// Tells the sender (once) that TLS failed; it logs `detail` (if any), then
/// `reason`, and leaves this destination alone.
void report_tls_failure(caf::io::broker* self, const caf::actor& sender,
                        sender_tls& t, std::string detail, std::string reason) {
  if (t.failed)
    return;
  t.failed = true;
  // Netdata parks a destination for 300 s after any TLS failure.
  constexpr int64_t tls_postpone_s = 300;
  self->send(sender, atom::close::value, std::move(detail), std::move(reason),
             tls_postpone_s);
}

} // namespace

caf::behavior sender_connection(caf::io::broker* self, int fd,
                                caf::actor sender,
                                std::shared_ptr<const tls::context> tls_ctx) {
  auto h = self->add_scribe(fd);
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    ::shutdown(fd, SHUT_RDWR);
    self->quit(msg.reason);
  });
  self->configure_read(h, caf::io::receive_policy::at_most(64 * 1024));
  self->ack_writes(h, true);
  auto written = std::make_shared<uint64_t>(0);
  auto tls = std::make_shared<sender_tls>();
  auto encrypt = [=](std::string_view plain) {
    auto& t = *tls;
    if (auto err = t.session->write(plain))
      return report_tls_failure(self, sender, *tls, {}, err.message);
    t.plain_total += plain.size();
    t.cipher_total += t.session->take_output(self->wr_buf(h));
    t.marks.emplace_back(t.cipher_total, t.plain_total);
    self->flush(h);
  };
  if (tls_ctx) {
    tls->session
        = std::make_unique<tls::session>(*tls_ctx, tls::session::role::client);
    if (auto err = tls->session->start())
      report_tls_failure(self, sender, *tls, {},
                         "SSL cannot connect with the server: " + err.message);
    tls->cipher_total += tls->session->take_output(self->wr_buf(h));
    self->flush(h);
  }
  return {
      [=](const caf::io::new_data_msg& msg) {
        if (!tls->session) {
          self->send(sender, atom::data::value,
                     std::string{msg.buf.begin(), msg.buf.end()});
          return;
        }
        auto& t = *tls;
        if (t.failed)
          return;
        std::string plain;
        auto ev = t.session->feed({msg.buf.data(), msg.buf.size()}, plain);
        t.cipher_total += t.session->take_output(self->wr_buf(h));
        self->flush(h);
        if (!ev) {
          if (!t.accepted)
            return report_tls_failure(self, sender, t, {},
                                      "SSL cannot connect with the server: "
                                          + ev.err().message);
          return report_tls_failure(self, sender, t, {}, ev.err().message);
        }
        if (*ev == tls::session::event::established) {
          // Checked after the handshake, as 1.37.1 does, to say what is wrong.
          auto vr = t.session->verify_result();
          if (tls_ctx->verifies_peer()
              && (!t.session->has_peer_certificate() || vr != 0))
            return report_tls_failure(
                self, sender, t,
                "SSL RFC4158 check:  We have a invalid certificate, the tests "
                "result with "
                    + std::to_string(vr) + " and message "
                    + tls::verify_result_text(vr),
                "Closing the stream connection, because the server SSL "
                "certificate is not valid.");
          t.accepted = true;
          if (!t.held.empty()) {
            std::string held;
            held.swap(t.held);
            encrypt(held);
          }
        }
        if (!plain.empty())
          self->send(sender, atom::data::value, std::move(plain));
        if (*ev == tls::session::event::closed)
          self->send(sender, atom::close::value);
      },
      [=](const caf::io::data_transferred_msg& msg) {
        // Never close in here (CAF 0.17.6 use-after-free); only report.
        *written += msg.written;
        auto progress = *written;
        if (tls->session) {
          auto& t = *tls;
          while (!t.marks.empty() && t.marks.front().first <= *written) {
            t.plain_written = t.marks.front().second;
            t.marks.pop_front();
          }
          progress = t.plain_written;
        }
        self->send(sender, atom::write::value, progress);
      },
      [=](atom::write, const std::string& bytes) {
        if (!tls->session) {
          self->write(h, bytes.size(), bytes.data());
          self->flush(h);
        } else if (!tls->accepted) {
          tls->held += bytes;
        } else {
          encrypt(bytes);
        }
      },
      [=](atom::close) {
        // Netdata closes at once and drops what is unsent: a graceful close
        // would wait for a parent that does not read.
        ::shutdown(fd, SHUT_RDWR);
        self->close(h);
        self->quit();
      },
      [=](const caf::io::connection_closed_msg&) {
        if (tls->session && !tls->accepted)
          report_tls_failure(self, sender, *tls, {},
                             "SSL cannot connect with the server: the parent "
                             "closed the connection during the TLS handshake");
        else
          self->send(sender, atom::close::value);
        self->quit();
      },
  };
}

// -- the sender
// -------------------------------------------------------------------

namespace {

using sender_ptr = caf::stateful_actor<sender_state>*;

int64_t now_s(const daemon_context& ctx) {
  return static_cast<int64_t>(ctx.now_usec() / 1000000);
}

void fail(sender_ptr self, const std::string& why, int64_t postpone_s,
          caf::actor supervisor) {
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
void flush_out(sender_ptr self, caf::actor supervisor) {
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

void answer_replay(sender_ptr self, caf::actor supervisor,
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

void on_parent_line(sender_ptr self, caf::actor supervisor,
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
  self->send(st.host, atom::attach::value, caf::actor{self});
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

void on_reply(sender_ptr self, caf::actor supervisor) {
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
void start_chart(sender_ptr self, const caf::actor& supervisor,
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

caf::behavior sender(caf::stateful_actor<sender_state>* self, int fd,
                     std::string destination, bool encrypted,
                     caf::actor supervisor, host_actor host,
                     sender_settings cfg, daemon_context ctx) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.ctx = std::move(ctx);
  st.host = std::move(host);
  st.dest = std::move(destination);
  st.supervisor_id = supervisor ? supervisor->id() : 0;
  st.last_activity_s = now_s(st.ctx);
  st.conn = self->system().middleman().spawn_broker(
      sender_connection, fd, caf::actor{self},
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

// -- the supervisor
// ----------------------------------------------------------------

namespace {

using supervisor_ptr = caf::stateful_actor<sender_supervisor_state>*;

/// How often the current sender checks for `timeout seconds` of silence.
/// The supervisor ticks it: a delayed message that reaches an actor after
/// its end keeps that actor's memory for good in CAF 0.17.6, and a sender
/// ends with every lost connection.
constexpr auto idle_check_interval = std::chrono::seconds(1);

/// Tries the destinations in order on its own thread (connect blocks).
caf::behavior connector(caf::event_based_actor* self,
                        std::vector<config::destination> dests,
                        std::vector<int64_t> postponed_until, int64_t now,
                        std::string default_port, int64_t timeout_s,
                        std::string who, daemon_context ctx) {
  return {
      [=](atom::get) -> caf::result<int, uint64_t> {
        for (size_t i = 0; i < dests.size(); ++i) {
          auto& d = dests[i];
          if (postponed_until[i] > now) {
            TRIBUTARY_INFO(*ctx.log, who, "skipping destination '",
                           d.to_string(), "' (default port: ", default_port,
                           ") due to last error, will retry it in ",
                           postponed_until[i] - now, " seconds");
            continue;
          }
          TRIBUTARY_INFO(*ctx.log, who, "attempting to connect to '",
                         d.to_string(), "' (default port: ", default_port,
                         ")...");
          auto fd = connect_destination(d, default_port,
                                        std::chrono::seconds(timeout_s));
          if (fd) {
            self->quit();
            return {*fd, static_cast<uint64_t>(i)};
          }
          TRIBUTARY_ERROR(*ctx.log, who, "Failed to connect to '",
                          d.to_string(), "': ", fd.err().message);
        }
        self->quit();
        return caf::make_error(
            ec::io_error, "could not connect to parent node at this time.");
      },
  };
}

void try_connect(supervisor_ptr self) {
  auto& st = self->state;
  if (st.stopping)
    return;
  auto who = "STREAM " + log_text(st.hostname);
  auto now = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
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
            auto& d = st.cfg.destinations[index];
            st.current = self->spawn<caf::monitored>(sender, fd, d.to_string(),
                                                     d.ssl, caf::actor{self},
                                                     st.host, st.cfg, st.ctx);
          },
          [=](caf::error&) {
            auto& st = self->state;
            st.connector = nullptr;
            st.last_reason = "could not connect to parent node at this time.";
            TRIBUTARY_ERROR(*st.ctx.log, "STREAM " + st.hostname,
                            "could not connect to parent node at this time.");
            self->delayed_send(
                self, std::chrono::seconds(st.cfg.reconnect_delay_seconds),
                atom::attach::value);
          });
}

} // namespace

caf::behavior
sender_supervisor(caf::stateful_actor<sender_supervisor_state>* self,
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
                       atom::attach::value);
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
      [=](atom::attach) { try_connect(self); },
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
                  rp.deliver(std::move(s));
                },
                [=](caf::error&) mutable { rp.deliver(std::move(s)); });
        return rp;
      },
  };
}

} // namespace tributary
