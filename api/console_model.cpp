#include "api/console_model.hpp"

#include "api/json_writer.hpp"

#include <algorithm>
#include <set>

namespace tributary {

using api::json_writer;

int64_t counter(const actor_status& s, std::string_view name) {
  for (auto& [k, v] : s.counters)
    if (k == name)
      return v;
  return 0;
}

std::string label(const actor_status& s, std::string_view name) {
  for (auto& [k, v] : s.labels)
    if (k == name)
      return v;
  return {};
}

namespace {

double rate_of(const std::vector<std::pair<std::string, double>>& rates,
               std::string_view name) {
  for (auto& [k, v] : rates)
    if (k == name)
      return v;
  return 0;
}

/// The unit of work each kind handles, one message each (rows travel one
/// message per chart row): its rate is the actor's "handled per second".
double handled_per_s(const actor_status& s,
                     const std::vector<std::pair<std::string, double>>& r) {
  if (s.kind == "receiver")
    return rate_of(r, "lines");
  if (s.kind == "host-db")
    return rate_of(r, "rows_stored");
  return rate_of(r, "rows");
}

double round2(double x) {
  return static_cast<double>(
             static_cast<int64_t>(x * 100 + (x < 0 ? -0.5 : 0.5)))
         / 100;
}

} // namespace

void console_model::add(std::vector<actor_status> walk, uint64_t now_usec) {
  std::map<uint64_t, seen> next;
  rates_.clear();
  for (auto& s : walk) {
    auto& n = next[s.id];
    n.counters = s.counters;
    n.t_usec = now_usec;
    n.first_seen_usec = now_usec;
    auto i = seen_.find(s.id);
    if (i == seen_.end() || s.id == 0)
      continue;
    n.first_seen_usec = i->second.first_seen_usec;
    double dt = static_cast<double>(now_usec - i->second.t_usec) / 1e6;
    if (dt <= 0)
      continue;
    auto& r = rates_[s.id];
    for (auto& [k, v] : s.counters)
      for (auto& [pk, pv] : i->second.counters)
        if (pk == k) {
          // A counter that went back (a new sender) starts over: no rate.
          r.emplace_back(k, v >= pv ? static_cast<double>(v - pv) / dt : 0);
          break;
        }
  }
  seen_ = std::move(next);
  walk_ = std::move(walk);
  t_usec_ = now_usec;
  // In the tree a receiver sits under the connection it reads from (its
  // host stays its parent for the streams and the plots).
  tree_parent_.clear();
  for (auto& s : walk_)
    if (s.kind == "connection")
      if (auto rx = counter(s, "receiver"); rx > 0)
        tree_parent_[static_cast<uint64_t>(rx)] = s.id;

  point p;
  p.t = static_cast<int64_t>(now_usec / 1000000);
  std::map<uint64_t, std::string> host_of; // actor id -> GUID
  for (auto& s : walk_)
    if (s.kind == "host") {
      auto guid = label(s, "guid");
      host_of[s.id] = guid;
      hostnames_[guid] = label(s, "hostname");
    }
  for (auto& s : walk_) {
    auto h = host_of.find(s.kind == "host" ? s.id : s.parent);
    if (h == host_of.end())
      continue;
    auto& f = p.hosts[h->second];
    auto r = rates_.find(s.id);
    static const std::vector<std::pair<std::string, double>> none;
    auto& rates = r == rates_.end() ? none : r->second;
    f.mailbox += s.mailbox;
    if (s.kind == "host")
      f.samples += rate_of(rates, "samples");
    else if (s.kind == "receiver")
      f.bytes_in += rate_of(rates, "bytes");
    else if (s.kind == "sender-supervisor")
      f.bytes_out += rate_of(rates, "bytes_written");
  }
  for (auto& s : walk_)
    if (s.kind == "registry")
      p.total.mailbox += s.mailbox;
  for (auto& [guid, f] : p.hosts) {
    p.total.samples += f.samples;
    p.total.bytes_in += f.bytes_in;
    p.total.bytes_out += f.bytes_out;
    p.total.mailbox += f.mailbox;
  }
  ring_.push_back(std::move(p));
  while (ring_.size() > history_seconds)
    ring_.pop_front();
}

namespace {

/// One actor of /api/v1/console/actors (and of a charts drill-down).
void write_actor(json_writer& w, const actor_status& s, uint64_t parent,
                 uint64_t host,
                 const std::vector<std::pair<std::string, double>>& rates,
                 int64_t uptime) {
  w.begin_object();
  w.member("id", s.id);
  w.member("parent", parent);
  w.member("host", host);
  w.member("name", s.name);
  w.member("kind", s.kind);
  w.member("mailbox", s.mailbox);
  w.member("restarts", s.restarts);
  w.member("handled_per_s", round2(handled_per_s(s, rates)));
  // Negative: no message was timed in the interval.
  auto us = [&](const char* key, double v) {
    if (v < 0)
      w.key(key).null();
    else
      w.member(key, round2(v));
  };
  us("handling_p50_us", s.handling_p50_us);
  us("handling_p99_us", s.handling_p99_us);
  w.member("uptime_s", uptime);
  w.key("counters").begin_object();
  std::set<std::string_view> keys;
  for (auto& [k, v] : s.counters)
    if (keys.insert(k).second)
      w.member(k, v);
  w.end_object();
  w.key("rates").begin_object();
  keys.clear();
  for (auto& [k, v] : rates)
    if (keys.insert(k).second)
      w.member(k, round2(v));
  w.end_object();
  w.key("labels").begin_object();
  keys.clear();
  for (auto& [k, v] : s.labels)
    if (keys.insert(k).second)
      w.member(k, v);
  w.end_object();
  w.end_object();
}

} // namespace

std::string console_model::render_actors() const {
  std::string out;
  json_writer w{out, false};
  w.begin_object();
  w.member("now", static_cast<int64_t>(t_usec_ / 1000000));
  w.key("actors").begin_array();
  static const std::vector<std::pair<std::string, double>> none;
  std::set<uint64_t> hosts;
  for (auto& s : walk_)
    if (s.kind == "host")
      hosts.insert(s.id);
  for (auto& s : walk_) {
    auto r = rates_.find(s.id);
    auto& rates = r == rates_.end() ? none : r->second;
    auto sn = seen_.find(s.id);
    // Known start times first; else since the console first saw the actor.
    auto since = counter(s, "connected_since");
    int64_t uptime = 0;
    if (since > 0)
      uptime = static_cast<int64_t>(t_usec_ / 1000000) - since;
    else if (sn != seen_.end())
      uptime = static_cast<int64_t>((t_usec_ - sn->second.first_seen_usec)
                                    / 1000000);
    auto tp = tree_parent_.find(s.id);
    uint64_t host = s.kind == "host"             ? s.id
                    : hosts.count(s.parent) != 0 ? s.parent
                                                 : 0;
    write_actor(w, s, tp == tree_parent_.end() ? s.parent : tp->second, host,
                rates, uptime);
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string console_model::render_charts(const std::string& host,
                                         std::vector<actor_status> charts,
                                         int64_t limit, uint64_t now_usec) {
  std::string out;
  json_writer w{out, false};
  w.begin_object();
  w.member("now", static_cast<int64_t>(now_usec / 1000000));
  w.member("host", host);
  int64_t total = -1;
  for (auto& s : walk_)
    if (s.kind == "host" && (s.name == host || label(s, "guid") == host))
      total = counter(s, "charts");
  w.member("charts", total < 0 ? static_cast<int64_t>(charts.size()) : total);
  w.member("limit", limit);
  std::sort(charts.begin(), charts.end(),
            [](auto& a, auto& b) { return a.name < b.name; });
  // Rates against this host's previous drill-down, if recent.
  auto& before = drill_downs_[host];
  std::map<uint64_t, seen> next;
  w.key("actors").begin_array();
  for (auto& s : charts) {
    std::vector<std::pair<std::string, double>> rates;
    uint64_t first = now_usec;
    if (auto i = before.find(s.id); i != before.end()) {
      first = i->second.first_seen_usec;
      double dt = static_cast<double>(now_usec - i->second.t_usec) / 1e6;
      if (dt > 0 && dt < 120) {
        auto rows = counter(s, "rows");
        auto was
            = i->second.counters.empty() ? 0 : i->second.counters[0].second;
        rates.emplace_back(
            "rows", rows >= was ? static_cast<double>(rows - was) / dt : 0.0);
      }
    }
    write_actor(w, s, s.parent, s.parent, rates,
                static_cast<int64_t>((now_usec - first) / 1000000));
    next[s.id] = seen{{{"rows", counter(s, "rows")}}, first, now_usec};
  }
  w.end_array();
  w.end_object();
  before = std::move(next);
  return out;
}

std::string console_model::render_streams() const {
  std::string out;
  json_writer w{out, false};
  static const std::vector<std::pair<std::string, double>> none;
  auto rates_of = [&](const actor_status& s) -> const auto& {
    auto r = rates_.find(s.id);
    return r == rates_.end() ? none : r->second;
  };
  w.begin_object();
  w.member("now", static_cast<int64_t>(t_usec_ / 1000000));
  w.key("hosts").begin_array();
  for (auto& h : walk_) {
    if (h.kind != "host")
      continue;
    const actor_status* rx = nullptr;
    const actor_status* tx = nullptr;
    double out_rate = 0; // every sender of the host (parallel destinations)
    int64_t mailbox = h.mailbox;
    for (auto& s : walk_) {
      if (s.parent != h.id)
        continue;
      mailbox += s.mailbox;
      if (s.kind == "receiver")
        rx = &s;
      else if (s.kind == "sender-supervisor") {
        tx = &s;
        out_rate += rate_of(rates_of(s), "bytes_written");
      }
    }
    w.begin_object();
    w.member("hostname", label(h, "hostname"));
    w.member("guid", label(h, "guid"));
    w.member("hops", counter(h, "hops"));
    auto direction = label(h, "direction");
    if (tx != nullptr)
      direction += direction == "inbound" ? "+outbound" : "";
    w.member("direction", direction);
    w.member("peer", label(h, "peer"));
    w.member("connected_since", counter(h, "connected_since"));
    w.member("charts", counter(h, "charts"));
    w.member("samples_per_s", round2(rate_of(rates_of(h), "samples")));
    w.member("rows_per_s", round2(rate_of(rates_of(h), "rows")));
    w.member("bytes_in_per_s",
             rx ? round2(rate_of(rates_of(*rx), "bytes")) : 0.0);
    w.member("bytes_out_per_s", round2(out_rate));
    auto wire = rx ? counter(*rx, "bytes") : 0;
    if (wire > 0)
      w.member("compression_ratio",
               round2(static_cast<double>(counter(*rx, "text_bytes"))
                      / static_cast<double>(wire)));
    else
      w.key("compression_ratio").null();
    w.member("compression", rx ? label(*rx, "compression") : "");
    w.key("replication").begin_object();
    w.member("charts_pending", rx ? counter(*rx, "replicating_charts") : 0);
    w.member("seconds_behind", rx ? counter(*rx, "replication_behind_s") : 0);
    w.end_object();
    w.member("last_disconnect", label(h, "last_disconnect"));
    w.member("mailbox", mailbox);
    w.end_object();
  }
  w.end_array();
  w.key("senders").begin_array();
  for (auto& s : walk_) {
    if (s.kind != "sender-supervisor")
      continue;
    w.begin_object();
    w.member("hostname", label(s, "hostname"));
    w.member("destinations", label(s, "destinations"));
    w.member("current", label(s, "current"));
    w.member("state", label(s, "state"));
    w.member("buffer_used", counter(s, "buffer_used"));
    w.member("buffer_size", counter(s, "buffer_size"));
    w.member("reconnects", counter(s, "reconnects"));
    w.member("connected_since", counter(s, "connected_since"));
    w.member("bytes_out_per_s", round2(rate_of(rates_of(s), "bytes_written")));
    w.member("charts_pending", counter(s, "replicating_charts"));
    w.member("last_reason", label(s, "last_reason"));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string console_model::render_series(int64_t after) const {
  std::string out;
  json_writer w{out, false};
  w.begin_object();
  w.member("now", static_cast<int64_t>(t_usec_ / 1000000));
  std::vector<const point*> pts;
  for (auto& p : ring_)
    if (p.t > after)
      pts.push_back(&p);
  w.key("t").begin_array();
  for (auto* p : pts)
    w.value(p->t);
  w.end_array();
  auto write_flow = [&](auto get) {
    w.key("samples_per_s").begin_array();
    for (auto* p : pts)
      if (auto* f = get(*p))
        w.value(round2(f->samples));
      else
        w.null();
    w.end_array();
    w.key("bytes_per_s").begin_array();
    for (auto* p : pts)
      if (auto* f = get(*p))
        w.value(round2(f->bytes_in + f->bytes_out));
      else
        w.null();
    w.end_array();
    w.key("mailbox").begin_array();
    for (auto* p : pts)
      if (auto* f = get(*p))
        w.value(f->mailbox);
      else
        w.null();
    w.end_array();
  };
  w.key("total").begin_object();
  write_flow([](const point& p) { return &p.total; });
  w.end_object();
  std::set<std::string> guids;
  for (auto* p : pts)
    for (auto& [g, f] : p->hosts)
      guids.insert(g);
  w.key("hosts").begin_array();
  for (auto& g : guids) {
    w.begin_object();
    w.member("guid", g);
    auto n = hostnames_.find(g);
    w.member("hostname", n == hostnames_.end() ? g : n->second);
    write_flow([&g](const point& p) -> const flow* {
      auto i = p.hosts.find(g);
      return i == p.hosts.end() ? nullptr : &i->second;
    });
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

} // namespace tributary
