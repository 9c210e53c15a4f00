// map engine tests: restart, a process killed while writing (the kernel
// keeps the mapped pages), and damaged files in the LevelDB style.

#include "storage/map_engine.hpp"

#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/storage_number.hpp"

#include <csignal>
#include <cstdlib>
#include <doctest/doctest.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace tributary;
using namespace tributary::storage;

namespace {

constexpr int64_t T = 1700000000;

struct fixture {
  memory_filesystem fs;
  engine_options opts;

  fixture() {
    opts.directory = "/cache/host";
    opts.history = 100; // 1024 slots after rounding
    opts.fs = &fs;
  }

  std::unique_ptr<map_engine> open() {
    return std::make_unique<map_engine>(opts);
  }

  /// Two dimensions: a.b/c with 1..50 (a gap at 20), a.b/d with one point.
  void write() {
    auto db = open();
    auto c = db->add_dimension({{"a.b", "c"}, "b", "C", 1});
    auto d = db->add_dimension({{"a.b", "d/x"}, "", "", 2});
    for (int64_t i = 1; i <= 50; ++i)
      db->append(c, i == 20
                        ? sample::gap(T + i)
                        : sample::of(T + i, i / 3.0, i == 7 ? flag_reset : 0));
    db->append(d, sample::of(T + 10, 42));
    REQUIRE_FALSE(db->close());
  }

  std::string& file(const std::string& chart, const std::string& dim) {
    return fs.files[open()->path_of({chart, dim})];
  }
};

} // namespace

TEST_CASE("map: slots, names and flags survive a restart") {
  fixture f;
  f.write();
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  REQUIRE(db->dimensions().size() == 2);
  CHECK(db->dimension_count() == 2);
  auto c = db->find({"a.b", "c"});
  REQUIRE(c.valid());
  CHECK(db->info(c)->dim_name == "C");
  auto xs = db->query(c, 0, T + 100);
  REQUIRE(xs.size() == 50);
  CHECK(xs[0] == round_trip(sample::of(T + 1, 1 / 3.0)));
  CHECK(xs[6].flags == flag_reset);
  CHECK(xs[19].empty());
  auto d = db->find({"a.b", "d/x"});
  CHECK(db->update_every(d) == 2);
  CHECK(db->query(d, 0, T + 100).size() == 1);
  // The file name keeps ids readable and unique.
  CHECK(db->path_of({"a.b", "d/x"}).find("/cache/host/a_b.d_x-") == 0);
  CHECK(db->append(c, sample::of(T + 51, 1)));
}

TEST_CASE("map: a flipped slot byte in a closed file empties that dimension") {
  fixture f;
  f.write();
  f.file("a.b", "c")[4096 + 8] ^= 0x01;
  auto db = f.open();
  REQUIRE(db->diagnostics().size() == 1);
  auto& err = db->diagnostics()[0];
  CHECK(err.code == ec::corruption);
  CHECK(err.position == 4096);
  CHECK(err.message.find(db->path_of({"a.b", "c"})) == 0);
  CHECK(err.message.find("slot checksum mismatch") != std::string::npos);
  CHECK_FALSE(db->find({"a.b", "c"}).valid());
  CHECK(db->query(db->find({"a.b", "d/x"}), 0, T + 100).size() == 1);
  // Added again, it starts empty and works.
  auto c = db->add_dimension({{"a.b", "c"}, "", "", 1});
  CHECK(db->first_time_s(c) == 0);
  CHECK(db->append(c, sample::of(T + 60, 1)));
}

