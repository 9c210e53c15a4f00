#include "log/logger.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace tributary;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto i = text.find(what); i != std::string::npos;
       i = text.find(what, i + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("log_text escapes bytes and cuts long peer text with a marker") {
  CHECK(log_text("host-1") == "host-1");
  CHECK(log_text("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(log_text(std::string_view{"a\x01\xff\n\0b", 6})
        == "a\\x01\\xff\\x0a\\x00b");
  auto long_name = std::string(8000, 'h');
  auto cut = log_text(long_name);
  CHECK(cut == std::string(200, 'h') + "...[7800 more bytes]");
  // never splits a UTF-8 character at the cut
  CHECK(log_text("ab\xc3\xa9", 3) == "ab...[2 more bytes]");
}

TEST_CASE("logger lines are escaped and bounded whatever the caller passes") {
  char path[] = "/tmp/tributary-logger-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    logger lg;
    lg.quiet(true);
    REQUIRE(lg.open_file(path));
    lg.write(log_level::error, std::string(1000, 'w'),
             std::string(10000, 't') + "\x1b");
  }
  auto text = read_all(path);
  CHECK(text.size() < 4096 + 300 + 200);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(count(text, "\n") == 1);
  std::remove(path);
}

TEST_CASE("flood protection drops error lines past the threshold, once said") {
  char path[] = "/tmp/tributary-logger-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    logger lg;
    lg.quiet(true);
    lg.flood({1200, 3});
    REQUIRE(lg.open_file(path));
    for (int i = 0; i < 10; ++i)
      lg.write(log_level::error, "T", "error " + std::to_string(i));
    lg.write(log_level::info, "T", "info lines are never dropped");
  }
  auto text = read_all(path);
  CHECK(count(text, "ERROR : T: error") == 3);
  CHECK(
      count(text, ": tributary LOG FLOOD PROTECTION too many logs (4 logs in ")
      == 1);
  CHECK(count(text, " seconds, threshold is set to 3 logs in 1200 seconds). "
                    "Preventing more logs from process 'tributary' for ")
        == 1);
  CHECK(count(text, "info lines are never dropped") == 1);
  std::remove(path);
}

TEST_CASE("flood protection period 0 never throttles") {
  char path[] = "/tmp/tributary-logger-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    logger lg;
    lg.quiet(true);
    lg.flood({0, 1});
    REQUIRE(lg.open_file(path));
    for (int i = 0; i < 5; ++i)
      lg.write(log_level::error, "T", "e");
  }
  CHECK(count(read_all(path), "ERROR : T: e") == 5);
  std::remove(path);
}
