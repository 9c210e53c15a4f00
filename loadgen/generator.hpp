#pragma once

// The load generator's parts shared by its files: a simulated child's state
// and the generator that drives all children from one epoll loop (see
// loadgen.cpp for the state machine).

#include "loadgen/loadgen.hpp"
#include "protocol/capabilities.hpp"
#include "protocol/command_reader.hpp"
#include "protocol/commands.hpp"
#include "protocol/handshake.hpp"
#include "protocol/line_splitter.hpp"
#include "protocol/lz4_framing.hpp"

#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

namespace tributary::cli::loadgen_detail {

namespace proto = tributary::protocol;

/// Seconds on the monotonic clock.
double now_mono();

/// Seconds since the epoch.
int64_t now_wall();

/// Set by SIGINT/SIGTERM: the run ends early and reports.
extern volatile sig_atomic_t g_stop;

struct endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;
};

/// Parses HOST:PORT with a loopback HOST; no name resolution except the
/// literal `localhost`.
bool parse_loopback_destination(const std::string& dest, endpoint& ep,
                                std::string& why);

enum class behavior { good, cut, unknown, slowloris, badkey };

const char* to_string(behavior b);

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

/// A machine GUID derived from the seed and the child's index, its start
/// replaced by `prefix`.
std::string make_guid(uint64_t seed, int index, const std::string& prefix);

std::string random_uuid(rng& r);

class generator {
public:
  generator(const loadgen_options& o, endpoint ep)
      : o_(o), ep_(std::move(ep)) {}

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

} // namespace tributary::cli::loadgen_detail
