// The load generator: a streaming child's commits, reads and ticks.

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
    // Without --history an empty replay (RBEGIN, then REND ... true); with
    // it, the points asked for, and streaming when the parent says so.
    ch.commit.clear();
    proto::rbegin rb;
    rb.chart_id = rc->chart_id;
    proto::write_command(rb, ch.commit);
    bool start = true;
    int64_t first = now;
    if (o_.history > 0) {
      first = now - o_.history;
      if (rc->after > 0 && rc->before >= rc->after)
        ch.work->replay(c, std::max(rc->after, first), rc->before, now,
                        ch.commit);
      start = rc->start_streaming;
    }
    proto::write_command(proto::rend{o_.update_every, first, now, start,
                                     rc->after, rc->before, now},
                         ch.commit);
    enqueue(ch, ch.commit);
    if (start && !ch.streaming[size_t(c)]) {
      ch.streaming[size_t(c)] = 1;
      ++ch.streaming_charts;
    }
    return;
  }
  if (auto* fc = std::get_if<proto::function_call>(&cmd)) {
    ch.commit.clear();
    proto::write_command(
        proto::function_result{
            proto::function_result_begin{fc->transaction, 404,
                                         "application/json", now_wall()},
            "{\"status\":404,\"error_message\":\"loadgen has no "
            "functions\"}\n"},
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
      ch.out.resize(cut_from + 1
                    + size_t(rng(uint64_t(t * 1000)).below(len - 2)));
    flush(ch);
    if (ch.fd >= 0) {
      ::shutdown(ch.fd, SHUT_WR);
      close_child(ch, "cut", true);
    }
    return;
  }
  flush(ch);
}

} // namespace tributary::cli::loadgen_detail
