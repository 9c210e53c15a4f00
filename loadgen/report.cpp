// The load generator: progress lines and the JSON report.

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
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary::cli::loadgen_detail {

namespace {

using ordered_json = nlohmann::ordered_json;

void add(counters& into, const counters& c) {
  into.samples += c.samples;
  into.dropped += c.dropped;
  into.reconnects += c.reconnects;
  into.refusals += c.refusals;
  into.disconnects += c.disconnects;
  into.connect_errors += c.connect_errors;
  into.replays += c.replays;
  into.bytes += c.bytes;
  into.discarded_bytes += c.discarded_bytes;
  for (auto& [k, v] : c.refusal_kinds)
    into.refusal_kinds[k] += v;
}

ordered_json to_json(const counters& c) {
  ordered_json j;
  j["samples"] = c.samples;
  j["dropped"] = c.dropped;
  j["refusals"] = c.refusals;
  j["reconnects"] = c.reconnects;
  j["disconnects"] = c.disconnects;
  j["connect_errors"] = c.connect_errors;
  j["replays"] = c.replays;
  j["bytes"] = c.bytes;
  j["discarded_bytes"] = c.discarded_bytes;
  j["refusal_kinds"] = ordered_json::object();
  for (auto& [k, v] : c.refusal_kinds)
    j["refusal_kinds"][k] = v;
  return j;
}

} // namespace

void generator::report(double t, bool final) {
  counters g;
  counters bad;
  int up = 0;
  int streaming_all = 0;
  size_t backlog = 0;
  for (auto& ch : kids_) {
    add(ch.kind == behavior::good ? g : bad, ch.c);
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

void generator::write_json(double elapsed) {
  counters g;
  counters bad;
  for (auto& ch : kids_)
    add(ch.kind == behavior::good ? g : bad, ch.c);
  ordered_json j;
  j["elapsed"] = elapsed;
  j["children"] = good_;
  j["charts"] = o_.charts;
  j["dims"] = o_.dims;
  j["update_every"] = o_.update_every;
  j["good"] = to_json(g);
  j["misbehaving"] = to_json(bad);
  auto& hosts = j["hosts"] = ordered_json::array();
  for (auto& ch : kids_) {
    auto [lo, hi] = std::minmax_element(ch.rounds.begin(), ch.rounds.end());
    ordered_json h;
    h["hostname"] = ch.hostname;
    h["guid"] = ch.guid;
    h["kind"] = to_string(ch.kind);
    h["child_index"] = ch.index;
    h["samples"] = ch.c.samples;
    h["rounds_c0"] = ch.rounds.empty() ? 0 : ch.rounds[0];
    h["rounds_min"] = ch.rounds.empty() ? 0 : *lo;
    h["rounds_max"] = ch.rounds.empty() ? 0 : *hi;
    h["disconnects"] = ch.c.disconnects;
    h["refusals"] = ch.c.refusals;
    h["compressed"] = ch.compress;
    h["caps"] = ch.caps;
    hosts.push_back(std::move(h));
  }
  std::ofstream f(o_.json_out);
  f << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!f)
    std::cerr << "loadgen: cannot write " << o_.json_out << "\n";
}

} // namespace tributary::cli::loadgen_detail
