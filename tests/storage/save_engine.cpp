// Save file tests in the LevelDB style (db/log_test.cc, corruption_test.cc):
// a string-backed filesystem, flipped bytes, truncated tails, crash leftovers.

#include "storage/save_engine.hpp"

#include "storage/crc32c.hpp"
#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/save_file.hpp"
#include "storage/storage_number.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <string>
#include <unistd.h>

using namespace tributary;
using namespace tributary::storage;

namespace {

constexpr int64_t T = 1700000000;

struct fixture {
  memory_filesystem fs;
  engine_options opts;

  fixture() {
    opts.directory = "/db";
    opts.host_guid = "11111111-2222-3333-4444-555555555555";
    opts.fs = &fs;
  }

  std::string path() const {
    return save_file_path(opts);
  }

  /// Writes a file with two dimensions through a save engine.
  void write_sample_file() {
    auto db = make_engine(memory_mode::save, opts);
    auto a = db->add_dimension({{"system.cpu", "user"}, "cpu", "User", 1});
    auto b = db->add_dimension({{"system.load", "load1"}, "", "", 5});
    for (int64_t i = 1; i <= 10; ++i)
      db->append(a, sample::of(T + i, static_cast<double>(i) / 4));
    db->append(a, sample::gap(T + 11));
    db->append(b, sample::of(T + 5, 0.5, flag_reset));
    REQUIRE_FALSE(db->close());
  }

  /// Opens the file again; returns the engine.
  std::unique_ptr<engine> reopen() {
    return make_engine(memory_mode::save, opts);
  }

  std::string& file() {
    return fs.files[path()];
  }
};

} // namespace

TEST_CASE("crc32c known answer") {
  CHECK(crc32c("123456789", 9) == 0xE3069283u);
  CHECK(crc32c("", 0) == 0);
  // Continuing a checksum equals checksumming the concatenation.
  CHECK(crc32c("6789", 4, crc32c("12345", 5)) == 0xE3069283u);
}

TEST_CASE("save: round trip restores every slot, name and flag") {
  fixture f;
  f.write_sample_file();
  auto db = f.reopen();
  CHECK(db->diagnostics().empty());
  CHECK(db->mode() == memory_mode::save);
  auto a = db->find({"system.cpu", "user"});
  auto b = db->find({"system.load", "load1"});
  REQUIRE(a.valid());
  REQUIRE(b.valid());
  CHECK(db->info(a)->dim_name == "User");
  CHECK(db->update_every(b) == 5);
  auto xs = db->query(a, 0, T + 100);
  REQUIRE(xs.size() == 11);
  CHECK(xs[0] == sample::of(T + 1, 0.25));
  CHECK(xs[9] == sample::of(T + 10, 2.5));
  CHECK(xs[10].empty());
  auto ys = db->query(b, 0, T + 100);
  REQUIRE(ys.size() == 1);
  CHECK(ys[0] == sample::of(T + 5, 0.5, flag_reset));
  // Appending continues after the loaded data.
  CHECK(db->append(a, sample::of(T + 12, 3)));
  CHECK(db->first_time_s(a) == T + 1);
}

TEST_CASE("save: no file yet starts empty without complaint") {
  fixture f;
  auto db = f.reopen();
  CHECK(db->diagnostics().empty());
  CHECK(db->dimensions().empty());
}

TEST_CASE("save: a flipped byte in a record is a checksum error") {
  fixture f;
  f.write_sample_file();
  auto bytes = f.file();
  // The header is 8 + 4 + 4 + 8 + (4 + 36) + 4 = 68 bytes; the first record
  // (length, crc, payload) starts at 68. Flip a payload byte.
  REQUIRE(bytes.size() > 100);
  f.file()[80] ^= 0x01;
  auto db = f.reopen();
  REQUIRE(db->diagnostics().size() == 1);
  auto& err = db->diagnostics()[0];
  CHECK(err.code == ec::corruption);
  CHECK(err.position == 68);
  CHECK(err.message.find(f.path()) == 0);
  CHECK(err.message.find("checksum mismatch in dimension record 0")
        != std::string::npos);
  CHECK(err.message.find("offset 68") != std::string::npos);
  CHECK(db->dimensions().empty()); // starts empty
  // The bad file is replaced at the next save.
  db->add_dimension({{"c.x", "a"}, "", "", 1});
  REQUIRE_FALSE(db->close());
  CHECK(f.reopen()->diagnostics().empty());
}

