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
// (spec §5.4). Every update_every seconds it collects each streaming chart:
// one BEGIN/SET.../END commit per chart, lz4-compressed per commit when
// COMPRESSION was negotiated (spec §3.1).
//
// Misbehaving children (--misbehave KIND[:FRACTION]) are extra children:
//   cut        streams a few seconds, then sends part of a collection (a cut
//              line, with lz4 a cut frame) and closes; reconnects later
//   unknown    streams a few seconds, then sends an unknown command and keeps
//              streaming until the parent closes (a 1.37.1 parent does)
//   slowloris  sends its STREAM request one byte every 2 s and never ends it
//   badkey     uses a wrong API key (refused with 401)
#include "bin/loadgen.hpp"
#include "config/host_port.hpp"

#include "protocol/capabilities.hpp"
#include "protocol/command_reader.hpp"
#include "protocol/commands.hpp"
#include "protocol/handshake.hpp"
#include "protocol/line_splitter.hpp"
#include "protocol/lz4_framing.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>

namespace tributary::cli {

namespace {

namespace proto = tributary::protocol;
using namespace loadgen_detail;

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

extern "C" void on_signal(int) {
  g_stop = 1;
}

// -- destination ---------------------------------------------------------------

struct endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;
};

/// Parses HOST:PORT with a loopback HOST; no name resolution except the
/// literal `localhost`.
bool parse_loopback_destination(const std::string& dest, endpoint& ep,
                                std::string& why) {
  auto split = tributary::config::split_host_port(dest);
  if (!split) {
    why = split.err().message;
    return false;
  }
  if (split->port.empty()) {
    why = "expected HOST:PORT or [IPV6]:PORT";
    return false;
  }
  auto p = tributary::config::parse_port_number(split->port);
  if (!p) {
    why = p.err().message;
    return false;
  }
  if (!split->interface.empty()) {
    why = "loopback addresses take no %interface";
    return false;
  }
  auto host = split->host;
  if (host == "localhost")
    host = "127.0.0.1";
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
    if ((ntohl(a4.s_addr) >> 24) != 127) {
      why = "'" + host + "' is not a loopback address (127.0.0.0/8, ::1)";
      return false;
    }
    auto* sa = reinterpret_cast<sockaddr_in*>(&ep.addr);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(*p);
    sa->sin_addr = a4;
    ep.len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&a6)) {
      why = "'" + host + "' is not a loopback address (127.0.0.0/8, ::1)";
      return false;
    }
    auto* sa = reinterpret_cast<sockaddr_in6*>(&ep.addr);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(*p);
    sa->sin6_addr = a6;
    ep.len = sizeof(sockaddr_in6);
  } else {
    why = "'" + host + "' is not a loopback address literal (no DNS lookups)";
    return false;
  }
  ep.text = dest;
  return true;
}

// -- children --------------------------------------------------------------------

enum class behavior { good, cut, unknown, slowloris, badkey };

const char* to_string(behavior b) {
  switch (b) {
    case behavior::good: return "good";
    case behavior::cut: return "cut";
    case behavior::unknown: return "unknown";
    case behavior::slowloris: return "slowloris";
    case behavior::badkey: return "badkey";
  }
  return "?";
}

enum class state { idle, connecting, requesting, awaiting_reply, streaming };

struct counters {
  uint64_t samples = 0;
  uint64_t dropped = 0;
  uint64_t connects = 0;
  uint64_t reconnects = 0;
  uint64_t refusals = 0;
  uint64_t disconnects = 0;
  uint64_t connect_errors = 0;
  uint64_t replays = 0;
  uint64_t bytes = 0;
  uint64_t discarded_bytes = 0;
  std::map<std::string, uint64_t> refusal_kinds;
};

struct child {
  int index = 0;
  behavior kind = behavior::good;
  std::string hostname;
  std::string guid;
  std::string key;
  std::string request;
  std::unique_ptr<child_workload> work;

  state st = state::idle;
  int fd = -1;
  uint32_t events = 0;
  double next_connect = 0;
  double reply_deadline = 0;
  bool ever_connected = false;

  uint32_t caps = 0;
  bool compress = false;
  proto::lz4_encoder encoder{true};
  proto::line_splitter lines{};
  proto::command_reader reader{proto::direction::to_child};

  std::string out;
  size_t out_off = 0;
  std::string commit;

  // Per chart: streaming (replication done), collections sent.
  std::vector<char> streaming;
  std::vector<uint64_t> rounds;
  int streaming_charts = 0;
  double next_tick = 0;
  double phase = 0;
  double last_tick = 0;
  double streaming_since = 0;
  double misbehave_at = 0;
  bool misbehaved = false;
  size_t slow_sent = 0;
  double slow_next = 0;

  counters c;

  size_t backlog() const {
    return out.size() - out_off;
  }
};

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

