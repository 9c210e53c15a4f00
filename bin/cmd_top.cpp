// `tributary top`: the actor console in a terminal. Polls the daemon's
// /api/v1/console/actors (docs/console.md) and prints every long-lived actor
// with its host, mailbox, rate, restarts and uptime.

#include "bin/commands.hpp"
#include "config/host_port.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <netdb.h>
#include <optional>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

namespace tributary::cli {

namespace {

/// Splits "host:port", "[v6]:port" or "name:port".
bool split_address(const std::string& address, std::string& host,
                   std::string& port) {
  auto split = config::split_host_port(address);
  if (!split || split->port.empty() || split->host.empty())
    return false;
  host = split->host;
  if (!split->interface.empty())
    host += "%" + split->interface;
  port = split->port;
  return true;
}

/// A connected socket to the first address of `host`:`port` that answers.
int connect_to(const std::string& host, const std::string& port,
               std::string& why) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list);
      rc != 0) {
    why = "cannot resolve '" + host + "': " + ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (auto* a = list; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0)
      continue;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(list);
  return fd;
}

/// GET `path`; the body of a 200 answer, or nullopt and why.
std::optional<std::string> http_get(const std::string& address,
                                    const std::string& path, std::string& why) {
  std::string host, port;
  if (!split_address(address, host, port)) {
    why = "address must be HOST:PORT or [IPv6]:PORT, not '" + address + "'";
    return std::nullopt;
  }
  int fd = connect_to(host, port, why);
  if (fd < 0) {
    why = "cannot reach the daemon at " + address + ": " + why;
    return std::nullopt;
  }
  auto req = "GET " + path + " HTTP/1.1\r\nHost: " + address
             + "\r\nConnection: close\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string resp;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0)
    resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  auto body = resp.find("\r\n\r\n");
  if (body == std::string::npos || resp.compare(0, 12, "HTTP/1.1 200") != 0) {
    why = resp.empty() ? "no answer from " + address + path
                       : "unexpected answer from " + address + path + ": "
                           + resp.substr(0, resp.find("\r\n"));
    return std::nullopt;
  }
  return resp.substr(body + 4);
}

std::string duration(int64_t s) {
  char b[32];
  if (s < 60)
    std::snprintf(b, sizeof(b), "%llds", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(b, sizeof(b), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(b, sizeof(b), "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  return b;
}

std::string clip(std::string s, size_t n) {
  return s.size() > n ? s.substr(0, n - 3) + "..." : s;
}

void print_table(const nlohmann::json& doc, const top_options& opts) {
  struct row {
    nlohmann::json a;
    std::string host;
  };
  auto actors = doc.value("actors", nlohmann::json::array());
  // Each actor's host: itself if a host, else its parent host.
  std::map<uint64_t, std::pair<std::string, std::string>> hosts; // id -> name, guid
  for (auto& a : actors)
    if (a.value("kind", "") == "host")
      hosts[a.value("id", uint64_t{0})] = {
        a.value("name", ""),
        a["labels"].value("guid", std::string{})};
  std::vector<row> rows;
  for (auto& a : actors) {
    auto h = hosts.find(a.value("kind", "") == "host" ? a.value("id", uint64_t{0})
                                                      : a.value("parent", uint64_t{0}));
    row r{a, h == hosts.end() ? "" : h->second.first};
    if (!opts.host.empty()
        && (h == hosts.end()
            || (h->second.first != opts.host && h->second.second != opts.host)))
      continue;
    rows.push_back(std::move(r));
  }
  auto num = [&](const row& r) -> double {
    if (opts.sort == "rate")
      return r.a.value("handled_per_s", 0.0);
    if (opts.sort == "restarts")
      return r.a.value("restarts", 0.0);
    if (opts.sort == "uptime")
      return r.a.value("uptime_s", 0.0);
    return r.a.value("mailbox", 0.0);
  };
  auto text = [&](const row& r) -> std::string {
    if (opts.sort == "host")
      return r.host;
    return r.a.value(opts.sort, std::string{});
  };
  bool textual = opts.sort == "kind" || opts.sort == "name" || opts.sort == "host";
  std::stable_sort(rows.begin(), rows.end(), [&](auto& x, auto& y) {
    return textual ? text(x) < text(y) : num(x) > num(y);
  });
  std::printf("%-18s %-20s %-50s %8s %10s %8s %9s\n", "KIND", "HOST", "NAME",
              "MAILBOX", "HANDLED/S", "RESTARTS", "UPTIME");
  for (auto& r : rows)
    std::printf("%-18s %-20s %-50s %8lld %10.1f %8lld %9s\n",
                r.a.value("kind", std::string{}).c_str(),
                clip(r.host, 20).c_str(),
                clip(r.a.value("name", std::string{}), 50).c_str(),
                static_cast<long long>(r.a.value("mailbox", 0)),
                r.a.value("handled_per_s", 0.0),
                static_cast<long long>(r.a.value("restarts", 0)),
                duration(r.a.value("uptime_s", int64_t{0})).c_str());
  std::printf("%zu actors\n", rows.size());
  std::fflush(stdout);
}

} // namespace

int top(const top_options& opts) {
  for (;;) {
    std::string why;
    auto body = http_get(opts.address, "/api/v1/console/actors", why);
    if (!body) {
      std::cerr << "top: " << why << '\n';
      return 1;
    }
    auto doc = nlohmann::json::parse(*body, nullptr, false);
    if (doc.is_discarded()) {
      std::cerr << "top: /api/v1/console/actors is not JSON\n";
      return 1;
    }
    if (!opts.once)
      std::printf("\033[H\033[2J"); // home + clear, like top(1)
    print_table(doc, opts);
    if (opts.once)
      return 0;
    std::this_thread::sleep_for(
      std::chrono::duration<double>(opts.interval_seconds));
  }
}

} // namespace tributary::cli
