// `tributary loadgen`: the socket side. One thread, one epoll set, every
// child a small state machine:
//
//   idle --(reconnect time)--> connecting --> requesting --> awaiting reply
//     ^                                                         |
//     +---- refused / closed / error <---- streaming <----------+
//
// A well-behaved child sends, after the parent's "Hit me baby" prompt, the
// host preamble, then per chart CHART/DIMENSION(/CHART_DEFINITION_END) and,
// when REPLICATION was negotiated, holds the chart's data back until it has
// answered the parent's REPLAY_CHART with `RBEGIN "id"` + `REND ... true`
// (docs/protocol.md "Replication replies"). Every update_every seconds it
// collects each streaming chart: one BEGIN/SET.../END commit per chart,
// lz4-compressed per commit when COMPRESSION was negotiated (docs/protocol.md
// "lz4 framing").
//
// Misbehaving children (--misbehave KIND[:FRACTION]) are extra children:
//   cut        streams a few seconds, then sends part of a collection (a cut
//              line, with lz4 a cut frame) and closes; reconnects later
//   unknown    streams a few seconds, then sends an unknown command and keeps
//              streaming until the parent closes (a 1.37.1 parent does)
//   slowloris  sends its STREAM request one byte every 2 s and never ends it
//   badkey     uses a wrong API key (refused with 401)
#include "loadgen/generator.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <random>
#include <sstream>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary::cli {

namespace loadgen_detail {

using mono = std::chrono::steady_clock;

double now_mono() {
  return std::chrono::duration<double>(mono::now().time_since_epoch()).count();
}

int64_t now_wall() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

volatile sig_atomic_t g_stop = 0;

namespace {

extern "C" void on_signal(int) {
  g_stop = 1;
}

} // namespace

const char* to_string(behavior b) {
  switch (b) {
  case behavior::good:
    return "good";
  case behavior::cut:
    return "cut";
  case behavior::unknown:
    return "unknown";
  case behavior::slowloris:
    return "slowloris";
  case behavior::badkey:
    return "badkey";
  }
  return "?";
}

std::string make_guid(uint64_t seed, int index, const std::string& prefix) {
  rng r(seed * 0x100000001B3ull + uint64_t(index) * 0x9E3779B97F4A7C15ull + 7);
  uint64_t a = r.next();
  uint64_t b = r.next();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012" PRIx64,
                uint32_t(a >> 32), uint32_t(a >> 16) & 0xFFFF,
                uint32_t(a) & 0xFFF, uint32_t(0x8000 | ((b >> 48) & 0x3FFF)),
                uint64_t(b & 0xFFFFFFFFFFFFull));
  std::string g = buf;
  for (size_t i = 0; i < prefix.size() && i < 8; ++i)
    g[i] = char(std::tolower(static_cast<unsigned char>(prefix[i])));
  return g;
}

std::string random_uuid(rng& r) {
  return make_guid(r.next(), 0, "");
}