class generator {
public:
  generator(const loadgen_options& o, endpoint ep) : o_(o), ep_(std::move(ep)) {
  }

  int run();

private:
  bool setup();
  void start_connect(child& ch);
  void on_event(child& ch, uint32_t ev);
  void on_connected(child& ch);
  void on_reply(child& ch);
  void on_readable(child& ch);
  void handle_line(child& ch, std::string_view line);
  void flush(child& ch);
  void want_write(child& ch, bool on);
  void close_child(child& ch, const char* why, bool count_disconnect);
  void tick(child& ch, double t);
  void enqueue(child& ch, std::string_view commit);
  void slowloris_step(child& ch, double t);
  void report(double t, bool final);
  void write_json(double elapsed);

  const loadgen_options& o_;
  endpoint ep_;
  int ep_fd_ = -1;
  std::vector<child> kids_;
  double t0_ = 0;
  double last_report_t_ = 0;
  uint64_t last_report_samples_ = 0;
  int good_ = 0;
  std::string scratch_;
};

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
    ch.work = std::make_unique<child_workload>(i, o_.charts, o_.dims,
                                               o_.update_every, seed);
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
    ch.next_connect = t0_ + o_.ramp * ch.index / std::max<size_t>(1, kids_.size());
  std::cerr << "loadgen: " << good_ << " children x " << o_.charts
            << " charts x " << o_.dims << " dims every " << o_.update_every
            << " s (" << (good_ * double(o_.charts) * o_.dims / o_.update_every)
            << " samples/s), " << (total - good_) << " misbehaving, lz4 "
            << (o_.lz4 ? "requested" : "off") << ", to " << ep_.text
            << " for " << o_.duration << " s, seed " << seed << "\n";
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
  ch.fd = ::socket(ep_.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   0);
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
    ssize_t n = ::send(ch.fd, ch.request.data() + ch.slow_sent, 1, MSG_NOSIGNAL);
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
  ch.caps = proto::accept_reply(reply->version, proto::child_capabilities(o_.lz4));
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
    ch.work->definition(c, repl, wall, ch.commit);
    enqueue(ch, ch.commit);
  }
  // First collection one period after the definitions, at the child's phase.
  double period = o_.update_every;
  ch.next_tick = (std::floor((t - t0_) / period) + 1) * period + t0_ + ch.phase;
  ch.last_tick = 0;
  flush(ch);
}

void generator::enqueue(child& ch, std::string_view commit) {
  if (commit.empty())
    return;
  if (ch.out_off > 0 && ch.out_off == ch.out.size()) {
    ch.out.clear();
    ch.out_off = 0;
  }
  if (ch.compress) {
    if (auto err = ch.encoder.encode(commit, ch.out)) {
      std::cerr << "loadgen: lz4: " << to_string(err) << "\n";
    }
  } else {
    ch.out.append(commit.data(), commit.size());
  }
}

void generator::flush(child& ch) {
  while (ch.out_off < ch.out.size()) {
    ssize_t n = ::send(ch.fd, ch.out.data() + ch.out_off,
                       ch.out.size() - ch.out_off, MSG_NOSIGNAL);
    if (n > 0) {
      ch.out_off += size_t(n);
      ch.c.bytes += uint64_t(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      want_write(ch, true);
      return;
    }
    close_child(ch, "send failed", true);
    return;
  }
  ch.out.clear();
  ch.out_off = 0;
  want_write(ch, false);
}

void generator::handle_line(child& ch, std::string_view line) {
  proto::command cmd;
  error err;
  if (ch.reader.consume(line, cmd, err) != proto::command_reader::status::ready)
    return;
  if (auto* rc = std::get_if<proto::replay_chart>(&cmd)) {
    ++ch.c.replays;
    // lg.cN -> N
    int c = -1;
    if (rc->chart_id.rfind("lg.c", 0) == 0) {
      auto s = std::string_view{rc->chart_id}.substr(4);
      int v = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), v);
      if (res.ec == std::errc{} && res.ptr == s.data() + s.size() && v >= 0
          && v < ch.work->charts())
        c = v;
    }
    if (c < 0)
      return; // an unknown chart: dropped, as a 1.37.1 child does
    int64_t now = now_wall();
    // An empty replay: we keep no history (RBEGIN, then REND ... true).
    ch.commit.clear();
    proto::rbegin rb;
    rb.chart_id = rc->chart_id;
    proto::write_command(rb, ch.commit);
    proto::write_command(proto::rend{o_.update_every, now, now, true, rc->after,
                                     rc->before, now},
                         ch.commit);
    enqueue(ch, ch.commit);
    if (!ch.streaming[size_t(c)]) {
      ch.streaming[size_t(c)] = 1;
      ++ch.streaming_charts;
    }
    return;
  }
  if (auto* fc = std::get_if<proto::function_call>(&cmd)) {
    ch.commit.clear();
    proto::write_command(
      proto::function_result{
        proto::function_result_begin{fc->transaction, 404, "application/json",
                                     now_wall()},
        "{\"status\":404,\"error_message\":\"loadgen has no functions\"}\n"},
      ch.commit);
    enqueue(ch, ch.commit);
  }
}

