// `tributary top`: the actor console. Polls the daemon's /api/v1/actors and
// prints every long-lived actor, busiest mailbox first.

#include "bin/commands.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace tributary::cli {

namespace {

/// GET `path` from a loopback `host:port`; the body, or nullopt on failure.
std::optional<std::string> http_get(const std::string& address,
                                    const std::string& path, std::string& why) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    why = "address must be HOST:PORT";
    return std::nullopt;
  }
  auto host = address.substr(0, colon);
  if (!host.empty() && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  auto port = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
      ::inet_pton(AF_INET, host.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
  } else if (auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
             ::inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    family = AF_INET6;
  } else {
    why = "not an IP address: " + host;
    return std::nullopt;
  }
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    why = std::string{"cannot connect to "} + address + ": " + std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
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
    why = "unexpected answer: " + resp.substr(0, resp.find("\r\n"));
    return std::nullopt;
  }
  return resp.substr(body + 4);
}

void print_table(const nlohmann::json& doc) {
  auto actors = doc.value("actors", nlohmann::json::array());
  std::vector<nlohmann::json> rows{actors.begin(), actors.end()};
  std::stable_sort(rows.begin(), rows.end(), [](auto& a, auto& b) {
    return a.value("mailbox", 0) > b.value("mailbox", 0);
  });
  std::printf("%-18s %-58s %8s %8s  %s\n", "KIND", "NAME", "MAILBOX",
              "RESTARTS", "COUNTERS");
  for (auto& a : rows) {
    std::string counters;
    auto fields = a.value("counters", nlohmann::json::object());
    for (auto& [k, v] : fields.items())
      counters += k + "=" + v.dump() + " ";
    auto name = a.value("name", std::string{});
    if (name.size() > 58)
      name = name.substr(0, 55) + "...";
    std::printf("%-18s %-58s %8lld %8lld  %s\n",
                a.value("kind", std::string{}).c_str(), name.c_str(),
                static_cast<long long>(a.value("mailbox", 0)),
                static_cast<long long>(a.value("restarts", 0)),
                counters.c_str());
  }
  std::printf("%zu actors\n", rows.size());
  std::fflush(stdout);
}

} // namespace

int top(const top_options& opts) {
  for (;;) {
    std::string why;
    auto body = http_get(opts.address, "/api/v1/actors", why);
    if (!body) {
      std::cerr << "top: " << why << '\n';
      return 1;
    }
    auto doc = nlohmann::json::parse(*body, nullptr, false);
    if (doc.is_discarded()) {
      std::cerr << "top: /api/v1/actors is not JSON\n";
      return 1;
    }
    if (!opts.once)
      std::printf("\033[H\033[2J"); // home + clear, like top(1)
    print_table(doc);
    if (opts.once)
      return 0;
    std::this_thread::sleep_for(
      std::chrono::duration<double>(opts.interval_seconds));
  }
}

} // namespace tributary::cli