int generator::run() {
  t0_ = now_mono();
  last_report_t_ = t0_;
  if (!setup())
    return 2;
  ep_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (ep_fd_ < 0) {
    std::cerr << "loadgen: epoll_create1: " << std::strerror(errno) << "\n";
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  double end = t0_ + o_.duration;
  double next_report = t0_ + (o_.report_every > 0 ? o_.report_every : 1e18);
  std::vector<epoll_event> evs(256);
  for (;;) {
    double t = now_mono();
    if (t >= end || g_stop)
      break;
    // Timers: connects, ticks, slowloris bytes, reply deadlines.
    double next = std::min(end, next_report);
    for (auto& ch : kids_) {
      switch (ch.st) {
      case state::idle:
        if (t >= ch.next_connect) {
          start_connect(ch);
          if (ch.st == state::idle)
            next = std::min(next, ch.next_connect);
        } else {
          next = std::min(next, ch.next_connect);
        }
        break;
      case state::connecting:
      case state::awaiting_reply:
        if (t >= ch.reply_deadline) {
          ++ch.c.refusals;
          ++ch.c.refusal_kinds["timeout"];
          close_child(ch, "handshake timeout", false);
        } else {
          next = std::min(next, ch.reply_deadline);
        }
        break;
      case state::requesting:
        slowloris_step(ch, t);
        next = std::min(next, ch.slow_next);
        break;
      case state::streaming:
        if (t >= ch.next_tick)
          tick(ch, t);
        if (ch.st == state::streaming)
          next = std::min(next, ch.next_tick);
        else
          next = std::min(next, ch.next_connect);
        break;
      }
    }
    if (t >= next_report) {
      report(t, false);
      next_report += o_.report_every;
      while (next_report <= t)
        next_report += o_.report_every;
    }
    t = now_mono();
    int timeout_ms = next > t ? int(std::ceil((next - t) * 1000)) : 0;
    int n = epoll_wait(ep_fd_, evs.data(), int(evs.size()), timeout_ms);
    for (int i = 0; i < n; ++i) {
      auto& ch = kids_[evs[size_t(i)].data.u32];
      if (ch.fd < 0)
        continue;
      on_event(ch, evs[size_t(i)].events);
    }
  }
  double t_end = now_mono();
  // Bounded final flush of what is queued, then close everything.
  double flush_until = now_mono() + 3;
  for (;;) {
    bool pending = false;
    for (auto& ch : kids_)
      if (ch.st == state::streaming && ch.fd >= 0 && ch.backlog() > 0) {
        flush(ch);
        pending = pending || (ch.fd >= 0 && ch.backlog() > 0);
      }
    if (!pending || now_mono() >= flush_until)
      break;
    epoll_wait(ep_fd_, evs.data(), int(evs.size()), 20);
  }
  g_stop = 1;
  report(t_end, true);
  if (!o_.json_out.empty())
    write_json(t_end - t0_);
  for (auto& ch : kids_)
    if (ch.fd >= 0)
      close_child(ch, "end", false);
  ::close(ep_fd_);
  return 0;
}

void generator::on_event(child& ch, uint32_t ev) {
  switch (ch.st) {
  case state::connecting:
    if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))
      on_connected(ch);
    break;
  case state::requesting:
    // slowloris: the parent answered or closed on an unfinished request.
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
      char buf[512];
      ssize_t n = ::recv(ch.fd, buf, sizeof buf, 0);
      if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) {
        ++ch.c.refusals;
        ++ch.c.refusal_kinds["slowloris_closed"];
        close_child(ch, "slowloris closed", false);
      }
    }
    break;
  case state::awaiting_reply:
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
      on_reply(ch);
    break;
  case state::streaming:
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
      on_readable(ch);
    if (ch.fd >= 0 && (ev & EPOLLOUT))
      flush(ch);
    break;
  case state::idle:
    break;
  }
}

} // namespace loadgen_detail

using namespace loadgen_detail;

int loadgen(const loadgen_options& opts) {
  endpoint ep;
  std::string why;
  if (!parse_loopback_destination(opts.destination, ep, why)) {
    std::cerr << "loadgen: refusing destination '" << opts.destination
              << "': " << why << "\n";
    return 2;
  }
  if (opts.children < 0 || opts.charts < 1 || opts.dims < 1
      || opts.update_every < 1 || opts.duration <= 0) {
    std::cerr << "loadgen: --children >= 0, --charts >= 1, --dims >= 1, "
                 "--update-every >= 1 and --duration > 0 please\n";
    return 2;
  }
  if (!proto::is_valid_machine_guid(opts.api_key)) {
    std::cerr << "loadgen: --api-key must be a UUID (1.37.1 parents refuse "
                 "anything else)\n";
    return 2;
  }
  for (char ch : opts.guid_prefix)
    if (!std::isxdigit(static_cast<unsigned char>(ch))
        || opts.guid_prefix.size() > 8) {
      std::cerr << "loadgen: --guid-prefix is up to 8 hex digits\n";
      return 2;
    }
  generator g{opts, ep};
  return g.run();
}

} // namespace tributary::cli