void generator::on_readable(child& ch) {
  char buf[65536];
  for (int i = 0; i < 16; ++i) {
    ssize_t n = ::recv(ch.fd, buf, sizeof buf, 0);
    if (n > 0) {
      ch.lines.feed(std::string_view{buf, size_t(n)});
      std::string_view line;
      while (ch.lines.next(line))
        handle_line(ch, line);
      if (size_t(n) < sizeof buf)
        break;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    close_child(ch, n == 0 ? "closed by parent" : "recv failed", true);
    return;
  }
  if (ch.fd >= 0)
    flush(ch);
}

void generator::close_child(child& ch, const char* why, bool count_disconnect) {
  if (ch.fd >= 0) {
    epoll_ctl(ep_fd_, EPOLL_CTL_DEL, ch.fd, nullptr);
    ::close(ch.fd);
    ch.fd = -1;
  }
  if (count_disconnect) {
    ++ch.c.disconnects;
    if (ch.kind == behavior::good && !g_stop)
      std::cerr << "loadgen: " << ch.hostname << ": " << why << "\n";
  }
  ch.c.discarded_bytes += ch.backlog();
  ch.out.clear();
  ch.out_off = 0;
  ch.events = 0;
  ch.st = state::idle;
  ch.streaming_charts = 0;
  std::fill(ch.streaming.begin(), ch.streaming.end(), 0);
  ch.next_connect = now_mono() + o_.reconnect_delay;
}

void generator::tick(child& ch, double t) {
  double period = o_.update_every;
  uint64_t usec = ch.last_tick == 0
                    ? uint64_t(period * 1e6)
                    : uint64_t(std::llround((t - ch.last_tick) * 1e6));
  ch.last_tick = t;
  // Skip missed periods instead of bursting.
  do
    ch.next_tick += period;
  while (ch.next_tick <= t);
  if (ch.streaming_charts == 0)
    return;
  if (ch.backlog() > o_.max_backlog) {
    ch.c.dropped += uint64_t(ch.streaming_charts) * uint64_t(o_.dims);
    return;
  }
  bool cut = (ch.kind == behavior::cut) && t >= ch.misbehave_at;
  bool unknown = (ch.kind == behavior::unknown) && t >= ch.misbehave_at
                 && !ch.misbehaved;
  if (ch.out_off > 0 && ch.out_off == ch.out.size()) {
    ch.out.clear();
    ch.out_off = 0;
  }
  size_t cut_from = ch.out.size();
  for (int c = 0; c < ch.work->charts(); ++c) {
    if (!ch.streaming[size_t(c)])
      continue;
    ch.commit.clear();
    int n = ch.work->collect(c, usec, ch.commit);
    enqueue(ch, ch.commit);
    ch.c.samples += uint64_t(n);
    ++ch.rounds[size_t(c)];
  }
  if (unknown) {
    ch.misbehaved = true;
    enqueue(ch, "LOADGEN_UNKNOWN_COMMAND \"x\" 1\n");
  }
  if (cut) {
    // Send only part of this collection (mid line, or mid lz4 frame), then
    // close the connection.
    size_t len = ch.out.size() - cut_from;
    if (len > 2)
      ch.out.resize(cut_from + 1 + size_t(rng(uint64_t(t * 1000)).below(len - 2)));
    flush(ch);
    if (ch.fd >= 0) {
      ::shutdown(ch.fd, SHUT_WR);
      close_child(ch, "cut", true);
    }
    return;
  }
  flush(ch);
}

void generator::report(double t, bool final) {
  counters g;
  counters bad;
  int up = 0;
  int streaming_all = 0;
  size_t backlog = 0;
  for (auto& ch : kids_) {
    auto& c = ch.kind == behavior::good ? g : bad;
    c.samples += ch.c.samples;
    c.dropped += ch.c.dropped;
    c.reconnects += ch.c.reconnects;
    c.refusals += ch.c.refusals;
    c.disconnects += ch.c.disconnects;
    c.connect_errors += ch.c.connect_errors;
    c.replays += ch.c.replays;
    c.bytes += ch.c.bytes;
    if (ch.kind == behavior::good) {
      if (ch.st == state::streaming) {
        ++up;
        if (ch.streaming_charts == o_.charts)
          ++streaming_all;
      }
      backlog += ch.backlog();
    }
  }
  double dt = t - last_report_t_;
  double rate = dt > 0 ? double(g.samples - last_report_samples_) / dt : 0;
  char line[512];
  std::snprintf(line, sizeof line,
                "loadgen %s t=%.1fs up=%d/%d streaming=%d samples/s=%.0f "
                "samples=%" PRIu64 " dropped=%" PRIu64 " refusals=%" PRIu64
                " reconnects=%" PRIu64 " disconnects=%" PRIu64
                " replays=%" PRIu64 " backlog=%zuB bytes=%" PRIu64,
                final ? "final" : "stats", t - t0_, up, good_, streaming_all,
                final ? (t > t0_ ? double(g.samples) / (t - t0_) : 0) : rate,
                g.samples, g.dropped, g.refusals, g.reconnects, g.disconnects,
                g.replays, backlog, g.bytes);
  std::cout << line;
  if (kids_.size() > size_t(good_)) {
    std::snprintf(line, sizeof line,
                  " | misbehaving: samples=%" PRIu64 " refusals=%" PRIu64
                  " reconnects=%" PRIu64 " disconnects=%" PRIu64,
                  bad.samples, bad.refusals, bad.reconnects, bad.disconnects);
    std::cout << line;
  }
  std::cout << std::endl;
  last_report_t_ = t;
  last_report_samples_ = g.samples;
}

std::string json_escape(const std::string& s) {
  std::string r;
  for (char ch : s) {
    if (ch == '"' || ch == '\\')
      r += '\\';
    r += ch;
  }
  return r;
}

void generator::write_json(double elapsed) {
  std::ofstream f(o_.json_out);
  if (!f) {
    std::cerr << "loadgen: cannot write " << o_.json_out << "\n";
    return;
  }
  counters g;
  counters bad;
  std::map<std::string, uint64_t> kinds;
  for (auto& ch : kids_) {
    auto& c = ch.kind == behavior::good ? g : bad;
    c.samples += ch.c.samples;
    c.dropped += ch.c.dropped;
    c.reconnects += ch.c.reconnects;
    c.refusals += ch.c.refusals;
    c.disconnects += ch.c.disconnects;
    c.connect_errors += ch.c.connect_errors;
    c.replays += ch.c.replays;
    c.bytes += ch.c.bytes;
    c.discarded_bytes += ch.c.discarded_bytes;
    for (auto& [k, v] : ch.c.refusal_kinds)
      c.refusal_kinds[k] += v;
  }
  auto put = [&f](const char* name, const counters& c) {
    f << "\"" << name << "\":{\"samples\":" << c.samples
      << ",\"dropped\":" << c.dropped << ",\"refusals\":" << c.refusals
      << ",\"reconnects\":" << c.reconnects
      << ",\"disconnects\":" << c.disconnects
      << ",\"connect_errors\":" << c.connect_errors
      << ",\"replays\":" << c.replays << ",\"bytes\":" << c.bytes
      << ",\"discarded_bytes\":" << c.discarded_bytes << ",\"refusal_kinds\":{";
    bool first = true;
    for (auto& [k, v] : c.refusal_kinds) {
      f << (first ? "" : ",") << "\"" << k << "\":" << v;
      first = false;
    }
    f << "}}";
  };
  f << "{\"elapsed\":" << elapsed << ",\"children\":" << good_
    << ",\"charts\":" << o_.charts << ",\"dims\":" << o_.dims
    << ",\"update_every\":" << o_.update_every << ",";
  put("good", g);
  f << ",";
  put("misbehaving", bad);
  f << ",\"hosts\":[";
  bool first = true;
  for (auto& ch : kids_) {
    uint64_t lo = ch.rounds.empty() ? 0 : *std::min_element(ch.rounds.begin(), ch.rounds.end());
    uint64_t hi = ch.rounds.empty() ? 0 : *std::max_element(ch.rounds.begin(), ch.rounds.end());
    f << (first ? "" : ",") << "\n{\"hostname\":\"" << json_escape(ch.hostname)
      << "\",\"guid\":\"" << ch.guid << "\",\"kind\":\"" << to_string(ch.kind)
      << "\",\"child_index\":" << ch.index << ",\"samples\":" << ch.c.samples
      << ",\"rounds_c0\":" << (ch.rounds.empty() ? 0 : ch.rounds[0])
      << ",\"rounds_min\":" << lo << ",\"rounds_max\":" << hi
      << ",\"disconnects\":" << ch.c.disconnects
      << ",\"refusals\":" << ch.c.refusals << ",\"compressed\":"
      << (ch.compress ? "true" : "false") << ",\"caps\":" << ch.caps << "}";
    first = false;
  }
  f << "]}\n";
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

} // namespace

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
    if (!std::isxdigit(static_cast<unsigned char>(ch)) || opts.guid_prefix.size() > 8) {
      std::cerr << "loadgen: --guid-prefix is up to 8 hex digits\n";
      return 2;
    }
  generator g{opts, ep};
  return g.run();
}

} // namespace tributary::cli
