// `tributary top`: the actor console in a terminal. Polls the daemon's
// /api/v1/console/actors (docs/console.md) and prints every long-lived actor
// with its host, mailbox, rate, handling time p50/p99, restarts and uptime.

#include "bin/commands.hpp"
#include "config/host_port.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <curl/curl.h>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

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

/// libcurl wants its global set-up once per process, before any handle.
struct curl_global {
  CURLcode code;
  curl_global() : code(curl_global_init(CURL_GLOBAL_DEFAULT)) {}
  ~curl_global() {
    curl_global_cleanup();
  }
};

size_t append_to_string(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

/// GET `path`; the body of a 200 answer, or nullopt and why.
std::optional<std::string> http_get(const std::string& address,
                                    const std::string& path, std::string& why) {
  std::string host, port;
  if (!split_address(address, host, port)) {
    why = "address must be HOST:PORT or [IPv6]:PORT, not '" + address + "'";
    return std::nullopt;
  }
  static curl_global global;
  if (global.code != CURLE_OK) {
    why = std::string{"cannot start libcurl: "}
          + curl_easy_strerror(global.code);
    return std::nullopt;
  }
  std::unique_ptr<CURL, void (*)(CURL*)> curl{curl_easy_init(),
                                              curl_easy_cleanup};
  if (!curl) {
    why = "cannot start libcurl";
    return std::nullopt;
  }
  auto url_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  auto url = "http://" + url_host + ":" + port + path;
  std::string body;
  char error[CURL_ERROR_SIZE] = "";
  auto* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  if (auto rc = curl_easy_perform(h); rc != CURLE_OK) {
    if (rc == CURLE_COULDNT_RESOLVE_HOST) {
      why = "cannot resolve '" + host
            + "': " + (error[0] != '\0' ? error : curl_easy_strerror(rc));
      return std::nullopt;
    }
    why = "cannot reach the daemon at " + address + ": "
          + (error[0] != '\0' ? error : curl_easy_strerror(rc));
    return std::nullopt;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    why = "unexpected answer from " + address + path + ": HTTP "
          + std::to_string(status);
    return std::nullopt;
  }
  return body;
}

std::string duration(int64_t s) {
  char b[32];
  if (s < 60)
    std::snprintf(b, sizeof(b), "%llds", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(b, sizeof(b), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(b, sizeof(b), "%lldh%02lldm",
                  static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  return b;
}

/// A handling time in microseconds; -1 when not measured (null).
double micros(const nlohmann::json& a, const char* key) {
  auto i = a.find(key);
  return i != a.end() && i->is_number() ? i->get<double>() : -1.0;
}

/// "-" when not measured.
std::string micros_text(double us) {
  if (us < 0)
    return "-";
  char b[32];
  std::snprintf(b, sizeof(b), us < 10 ? "%.2f" : "%.0f", us);
  return b;
}

std::string clip(const std::string& s, size_t n) {
  return s.size() > n ? s.substr(0, n - 3) + "..." : s;
}

void print_table(const nlohmann::json& doc, const top_options& opts) {
  struct row {
    nlohmann::json a;
    std::string host;
  };
  auto actors = doc.value("actors", nlohmann::json::array());
  // Each actor's host: itself if a host, else its parent host.
  std::map<uint64_t, std::pair<std::string, std::string>>
      hosts; // id -> name, guid
  for (auto& a : actors)
    if (a.value("kind", "") == "host")
      hosts[a.value("id", uint64_t{0})]
          = {a.value("name", ""), a["labels"].value("guid", std::string{})};
  std::vector<row> rows;
  for (auto& a : actors) {
    // "host": the host an actor belongs to ("parent" is its place in the
    // tree: a receiver's is its connection).
    auto h = hosts.find(a.value("host", a.value("parent", uint64_t{0})));
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
    if (opts.sort == "p50")
      return micros(r.a, "handling_p50_us");
    if (opts.sort == "p99")
      return micros(r.a, "handling_p99_us");
    return r.a.value("mailbox", 0.0);
  };
  auto text = [&](const row& r) -> std::string {
    if (opts.sort == "host")
      return r.host;
    return r.a.value(opts.sort, std::string{});
  };
  bool textual
      = opts.sort == "kind" || opts.sort == "name" || opts.sort == "host";
  std::stable_sort(rows.begin(), rows.end(), [&](auto& x, auto& y) {
    return textual ? text(x) < text(y) : num(x) > num(y);
  });
  std::printf("%-18s %-20s %-50s %8s %10s %8s %8s %8s %9s\n", "KIND", "HOST",
              "NAME", "MAILBOX", "HANDLED/S", "P50_US", "P99_US", "RESTARTS",
              "UPTIME");
  for (auto& r : rows)
    std::printf("%-18s %-20s %-50s %8lld %10.1f %8s %8s %8lld %9s\n",
                r.a.value("kind", std::string{}).c_str(),
                clip(r.host, 20).c_str(),
                clip(r.a.value("name", std::string{}), 50).c_str(),
                static_cast<long long>(r.a.value("mailbox", 0)),
                r.a.value("handled_per_s", 0.0),
                micros_text(micros(r.a, "handling_p50_us")).c_str(),
                micros_text(micros(r.a, "handling_p99_us")).c_str(),
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