TEST_CASE("save: a flipped byte in the header is a header checksum error") {
  fixture f;
  f.write_sample_file();
  f.file()[30] ^= 0x40; // inside the GUID
  auto db = f.reopen();
  REQUIRE(db->diagnostics().size() == 1);
  CHECK(db->diagnostics()[0].code == ec::corruption);
  CHECK(db->diagnostics()[0].position == 64);
  CHECK(db->diagnostics()[0].message.find("header checksum")
        != std::string::npos);
}

TEST_CASE("save: truncated tails are detected at every length") {
  fixture f;
  f.write_sample_file();
  auto full = f.file();
  for (size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    f.file() = full.substr(0, n);
    auto db = f.reopen();
    REQUIRE(db->diagnostics().size() == 1);
    auto code = db->diagnostics()[0].code;
    CHECK((code == ec::truncated || code == ec::corruption));
    CHECK(db->dimensions().empty());
  }
}

TEST_CASE("save: a file cut inside the host GUID is truncated, not corrupt") {
  fixture f;
  f.write_sample_file();
  auto full = f.file();
  // magic, version, count, slots per dimension, then the GUID's length.
  auto guid_at = save_file_magic.size() + 16;
  for (size_t cut : {guid_at + 2, guid_at + 4, guid_at + 4 + 10,
                     guid_at + 4 + f.opts.host_guid.size() - 1}) {
    CAPTURE(cut);
    f.file() = full.substr(0, cut);
    auto db = f.reopen();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].code == ec::truncated);
    CHECK(db->diagnostics()[0].position == guid_at);
    CHECK(db->diagnostics()[0].message.find("bad host guid field")
          != std::string::npos);
  }
}

TEST_CASE("save: empty file, wrong magic, trailing garbage, foreign host") {
  fixture f;
  f.write_sample_file();
  auto full = f.file();
  SUBCASE("empty") {
    f.file().clear();
    auto db = f.reopen();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].code == ec::truncated);
    CHECK(db->diagnostics()[0].message.find("empty file") != std::string::npos);
  }
  SUBCASE("wrong magic") {
    f.file()[0] = 'X';
    auto db = f.reopen();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].position == 0);
    CHECK(db->diagnostics()[0].message.find("wrong magic")
          != std::string::npos);
  }
  SUBCASE("trailing garbage") {
    f.file() += "junk";
    auto db = f.reopen();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].position == full.size());
  }
  SUBCASE("another host's file") {
    f.opts.host_guid = "99999999-2222-3333-4444-555555555555";
    f.fs.files[f.path()] = full;
    auto db = f.reopen();
    REQUIRE(db->diagnostics().size() == 1);
    CHECK(db->diagnostics()[0].message.find("belongs to host")
          != std::string::npos);
    CHECK(db->dimensions().empty());
  }
}

TEST_CASE("save: a temp file left by a crash is ignored") {
  fixture f;
  f.write_sample_file();
  // A crash while saving left a half-written temp file next to the good one.
  f.fs.files[f.path() + ".tmp"] = f.file().substr(0, 20);
  auto db = f.reopen();
  CHECK(db->diagnostics().empty());
  CHECK(db->query(db->find({"system.cpu", "user"}), 0, T + 100).size() == 11);
  // A crash before the first save: only the temp file exists.
  fixture g;
  g.fs.files[g.path() + ".tmp"] = "garbage";
  auto db2 = g.reopen();
  CHECK(db2->diagnostics().empty());
  CHECK(db2->dimensions().empty());
}

TEST_CASE("save: a failing write is reported by close()") {
  fixture f;
  auto db = f.reopen();
  db->add_dimension({{"c.x", "a"}, "", "", 1});
  f.fs.fail_writes = true;
  auto err = db->close();
  CHECK(err.code == ec::io_error);
  CHECK(f.fs.files.empty());
}

