#pragma once

// One streamed host (as the registry spawns it for an accepted child: ram
// database, the health its stream.conf section asks for), driven by the test
// in place of its receiver.

#include "actors/registry.hpp"
#include "config/load.hpp"
#include "health/definitions.hpp"
#include "tests/actors/fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {

/// A chart `id` (every second) with one dimension `a`.
inline chart_def make_chart(const std::string& id) {
  chart_def def;
  def.id = id;
  def.title = id;
  def.units = "things";
  def.family = "f";
  def.context = id;
  def.update_every = 1;
  dimension_def d;
  d.id = "a";
  def.dimensions.push_back(d);
  return def;
}

struct host_fixture : actor_fixture {
  static constexpr auto api_key = "22222222-2222-4222-8222-222222222222";

  explicit host_fixture(const std::string& more_stream_conf = "") {
    log.quiet(true);
    auto loaded = config::load_ini_text(
        "[db]\n  mode = ram\n[directories]\n  lib = /nonexistent\n",
        std::string{"["} + api_key + "]\n  enabled = yes\n" + more_stream_conf);
    REQUIRE(loaded.ok());
    ctx.log = &log;
    ctx.settings = std::make_shared<const config::settings>(loaded.cfg);
    ctx.now_usec = [this] { return now_usec; };
    // No alert: a health round still lists the charts and counts itself.
    ctx.health_definitions = std::make_shared<health::load_result>();
    host_info info;
    info.machine_guid = "33333333-3333-4333-8333-333333333333";
    info.hostname = "child";
    info.update_every = 1;
    info.hops = 1;
    spawned = spawn_host(self.ptr(), info, api_key, ctx);
    aut = spawned.host;
    run();
  }

  ~host_fixture() {
    caf::anon_send_exit(aut, caf::exit_reason::user_shutdown);
    run();
    fire_pending_timeouts();
  }

  logger log;
  daemon_context ctx;
  spawned_host spawned;
  host_actor aut;
};

} // namespace tributary::test
