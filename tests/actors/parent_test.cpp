// Socket-free tests of the parent path: listener -> connection -> registry ->
// receiver -> host -> chart -> host db, driven one message at a time over
// CAF's test multiplexer with the real bytes a Netdata 1.37.1 child sent.

#include "actors/api_request.hpp"
#include "actors/listener.hpp"
#include "actors/registry.hpp"
#include "config/load.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace tributary::test {
namespace {

constexpr uint16_t port = 19999;
constexpr auto api_key = "22222222-2222-4222-8222-222222222222";

/// A parent whose stream.conf enables the fixtures' API key, listening on a
/// virtual port of the test multiplexer.
struct parent_fixture : actor_fixture {
  explicit parent_fixture(const std::string& more_netdata_conf = "") {
    log.quiet(true);
    auto loaded = config::load_ini_text(
        "[db]\n  mode = ram\n[directories]\n  lib = /nonexistent\n"
            + more_netdata_conf,
        std::string{"["} + api_key + "]\n  enabled = yes\n");
    REQUIRE(loaded.ok());
    ctx.log = &log;
    ctx.settings = std::make_shared<const config::settings>(loaded.cfg);
    // The captures were made at ~1795635000 s; keep our clock there.
    ctx.now_usec = [this] { return now_usec; };
    ctx.api_on_own_thread = false;
    ctx.own_acceptor = false;
    host_info local;
    local.machine_guid = "11111111-1111-4111-8111-111111111111";
    local.hostname = "aut-parent";
    ctx.registry = sys.spawn(registry, local, ctx);
    mpx.provide_acceptor(port, acceptor);
    config::bind_address where;
    where.host = "127.0.0.1";
    where.port = port;
    aut = sys.middleman().spawn_broker(listener, where, ctx);
    run();
  }

  ~parent_fixture() {
    caf::anon_send_exit(aut, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx.registry, caf::exit_reason::user_shutdown);
    run();
    // Pending timeouts (first-request, idle checks) hold references to their
    // actors: fire them so that every actor is gone before the system is.
    for (int i = 0; i < 3 && sched.clock().has_pending_timeout(); ++i) {
      sched.clock().trigger_timeouts();
      run();
    }
  }

  /// Opens a virtual client connection and returns its handle.
  caf::io::connection_handle connect() {
    auto hdl = caf::io::connection_handle::from_int(++last_conn);
    mpx.add_pending_connect(acceptor, hdl);
    mpx.accept_connection(acceptor);
    run();
    return hdl;
  }

