#include "actors/acceptor.hpp"

#include <caf/all.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary {

acceptor_state::~acceptor_state() {
  if (fd >= 0)
    ::close(fd);
  if (spare >= 0)
    ::close(spare);
}

namespace {

using acceptor_ptr = acceptor_actor::stateful_pointer<acceptor_state>;

constexpr int poll_ms = 500;
constexpr auto pause_after_exhaustion = std::chrono::seconds(1);
constexpr int64_t relog_every_s = 60;
/// Exhaustion counts as over once accepts work for this long again (a
/// hostile client refilling its sockets makes it come and go every second).
constexpr int64_t calm_after_s = 5;
/// Accepts per wake-up before polling again (and seeing an exit).
constexpr int accepts_per_round = 64;

int64_t steady_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Descriptors open in this process (for the log line only).
int64_t open_descriptors() {
  int64_t n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (auto* e = ::readdir(d))
      if (e->d_name[0] != '.')
        ++n;
    ::closedir(d);
    --n; // the directory itself
  }
  return n;
}

void open_spare(acceptor_state& st) {
  if (st.spare < 0)
    st.spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool out_of_descriptors(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

/// No descriptor for the pending connection. The spare descriptor makes
/// room for it, and it is served like any other (it may be an API request
/// or a child); the listener is asked to close the connections that have
/// not sent a complete first request for a while, oldest waiting first in
/// effect (nginx drains its "reusable" connections the same way), so that
/// descriptors come free for the next ones. Without a spare (it was given
/// away and none has come free yet) nothing can be accepted: pause.
void exhausted(acceptor_ptr self, int err) {
  auto& st = self->state;
  auto now = steady_s();
  bool log_now = st.logged_at == 0 || now - st.logged_at >= relog_every_s;
  // Counted while the spare's slot is free: listing /proc/self/fd takes a
  // descriptor too.
  int64_t open_now = -1;
  if (st.spare >= 0) {
    ::close(st.spare);
    st.spare = -1;
    if (log_now)
      open_now = open_descriptors() + 1;
    int c = ::accept4(st.fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c >= 0) {
      ++st.served_on_spare;
      caf::anon_send(st.listener, atom::attach::value, c);
    }
    open_spare(st);
  }
  ++st.exhaustions;
  caf::anon_send(st.listener, atom::close::value, atom::timeout::value);
  st.last_exhausted_at = now;
  if (log_now) {
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    st.logged_at = now;
    TRIBUTARY_ERROR(
        *st.ctx.log, "WEB", "POLLFD: LISTENER: accept() on ", st.where,
        " failed: ", std::strerror(err), " (",
        open_now >= 0 ? std::to_string(open_now) : "all",
        " descriptors open, limit ", static_cast<int64_t>(lim.rlim_cur), ", ",
        st.exhaustions, st.exhaustions == 1 ? " time" : " times",
        " so far); connections without a complete request for ", shed_after_s,
        " second(s) are closed to make room, accepting pauses "
        "for 1 second at a time until descriptors are free");
  }
  st.exhausted = true;
}

void accept_round(acceptor_ptr self) {
  auto& st = self->state;
  // The spare was given to a connection: take a descriptor back first, or
  // the next exhaustion could not make room.
  open_spare(st);
  if (st.exhausted && st.spare >= 0
      && steady_s() - st.last_exhausted_at >= calm_after_s) {
    st.exhausted = false;
    TRIBUTARY_INFO(*st.ctx.log, "WEB", "POLLFD: LISTENER: accepting on ",
                   st.where, " again (out of descriptors ", st.exhaustions,
                   " times so far)");
  }
  pollfd p{st.fd, POLLIN, 0};
  int n = ::poll(&p, 1, poll_ms);
  if (n <= 0) {
    self->send(self, atom::resume::value);
    return;
  }
  for (int i = 0; i < accepts_per_round; ++i) {
    int c = ::accept4(st.fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c >= 0) {
      ++st.accepted;
      caf::anon_send(st.listener, atom::attach::value, c);
      continue;
    }
    int err = errno;
    if (err == EINTR || err == ECONNABORTED || err == EPROTO || err == EPERM)
      continue;
    if (out_of_descriptors(err)) {
      exhausted(self, err);
      self->delayed_send(self, pause_after_exhaustion, atom::resume::value);
      return;
    }
    if (err != EAGAIN && err != EWOULDBLOCK) {
      TRIBUTARY_ERROR(*st.ctx.log, "WEB", "POLLFD: LISTENER: accept() on ",
                      st.where, " failed: ", std::strerror(err));
      self->delayed_send(self, pause_after_exhaustion, atom::resume::value);
      return;
    }
    break;
  }
  self->send(self, atom::resume::value);
}

} // namespace

acceptor_actor::behavior_type
acceptor(acceptor_actor::stateful_pointer<acceptor_state> self, int fd,
         const listener_actor& listener, const std::string& where,
         const daemon_context& ctx) {
  auto& st = self->state;
  st.fd = fd;
  st.listener = listener;
  st.where = where;
  st.ctx = ctx;
  open_spare(st);
  // The listener gone (it failed): nobody takes our sockets any more.
  self->monitor(st.listener);
  self->set_down_handler([=](const caf::down_msg&) { self->quit(); });
  self->send(self, atom::resume::value);
  return {
      [=](atom::resume) { accept_round(self); },
      [=](atom::status) {
        auto& st = self->state;
        actor_status s;
        s.name = "acceptor " + st.where;
        s.kind = "acceptor";
        s.counters = {{"accepted", st.accepted},
                      {"exhausted", st.exhaustions},
                      {"served_on_spare", st.served_on_spare}};
        s.mailbox = static_cast<int64_t>(self->mailbox().size());
        return s;
      },
  };
}

} // namespace tributary
