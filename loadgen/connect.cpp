// The load generator: connecting a child and its STREAM handshake.

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

namespace tributary::cli::loadgen_detail {

bool generator::setup() {
  uint64_t seed = o_.seed;
  if (seed == 0)
    seed = std::random_device{}() ^ uint64_t(now_wall());
  std::vector<std::pair<behavior, int>> extra;
  for (auto& spec : o_.misbehave) {
    auto colon = spec.find(':');
    auto name = spec.substr(0, colon);
    double frac = 0.1;
    if (colon != std::string::npos) {
      char* endp = nullptr;
      frac = std::strtod(spec.c_str() + colon + 1, &endp);
      if (*endp != '\0' || frac < 0) {
        std::cerr << "loadgen: bad --misbehave fraction in '" << spec << "'\n";
        return false;
      }
    }
    behavior b;
    if (name == "cut")
      b = behavior::cut;
    else if (name == "unknown")
      b = behavior::unknown;
    else if (name == "slowloris")
      b = behavior::slowloris;
    else if (name == "badkey")
      b = behavior::badkey;
    else {
      std::cerr << "loadgen: --misbehave kind must be cut, unknown, slowloris "
                   "or badkey (got '"
                << name << "')\n";
      return false;
    }
    int n = int(std::ceil(frac * o_.children));
    if (frac > 0 && n == 0)
      n = 1;
    extra.emplace_back(b, n);
  }
  good_ = o_.children;
  int total = o_.children;
  for (auto& [b, n] : extra)
    total += n;
  kids_.resize(size_t(total));
  rng keys(seed ^ 0xBADC0FFEEull);
  int idx = 0;
  auto init = [&](behavior b, int i, int nth) {
    auto& ch = kids_[size_t(i)];
    ch.index = i;
    ch.kind = b;
    char name[32];
    std::snprintf(name, sizeof name, "%04d", nth);
    ch.hostname = o_.hostname_prefix + "-"
                  + (b == behavior::good ? std::string{}
                                         : std::string{to_string(b)} + "-")
                  + name;
    ch.guid = make_guid(seed, i, o_.guid_prefix);
    ch.key = b == behavior::badkey ? random_uuid(keys) : o_.api_key;
    ch.work = std::make_unique<child_workload>(
        i, o_.charts, o_.dims, o_.update_every, seed, o_.variety);
    ch.streaming.assign(size_t(o_.charts), 0);
    ch.rounds.assign(size_t(o_.charts), 0);
    ch.phase = o_.update_every * double(i % std::max(1, o_.children))
               / std::max(1, o_.children);
    proto::stream_request req;
    req.key = ch.key;
    req.hostname = ch.hostname;
    req.registry_hostname = ch.hostname;
    req.machine_guid = ch.guid;
    req.update_every = o_.update_every;
    req.os = "linux";
    req.timezone = "Etc/UTC";
    req.abbrev_timezone = "UTC";
    req.utc_offset = 0;
    req.hops = 1;
    req.ver = proto::child_capabilities(o_.lz4);
    req.system_info = {
        {"NETDATA_SYSTEM_OS_NAME", "loadgen"},
        {"NETDATA_SYSTEM_KERNEL_NAME", "Linux"},
        {"NETDATA_SYSTEM_ARCHITECTURE", "x86_64"},
        {"NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT", "1"},
        {"NETDATA_PROTOCOL_VERSION", "1.1"},
    };
    req.headers = proto::default_headers("tributary-loadgen", "v1.37.1");
    ch.request = proto::build_stream_request(req);
  };
  for (int i = 0; i < o_.children; ++i)
    init(behavior::good, idx++, i);
  for (auto& [b, n] : extra)
    for (int j = 0; j < n; ++j)
      init(b, idx++, j);
  for (auto& ch : kids_)
    ch.next_connect
        = t0_
          + o_.ramp * ch.index
                / static_cast<double>(std::max<size_t>(1, kids_.size()));
  std::cerr << "loadgen: " << good_ << " children x " << o_.charts
            << " charts x " << o_.dims << " dims every " << o_.update_every
            << " s (" << (good_ * double(o_.charts) * o_.dims / o_.update_every)
            << " samples/s), " << (total - good_) << " misbehaving, lz4 "
            << (o_.lz4 ? "requested" : "off") << ", to " << ep_.text << " for "
            << o_.duration << " s, seed " << seed << "\n";
  return true;
}

void generator::want_write(child& ch, bool on) {
  uint32_t ev = EPOLLIN | (on ? EPOLLOUT : 0u);
  if (ev == ch.events)
    return;
  epoll_event e{};
  e.events = ev;
  e.data.u32 = uint32_t(ch.index);
  epoll_ctl(ep_fd_, EPOLL_CTL_MOD, ch.fd, &e);
  ch.events = ev;
}

void generator::start_connect(child& ch) {
  ch.fd = ::socket(ep_.addr.ss_family,
                   SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (ch.fd < 0) {
    std::cerr << "loadgen: socket: " << std::strerror(errno) << "\n";
    ch.next_connect = now_mono() + o_.reconnect_delay;
    return;
  }
  int one = 1;
  setsockopt(ch.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (ch.ever_connected)
    ++ch.c.reconnects;
  ch.ever_connected = true;
  ++ch.c.connects;
  int rc = ::connect(ch.fd, reinterpret_cast<sockaddr*>(&ep_.addr), ep_.len);
  epoll_event e{};
  e.events = EPOLLIN | EPOLLOUT;
  e.data.u32 = uint32_t(ch.index);
  epoll_ctl(ep_fd_, EPOLL_CTL_ADD, ch.fd, &e);
  ch.events = e.events;
  ch.out.clear();
  ch.out_off = 0;
  ch.lines.reset();
  ch.reader.reset();
  ch.reply_deadline = now_mono() + 30;
  if (rc == 0) {
    ch.st = state::connecting;
    on_connected(ch);
  } else if (errno == EINPROGRESS) {
    ch.st = state::connecting;
  } else {
    ++ch.c.connect_errors;
    close_child(ch, "connect failed", false);
  }
}

void generator::on_connected(child& ch) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(ch.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    ++ch.c.connect_errors;
    close_child(ch, "connect failed", false);
    return;
  }
  if (ch.kind == behavior::slowloris) {
    ch.st = state::requesting;
    ch.slow_sent = 0;
    ch.slow_next = now_mono();
    want_write(ch, false);
    return;
  }
  // The request goes in one send(), then nothing until the reply.
  ch.st = state::awaiting_reply;
  ssize_t n = ::send(ch.fd, ch.request.data(), ch.request.size(), MSG_NOSIGNAL);
  if (n != ssize_t(ch.request.size())) {
    close_child(ch, "request not sent", true);
    return;
  }
  want_write(ch, false);
}

void generator::slowloris_step(child& ch, double t) {
  if (ch.st != state::requesting || t < ch.slow_next)
    return;
  // Everything but the final blank line, one byte every 2 s.
  if (ch.slow_sent + 2 < ch.request.size()) {
    ssize_t n
        = ::send(ch.fd, ch.request.data() + ch.slow_sent, 1, MSG_NOSIGNAL);
    if (n == 1)
      ++ch.slow_sent;
  }
  ch.slow_next = t + 2;
}

void generator::on_reply(child& ch) {
  char buf[8192];
  ssize_t n = ::recv(ch.fd, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return;
  if (n <= 0) {
    ++ch.c.refusals;
    ++ch.c.refusal_kinds["closed_without_reply"];
    close_child(ch, "closed before replying", false);
    return;
  }
  auto reply = proto::parse_reply(std::string_view{buf, size_t(n)});
  if (!reply) {
    ++ch.c.refusals;
    ++ch.c.refusal_kinds["not_understood"];
    close_child(ch, "reply not understood", false);
    return;
  }
  switch (reply->kind) {
  case proto::reply_kind::ok_version:
  case proto::reply_kind::ok_host_labels:
  case proto::reply_kind::ok_v1:
    break;
  default:
    ++ch.c.refusals;
    ++ch.c.refusal_kinds[std::string{proto::to_string(reply->kind)}];
    close_child(ch, "refused", false);
    return;
  }
  ch.caps
      = proto::accept_reply(reply->version, proto::child_capabilities(o_.lz4));
  ch.compress = proto::uses_compression(ch.caps);
  ch.encoder = proto::lz4_encoder{(ch.caps & proto::cap_binary) != 0};
  ch.st = state::streaming;
  double t = now_mono();
  ch.streaming_since = t;
  if (ch.kind == behavior::cut || ch.kind == behavior::unknown) {
    rng r(uint64_t(ch.index) * 31 + ch.c.connects);
    ch.misbehave_at = t + 2 + double(r.below(4000)) / 1000.0;
    ch.misbehaved = false;
  }
  bool repl = (ch.caps & proto::cap_replication) != 0;
  std::fill(ch.streaming.begin(), ch.streaming.end(), repl ? 0 : 1);
  ch.streaming_charts = repl ? 0 : ch.work->charts();
  ch.commit.clear();
  ch.work->host_preamble(ch.guid, (ch.caps & proto::cap_claim) != 0,
                         (ch.caps & proto::cap_hlabels) != 0, ch.commit);
  enqueue(ch, ch.commit);
  int64_t wall = now_wall();
  for (int c = 0; c < ch.work->charts(); ++c) {
    ch.commit.clear();
    ch.work->definition(c, repl, wall, o_.history, ch.commit);
    enqueue(ch, ch.commit);
  }
  // First collection one period after the definitions, at the child's phase.
  double period = o_.update_every;
  ch.next_tick = (std::floor((t - t0_) / period) + 1) * period + t0_ + ch.phase;
  ch.last_tick = 0;
  flush(ch);
}

} // namespace tributary::cli::loadgen_detail