  /// Sends one HTTP GET on a new connection and returns the response body.
  std::string get(const std::string& path) {
    auto hdl = connect();
    peer_sends(hdl, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto out = take_output(hdl);
    auto body = out.find("\r\n\r\n");
    REQUIRE(body != std::string::npos);
    last_status = out.substr(0, out.find("\r\n"));
    return out.substr(body + 4);
  }

  /// Feeds a captured child->parent stream chunk by chunk, with our clock at
  /// the capture's receive times (the events file logs each recv()).
  void replay_capture(caf::io::connection_handle hdl, const std::string& bin,
                      const std::string& events) {
    auto bytes = read_data("netdata-1.37.1/" + bin);
    // The child's clock at its first CHART_DEFINITION_END is the epoch
    // second the capture started (its third field).
    auto cde = bytes.find("CHART_DEFINITION_END ");
    REQUIRE(cde != std::string::npos);
    std::istringstream fields{bytes.substr(cde + 21, 64)};
    uint64_t first = 0, last = 0, child_now = 0;
    fields >> first >> last >> child_now;
    REQUIRE(child_now > 0);
    std::istringstream lines{read_data("netdata-1.37.1/" + events)};
    std::string line;
    std::getline(lines, line); // header
    // Offsets count from the connection's first byte; the request came
    // first (1405 bytes in every capture).
    constexpr size_t request_size = 1405;
    while (std::getline(lines, line)) {
      std::istringstream row{line};
      double t = 0;
      std::string dir;
      size_t offset = 0, len = 0;
      row >> t >> dir >> offset >> len;
      if (dir != "c2p" || offset < request_size)
        continue;
      now_usec = child_now * 1000000 + static_cast<uint64_t>(t * 1e6);
      peer_sends(hdl, bytes.substr(offset - request_size, len));
    }
  }

  logger log;
  daemon_context ctx;
  caf::io::accept_handle acceptor = caf::io::accept_handle::from_int(1);
  int64_t last_conn = 100;
  listener_actor aut;
  std::string last_status;
};

} // namespace

TEST_CASE_FIXTURE(parent_fixture,
                  "a 1.37.1 child request gets the 1.37.1 reply") {
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request.txt"));
  // The child offers 16376; a 1.37.1 parent keeps only the newest of
  // V1/V2/VN/VCAPS and answers 16320 (16376 - V1 - V2 - VN).
  CHECK_EQ(take_output(hdl), read_data("netdata-1.37.1/parent-reply.bin"));
}

TEST_CASE_FIXTURE(parent_fixture, "an unknown API key gets the denied reply") {
  auto req = read_data("netdata-1.37.1/child-request.txt");
  auto pos = req.find(api_key);
  REQUIRE(pos != std::string::npos);
  req.replace(pos, 36, "99999999-9999-4999-8999-999999999999");
  auto hdl = connect();
  peer_sends(hdl, req);
  CHECK_EQ(take_output(hdl),
           read_data("netdata-1.37.1/parent-reply-denied.bin"));
}

TEST_CASE_FIXTURE(parent_fixture,
                  "a plain stream fills the host's charts and data") {
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  CHECK_EQ(take_output(hdl),
           read_data("netdata-1.37.1/parent-reply-nocomp.bin"));
  replay_capture(hdl, "stream-plain.bin", "events-plain.tsv");
  // One REPLAY_CHART per CHART_DEFINITION_END: the capture has 25 charts.
  auto replies = take_output(hdl);
  size_t count = 0;
  for (size_t i = 0;
       (i = replies.find("REPLAY_CHART ", i)) != std::string::npos; ++i)
    ++count;
  CHECK_EQ(count, 25u);
  auto info = nlohmann::json::parse(get("/api/v1/info"));
  CHECK_EQ(info["mirrored_hosts"],
           nlohmann::json::array({"aut-parent", "ndpeer-child"}));
  auto charts = nlohmann::json::parse(get("/host/ndpeer-child/api/v1/charts"));
  CHECK_EQ(charts["charts_count"], 25);
  CHECK(charts["charts"].contains("system.cpu"));
  auto data = nlohmann::json::parse(
      get("/host/ndpeer-child/api/v1/data?chart=system.uptime&after=-10"));
  REQUIRE(data["data"].size() > 5);
  // system.uptime grows by one second per second.
  auto newest = data["data"][0][1].get<double>();
  auto older = data["data"][1][1].get<double>();
  CHECK(newest - older == doctest::Approx(1.0).epsilon(0.05));
}

TEST_CASE_FIXTURE(parent_fixture,
                  "a child's replicated history is stored, every second") {
  // The child ran 65 s before its parent started (the capture's README):
  // its charts start at 1795635171 and stream live from 1795635240.
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(hdl);
  replay_capture(hdl, "replication-child-to-parent.bin",
                 "events-replication.tsv");
  auto data = nlohmann::json::parse(
      get("/host/ndpeer-child/api/v1/data?chart=system.uptime"
          "&after=1795635175&before=1795635235&points=0&format=json"));
  auto& rows = data["data"];
  REQUIRE_EQ(rows.size(), 61u);
  // Newest first; system.uptime grows by one second per second.
  for (size_t i = 0; i + 1 < rows.size(); ++i) {
    INFO("row ", i, ": ", rows[i].dump(), " then ", rows[i + 1].dump());
    REQUIRE(rows[i][1].is_number());
    CHECK_EQ(rows[i][0].get<int64_t>() - rows[i + 1][0].get<int64_t>(), 1);
    CHECK(rows[i][1].get<double>() - rows[i + 1][1].get<double>()
          == doctest::Approx(1.0).epsilon(0.05));
  }
}

TEST_CASE_FIXTURE(parent_fixture,
                  "replicated points: points with bad times or from the future "
                  "are dropped, a dimension defined between points starts in "
                  "the next one") {
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(hdl);
  // One read. The chart drops the point from the future after the parent
  // drops the one with bad times: the points after it move up in the batch.
  // The second DIMENSION sends the batch (one value a point) before it.
  peer_sends(hdl,
             "CHART \"t.r\" \"\" \"T\" \"u\" \"f\" \"t.r\" \"line\" 1000 1 "
             "\"\" \"test\" \"test\"\n"
             "DIMENSION \"a\" \"a\" \"absolute\" 1 1 \"\"\n"
             "CHART_DEFINITION_END 1795635000 1795635090 1795635100\n"
             "RBEGIN \"t.r\"\n"
             "RBEGIN '' 1795635000 1795635001 1795635100\n"
             "RSET \"a\" 1.0000000 \"\"\n"
             "RBEGIN '' 1795635005 1795635005 1795635100\n"
             "RSET \"a\" 99.0000000 \"\"\n"
             "RBEGIN '' 1795635200 1795635201 1795635100\n"
             "RSET \"a\" 77.0000000 \"\"\n"
             "RBEGIN '' 1795635001 1795635002 1795635100\n"
             "RSET \"a\" 2.0000000 \"\"\n"
             "RBEGIN '' 1795635002 1795635003 1795635100\n"
             "RSET \"a\" 3.0000000 \"\"\n"
             "DIMENSION \"b\" \"b\" \"absolute\" 1 1 \"\"\n"
             "RSET \"b\" 55.0000000 \"\"\n"
             "RBEGIN '' 1795635003 1795635004 1795635100\n"
             "RSET \"a\" 4.0000000 \"\"\n"
             "RSET \"b\" 30.0000000 \"\"\n"
             "RBEGIN '' 1795635004 1795635005 1795635100\n"
             "RSET \"b\" 40.0000000 \"E\"\n"
             "REND 1 1795635000 1795635005 true 1795635000 1795635005 "
             "1795635100\n");
  auto data = nlohmann::json::parse(
      get("/host/ndpeer-child/api/v1/data?chart=t.r&after=1795635001"
          "&before=1795635005&points=0&format=json&options=nonzero"));
  INFO(data.dump());
  auto& rows = data["data"];
  REQUIRE_EQ(rows.size(), 5u);
  // Newest first: time, a, b.
  auto row = [&](size_t i) { return rows[rows.size() - 1 - i]; };
  CHECK_EQ(row(0)[0].get<int64_t>(), 1795635001);
  CHECK_EQ(row(0)[1].get<double>(), 1.0);
  CHECK_EQ(row(1)[1].get<double>(), 2.0);
  CHECK(row(1)[2].is_null());
  // `b` was defined after this point's RBEGIN: its RSET has no slot.
  CHECK_EQ(row(2)[1].get<double>(), 3.0);
  CHECK(row(2)[2].is_null());
  CHECK_EQ(row(3)[1].get<double>(), 4.0);
  CHECK_EQ(row(3)[2].get<double>(), 30.0);
  // The last point: `a` had no RSET, `b` an empty one.
  CHECK(row(4)[1].is_null());
  CHECK(row(4)[2].is_null());
  // The dropped points' values are nowhere.
  CHECK_EQ(data.dump().find("99"), std::string::npos);
  CHECK_EQ(data.dump().find("77"), std::string::npos);
}

TEST_CASE_FIXTURE(
    parent_fixture,
    "stream bytes in the request's segment are the stream's start") {
  auto hdl = connect();
  auto stream = read_data("netdata-1.37.1/stream-plain.bin");
  auto first_chart = stream.find("CHART_DEFINITION_END ");
  REQUIRE(first_chart != std::string::npos);
  auto line_end = stream.find('\n', first_chart);
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt")
                      + stream.substr(0, line_end + 1));
  auto out = take_output(hdl);
  auto reply = read_data("netdata-1.37.1/parent-reply-nocomp.bin");
  CHECK_EQ(out.substr(0, reply.size()), reply);
  CHECK(out.find("REPLAY_CHART ") != std::string::npos);
  auto charts = nlohmann::json::parse(get("/host/ndpeer-child/api/v1/charts"));
  CHECK_EQ(charts["charts_count"], 1);
}