TEST_CASE("save: real filesystem round trip with an atomic rename") {
  char tmpl[] = "/tmp/tributary-storage-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  engine_options opts;
  opts.directory = std::string{tmpl} + "/sub/dir";
  opts.host_guid = "abc";
  {
    auto db = make_engine(memory_mode::save, opts);
    auto h = db->add_dimension({{"c.x", "a"}, "", "", 1});
    db->append(h, sample::of(T, 42));
    REQUIRE_FALSE(db->close());
  }
  auto path = save_file_path(opts);
  CHECK(access(path.c_str(), F_OK) == 0);
  CHECK(access((path + ".tmp").c_str(), F_OK) != 0);
  {
    auto db = make_engine(memory_mode::save, opts);
    CHECK(db->diagnostics().empty());
    auto xs = db->query(db->find({"c.x", "a"}), 0, T);
    REQUIRE(xs.size() == 1);
    CHECK(xs[0].value == 42);
  }
  auto cmd = std::string{"rm -rf "} + tmpl;
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("write_atomic_in_parts: the parts in order, a stale temp file "
          "dropped, a failed part leaves the old file") {
  memory_filesystem fs;
  fs.files["/d/f.tmp"] = "left by a crash";
  int calls = 0;
  auto three = [&](std::string& part) {
    part = std::string(1, static_cast<char>('a' + calls));
    return ++calls < 3;
  };
  REQUIRE_FALSE(write_atomic_in_parts(fs, "/d/f", three));
  CHECK(fs.files["/d/f"] == "abc");
  CHECK(fs.files.count("/d/f.tmp") == 0);
  // The disk fills after the first part: the old file stays, no temp file.
  calls = 0;
  auto failing = [&](std::string& part) {
    part = "x";
    fs.fail_writes = ++calls == 2;
    return calls < 3;
  };
  auto err = write_atomic_in_parts(fs, "/d/f", failing);
  CHECK(err.code == ec::io_error);
  CHECK(fs.files["/d/f"] == "abc");
  CHECK(fs.files.count("/d/f.tmp") == 0);
  fs.fail_writes = false;
  // Nothing to write still makes an (empty) file.
  REQUIRE_FALSE(
      write_atomic_in_parts(fs, "/d/e", [](std::string&) { return false; }));
  CHECK(fs.files.count("/d/e") == 1);
}

TEST_CASE("save: a file larger than one part (1 MiB) round trips, on disk") {
  char tmpl[] = "/tmp/tributary-storage-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  engine_options opts;
  opts.directory = tmpl;
  opts.host_guid = "abc";
  opts.history = 3600;
  // 100 dimensions of 3,600 slots: ~1.4 MB, written in two parts.
  {
    auto db = make_engine(memory_mode::save, opts);
    for (int k = 0; k < 100; ++k) {
      auto h = db->add_dimension({{"c.x", "d" + std::to_string(k)}, "", "", 1});
      for (int64_t i = 1; i <= 3600; ++i)
        db->append(h, sample::of(T + i, static_cast<double>(k * i)));
    }
    REQUIRE_FALSE(db->close());
  }
  auto path = save_file_path(opts);
  auto size = posix_filesystem().file_size(path);
  REQUIRE(size);
  CHECK(*size > (uint64_t{1} << 20));
  CHECK(access((path + ".tmp").c_str(), F_OK) != 0);
  {
    auto db = make_engine(memory_mode::save, opts);
    CHECK(db->diagnostics().empty());
    for (int k = 0; k < 100; k += 33) {
      auto xs
          = db->query(db->find({"c.x", "d" + std::to_string(k)}), 0, T + 3600);
      REQUIRE(xs.size() == 3600);
      CHECK(xs[0] == round_trip(sample::of(T + 1, k * 1.0)));
      CHECK(xs[3599] == round_trip(sample::of(T + 3600, k * 3600.0)));
    }
  }
  auto cmd = std::string{"rm -rf "} + tmpl;
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("save file: decoder rejects absurd lengths without reading past") {
  save_snapshot s;
  s.host_guid = "g";
  s.slots_per_dimension = 4;
  auto bytes = encode_save_file(s);
  auto ok = decode_save_file(bytes, "f");
  REQUIRE(ok);
  // Claim one record that is not there.
  bytes[12] = 1;
  auto bad = decode_save_file(bytes, "f");
  REQUIRE_FALSE(bad);
}
