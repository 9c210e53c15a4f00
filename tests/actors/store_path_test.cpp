// A chart appends its rows to its host's engine itself, under the engine's
// lock; while the lock is taken (the host db writing to disk) it sends them
// to the host db instead, and rows that come before those are answered
// follow them there: every row lands, in order, and a fence waits for them.

#include "tests/actors/host_fixture.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <future>
#include <limits>
#include <thread>

namespace tributary::test {
namespace {

/// Holds a mutex on another thread (a chart's try_lock on the test's own
/// thread would be undefined behaviour) until `release()`.
class held_elsewhere {
public:
  explicit held_elsewhere(std::mutex& m)
      : holder_([this, &m] {
          std::lock_guard<std::mutex> lock{m};
          locked_.set_value();
          released_.wait();
        }) {
    is_locked_.wait();
  }

  ~held_elsewhere() {
    release();
  }

  held_elsewhere(const held_elsewhere&) = delete;
  held_elsewhere& operator=(const held_elsewhere&) = delete;

  void release() {
    if (holder_.joinable()) {
      release_.set_value();
      holder_.join();
    }
  }

private:
  // Declared before the thread, which uses them from its first instruction.
  std::promise<void> locked_;
  std::future<void> is_locked_ = locked_.get_future();
  std::promise<void> release_;
  std::future<void> released_ = release_.get_future();
  std::thread holder_;
};

struct store_fixture : host_fixture {
  store_fixture() {
    self->send(aut, atom::stream::value, true, false);
    self->send(aut, atom::define::value, make_chart("disk.io"));
    run();
  }

  void send_row(int64_t value) {
    now_usec += 1000000;
    chart_row r;
    r.chart_id = "disk.io";
    r.now_usec = now_usec;
    r.values = {value};
    r.is_set = {1};
    self->send(aut, r);
  }

  /// Runs every job but the host db's: with the lock held elsewhere, it
  /// would wait for it.
  void run_all_but_db() {
    auto* db = caf::actor_cast<caf::abstract_actor*>(spawned.db);
    for (;;) {
      auto i = std::find_if(
          sched.jobs.begin(), sched.jobs.end(), [&](caf::resumable* r) {
            return dynamic_cast<caf::abstract_actor*>(r) != db;
          });
      if (i == sched.jobs.end())
        return;
      std::rotate(sched.jobs.begin(), i, std::next(i));
      sched.run_once();
    }
  }

  bool db_has_job() {
    auto* db = caf::actor_cast<caf::abstract_actor*>(spawned.db);
    return std::any_of(sched.jobs.begin(), sched.jobs.end(),
                       [&](caf::resumable* r) {
                         return dynamic_cast<caf::abstract_actor*>(r) == db;
                       });
  }

  /// The stored values of disk.io's dimension, oldest first (no actor runs).
  std::vector<double> stored() {
    std::lock_guard<std::mutex> lock{spawned.store->mutex};
    auto& db = *spawned.store->db;
    auto h = db.find({"disk.io", "a"});
    REQUIRE(h.valid());
    std::vector<double> out;
    for (auto& x : db.query(h, 0, std::numeric_limits<int64_t>::max()))
      if (!std::isnan(x.value))
        out.push_back(x.value);
    return out;
  }

  /// The stored values are `want` (to a storage number's precision:
  /// 30 reads back as 30.000000000000004).
  void check_stored(const std::vector<double>& want) {
    auto got = stored();
    REQUIRE_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i)
      CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }

  /// True if the answer to a fence (atom::sync) is in the test's mailbox.
  bool fenced() {
    bool out = false;
    self->receive([&](bool) { out = true; },
                  caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }

  int64_t by_message() {
    std::lock_guard<std::mutex> lock{spawned.store->mutex};
    return spawned.store->rows_by_message;
  }
};

} // namespace

TEST_CASE_FIXTURE(store_fixture,
                  "chart stores: through the host db while the engine's lock "
                  "is taken, then directly again, every row in order") {
  // Absolute values: a row stores what was collected, from the second row
  // on (the first one starts the chart's clock, as in Netdata).
  send_row(1);
  run();
  send_row(10);
  run();
  send_row(20);
  run();
  check_stored({10, 20});
  CHECK_EQ(by_message(), 0);

  {
    held_elsewhere busy{spawned.store->mutex};
    send_row(30);
    run_all_but_db();
    // The chart could not take the lock: its row waits in the host db's
    // mailbox.
    REQUIRE(db_has_job());
    // A fence through the host now waits for that row too.
    self->send(aut, atom::sync::value);
    run_all_but_db();
    CHECK_FALSE(fenced());
    busy.release();
    // The lock is free, but the row before is not answered yet: this one
    // must follow it through the host db, not overtake it.
    send_row(40);
    run_all_but_db();
  }
  run();
  CHECK(fenced());
  CHECK_EQ(by_message(), 2);
  send_row(50);
  run();
  CHECK_EQ(by_message(), 2);
  check_stored({10, 20, 30, 40, 50});
}

} // namespace tributary::test