TEST_CASE_FIXTURE(parent_fixture,
                  "a second connection for a streaming GUID is refused") {
  auto first = connect();
  peer_sends(first, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(first);
  auto second = connect();
  peer_sends(second, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  CHECK_EQ(take_output(second),
           read_data("netdata-1.37.1/parent-reply-already-streaming.bin"));
}

TEST_CASE_FIXTURE(parent_fixture, "an unknown command drops only that child") {
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(hdl);
  peer_sends(hdl, "BOGUS 1 2 3\n");
  // The receiver quit and the connection closed: the GUID may connect again.
  auto again = connect();
  peer_sends(again, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  CHECK_EQ(take_output(again),
           read_data("netdata-1.37.1/parent-reply-nocomp.bin"));
}

TEST_CASE_FIXTURE(parent_fixture,
                  "bad API requests get Netdata's status and reason") {
  auto body = get("/api/v1/data?chart=no.such&points=abc");
  CHECK_EQ(last_status, "HTTP/1.1 404 Not Found");
  CHECK_EQ(body, "No metrics where matched to query.");
  body = get("/api/v1/chart?chart=no<such");
  CHECK_EQ(last_status, "HTTP/1.1 404 Not Found");
  CHECK_EQ(body, "Chart is not found: no&lt;such");
  get("/api/v1/nothing");
  CHECK_EQ(last_status, "HTTP/1.1 404 Not Found");
}

} // namespace tributary::test

namespace tributary::test {

TEST_CASE_FIXTURE(
    parent_fixture,
    "a receiver silent for 30 s is replaced by a new connection") {
  auto first = connect();
  peer_sends(first, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(first);
  // 31 s without data: Netdata's duplicate check calls the old receiver dead
  // after 30 s.
  now_usec += 31 * 1000000ull;
  advance(std::chrono::seconds(31));
  auto second = connect();
  peer_sends(second, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  CHECK_EQ(take_output(second),
           read_data("netdata-1.37.1/parent-reply-nocomp.bin"));
  // The new receiver owns the GUID: a third connection is refused again.
  auto third = connect();
  peer_sends(third, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  CHECK_EQ(take_output(third),
           read_data("netdata-1.37.1/parent-reply-already-streaming.bin"));
}

TEST_CASE_FIXTURE(parent_fixture, "a silent stream is closed after 600 s") {
  auto first = connect();
  peer_sends(first, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(first);
  // The receiver checks once a minute; 600 s of silence ends the stream.
  for (int i = 0; i < 11; ++i) {
    now_usec += 60 * 1000000ull;
    advance(std::chrono::seconds(60));
  }
  // The receiver stopped on its own: the host is no longer reachable.
  auto info = nlohmann::json::parse(get("/api/v1/info"));
  REQUIRE_EQ(info["mirrored_hosts_status"].size(), 2u);
  CHECK_EQ(info["mirrored_hosts_status"][1]["hostname"], "ndpeer-child");
  CHECK_EQ(info["mirrored_hosts_status"][1]["reachable"], false);
}

TEST_CASE_FIXTURE(parent_fixture,
                  "an unfinished first request is dropped after the timeout") {
  auto hdl = connect();
  peer_sends(hdl, "GET /api/v1/info HTTP/1.1\r\nHost: x\r\n"); // no blank line
  CHECK(take_output(hdl).empty());
  // [web] timeout for first request = 60 (Netdata's default)
  advance(std::chrono::seconds(61));
  // The connection is closed: finishing the request now gets no answer.
  peer_sends(hdl, "\r\n");
  CHECK(take_output(hdl).empty());
}

} // namespace tributary::test

namespace tributary::test {
namespace {

/// A parent that cleans up hosts orphaned for 5 s.
struct orphan_fixture : parent_fixture {
  orphan_fixture()
      : parent_fixture("[db]\n  cleanup orphan hosts after secs = 5\n") {
    // nop
  }

  /// A 1.37.1 child connects and is dropped (an unknown command).
  void child_comes_and_goes() {
    auto hdl = connect();
    peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
    take_output(hdl);
    peer_sends(hdl, "BOGUS 1 2 3\n");
  }

  size_t hosts() {
    return nlohmann::json::parse(get("/api/v1/info"))["mirrored_hosts"].size();
  }
};

} // namespace

TEST_CASE_FIXTURE(orphan_fixture,
                  "a host orphaned longer than the cleanup period is removed") {
  child_comes_and_goes();
  CHECK_EQ(hosts(), 2u);
  wait(5); // 5 s gone: not longer than the period yet
  CHECK_EQ(hosts(), 2u);
  wait(2);
  CHECK_EQ(hosts(), 1u);
  get("/host/ndpeer-child/api/v1/info");
  CHECK_EQ(last_status, "HTTP/1.1 404 Not Found");
  // The GUID may stream again: a new host.
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  CHECK_EQ(take_output(hdl),
           read_data("netdata-1.37.1/parent-reply-nocomp.bin"));
  CHECK_EQ(hosts(), 2u);
}

TEST_CASE_FIXTURE(orphan_fixture,
                  "a child back before the cleanup period keeps its host") {
  child_comes_and_goes();
  wait(3);
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  CHECK_EQ(take_output(hdl),
           read_data("netdata-1.37.1/parent-reply-nocomp.bin"));
  wait(20);
  CHECK_EQ(hosts(), 2u);
  auto info = nlohmann::json::parse(get("/api/v1/info"));
  CHECK_EQ(info["mirrored_hosts_status"][1]["reachable"], true);
}

TEST_CASE_FIXTURE(orphan_fixture,
                  "a connected child is not an orphan, however long") {
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(hdl);
  wait(20);
  CHECK_EQ(hosts(), 2u);
}

} // namespace tributary::test

namespace tributary::test {
namespace {

/// Answers nothing: every request to it stays pending for good.
// The unused argument: CAF 0.17.6 dereferences a null tuple for a function
// actor spawned without arguments (UBSan reports it).
caf::behavior never_answers(caf::event_based_actor* self, int) {
  self->set_default_handler(caf::skip);
  return {[](atom::close) {}};
}

/// A parent whose registry never answers (a stuck step of every API
/// request).
struct stuck_registry_fixture : actor_fixture {
  stuck_registry_fixture() {
    log.quiet(true);
    auto loaded = config::load_ini_text(
        "[db]\n  mode = ram\n[directories]\n  lib = /nonexistent\n", "");
    REQUIRE(loaded.ok());
    ctx.log = &log;
    ctx.settings = std::make_shared<const config::settings>(loaded.cfg);
    ctx.api_on_own_thread = false;
    ctx.own_acceptor = false;
    ctx.registry = caf::actor_cast<registry_actor>(sys.spawn(never_answers, 0));
    mpx.provide_acceptor(port, acceptor);
    config::bind_address where;
    where.host = "127.0.0.1";
    where.port = port;
    aut = sys.middleman().spawn_broker(listener, where, ctx);
    run();
  }

  ~stuck_registry_fixture() {
    caf::anon_send_exit(aut, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx.registry, caf::exit_reason::user_shutdown);
    run();
    for (int i = 0; i < 3 && sched.clock().has_pending_timeout(); ++i) {
      sched.clock().trigger_timeouts();
      run();
    }
  }

  logger log;
  daemon_context ctx;
  caf::io::accept_handle acceptor = caf::io::accept_handle::from_int(1);
  listener_actor aut;
};

} // namespace

TEST_CASE_FIXTURE(
    stuck_registry_fixture,
    "an API request whose step never answers gets a 503 at the deadline") {
  auto hdl = caf::io::connection_handle::from_int(101);
  mpx.add_pending_connect(acceptor, hdl);
  mpx.accept_connection(acceptor);
  run();
  peer_sends(hdl, "GET /api/v1/info HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(take_output(hdl).empty());
  advance(std::chrono::seconds(api_answer_deadline_s - 1));
  CHECK(take_output(hdl).empty());
  advance(std::chrono::seconds(2));
  auto out = take_output(hdl);
  CHECK_EQ(out.substr(0, out.find("\r\n")), "HTTP/1.1 503 Service Unavailable");
  CHECK_NE(out.find("timeout: no answer within 30 seconds"), std::string::npos);
  // Answered once: nothing more when the first-request timeout passes.
  advance(std::chrono::seconds(60));
  CHECK(take_output(hdl).empty());
}

} // namespace tributary::test

namespace tributary::test {

TEST_CASE_FIXTURE(parent_fixture,
                  "SETs find their dimensions in any order, by id") {
  auto hdl = connect();
  peer_sends(hdl, read_data("netdata-1.37.1/child-request-nocomp.txt"));
  take_output(hdl);
  // Defined zeta, alpha, mid (not in id order); set alpha, mid, zeta: no
  // SET is where the guess (the definition's order) looks first.
  peer_sends(hdl, "CHART test.order '' 'order' 'u' 'f' 'test.order' line "
                  "1000 1 '' '' ''\n"
                  "DIMENSION zeta '' absolute 1 1 ''\n"
                  "DIMENSION alpha '' absolute 1 1 ''\n"
                  "DIMENSION mid '' absolute 1 1 ''\n");
  auto second = [&](int alpha_value) {
    now_usec += 1000000;
    advance(std::chrono::seconds(1));
    peer_sends(hdl, "BEGIN test.order 1000000\nSET alpha = "
                        + std::to_string(alpha_value)
                        + "\nSET mid = 2\nSET zeta = 3\nEND\n");
  };
  for (int i = 0; i < 5; ++i)
    second(1);
  // Redefined: alpha's multiplier is found by id too, not appended.
  peer_sends(hdl, "CHART test.order '' 'order' 'u' 'f' 'test.order' line "
                  "1000 1 '' '' ''\n"
                  "DIMENSION alpha '' absolute 10 1 ''\n");
  for (int i = 0; i < 5; ++i)
    second(1);
  auto data = nlohmann::json::parse(
      get("/host/ndpeer-child/api/v1/data?chart=test.order&after=-3"
          "&points=0&format=json"));
  CHECK_EQ(data["labels"],
           nlohmann::json::array({"time", "zeta", "alpha", "mid"}));
  REQUIRE(data["data"].size() >= 2);
  auto& newest = data["data"][0];
  CHECK_EQ(newest[1].get<double>(), 3.0);
  CHECK_EQ(newest[2].get<double>(), 10.0);
  CHECK_EQ(newest[3].get<double>(), 2.0);
}

} // namespace tributary::test