TEST_CASE("map: truncated files and damaged headers are reported") {
  fixture f;
  f.write();
  SUBCASE("truncated slots") {
    f.file("a.b", "c").resize(5000);
    auto db = f.open();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].code == ec::truncated);
    CHECK(db->diagnostics()[0].position == 5000);
  }
  SUBCASE("truncated header") {
    f.file("a.b", "c").resize(100);
    auto db = f.open();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].code == ec::truncated);
  }
  SUBCASE("header byte") {
    f.file("a.b", "c")[40] ^= 0x01;
    auto db = f.open();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].message.find("header checksum mismatch")
          != std::string::npos);
  }
  SUBCASE("position block") {
    f.file("a.b", "c")[4032] ^= 0x01;
    auto db = f.open();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].position == 4032);
  }
  auto db = f.open();
  CHECK(db->diagnostics().empty()); // the bad file was removed
  CHECK(db->dimensions().size() == 1);
}

TEST_CASE("map: re-registration keeps the slots for new names and starts "
          "over for a new update_every") {
  fixture f;
  f.write();
  {
    auto db = f.open();
    auto c = db->add_dimension({{"a.b", "c"}, "b", "Cee", 1});
    CHECK(c == db->find({"a.b", "c"}));
    CHECK(db->query(c, 0, T + 100).size() == 50);
    auto d = db->add_dimension({{"a.b", "d/x"}, "", "", 5});
    CHECK(db->update_every(d) == 5);
    CHECK(db->query(d, 0, T + 100).empty());
    CHECK(db->append(d, sample::of(T + 20, 7)));
    REQUIRE_FALSE(db->close());
  }
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  auto c = db->find({"a.b", "c"});
  CHECK(db->info(c)->dim_name == "Cee");
  CHECK(db->query(c, 0, T + 100).size() == 50);
  auto d = db->find({"a.b", "d/x"});
  CHECK(db->update_every(d) == 5);
  auto xs = db->query(d, 0, T + 100);
  REQUIRE(xs.size() == 1);
  CHECK(xs[0].time_s == T + 20);
}

TEST_CASE("map: a changed history starts over silently") {
  fixture f;
  f.write();
  f.opts.history = 5000;
  auto db = f.open();
  CHECK(db->diagnostics().empty());
  CHECK(db->dimensions().empty());
}

TEST_CASE("map: SIGKILL while writing loses nothing") {
  char tmpl[] = "/tmp/tributary-map-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  engine_options opts;
  opts.directory = dir + "/host";
  opts.history = 3600;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    map_engine db{opts};
    auto h = db.add_dimension({{"a.b", "c"}, "", "", 1});
    for (int64_t i = 1; i <= 3000; ++i)
      db.append(h, sample::of(T + i, static_cast<double>(i)));
    char c = 'x';
    if (::write(fds[1], &c, 1) != 1)
      ::_exit(2);
    ::pause();
    ::_exit(0);
  }
  ::close(fds[1]);
  char c = 0;
  REQUIRE(::read(fds[0], &c, 1) == 1);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  CHECK(WIFSIGNALED(status));
  {
    map_engine db{opts};
    CHECK(db.diagnostics().empty());
    auto h = db.find({"a.b", "c"});
    REQUIRE(h.valid());
    auto xs = db.query(h, 0, T + 5000);
    REQUIRE(xs.size() == 3000);
    CHECK(xs.back() == sample::of(T + 3000, 3000));
    CHECK_FALSE(db.close());
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("map: a full disk keeps a new dimension in memory, degraded, and "
          "leaves no file") {
  fixture f;
  auto db = f.open();
  auto c = db->add_dimension({{"a.b", "c"}, "", "", 1});
  CHECK_FALSE(db->health().degraded);
  f.fs.fail_writes = true;
  auto d = db->add_dimension({{"a.b", "d"}, "", "", 1});
  CHECK(db->append(c, sample::of(T + 1, 1)));
  CHECK(db->append(d, sample::of(T + 1, 2)));
  CHECK(db->query(d, 0, T + 10).size() == 1);
  auto h = db->health();
  CHECK(h.degraded);
  CHECK(h.failed_writes == 1);
  CHECK(h.pending_points == 1);
  CHECK(h.last_error.find("No space left") != std::string::npos);
  CHECK(f.fs.files.count(db->path_of({"a.b", "d"})) == 0);
}
