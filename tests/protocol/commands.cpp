#include "protocol/commands.hpp"

#include "protocol/command_reader.hpp"
#include "protocol/line_splitter.hpp"
#include "tests/test_data.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <vector>

using namespace tributary;
using namespace tributary::protocol;

namespace {

// Parses every line of a capture and writes it back; returns the number of
// lines and fails the test on the first error or difference.
size_t round_trip(const std::string& name,
                  direction dir = direction::to_parent) {
  auto data = test::read_data("netdata-1.37.1/" + name);
  line_splitter lines;
  lines.feed(data);
  std::string out;
  std::string_view line;
  size_t n = 0;
  while (lines.next(line)) {
    ++n;
    auto cmd = parse_line(line, dir);
    if (!cmd) {
      FAIL_CHECK(name << ":" << n << ": " << to_string(cmd.err()) << " in '"
                      << line << "'");
      return n;
    }
    auto before = out.size();
    write_command(*cmd, out);
    auto written = std::string_view{out}.substr(before);
    if (written.substr(0, written.size() - 1) != line) {
      FAIL_CHECK(name << ":" << n << ": '" << line << "' rewrote as '"
                      << written << "'");
      return n;
    }
  }
  CHECK_FALSE(lines.finish());
  CHECK(out == data);
  return n;
}

template <class T>
T parse_as(std::string_view line, direction dir = direction::to_parent) {
  auto cmd = parse_line(line, dir);
  REQUIRE_MESSAGE(cmd, (cmd ? "" : to_string(cmd.err())));
  REQUIRE(std::holds_alternative<T>(*cmd));
  return std::get<T>(*cmd);
}

} // namespace

TEST_CASE("commands: stream-plain.bin round-trips byte for byte") {
  CHECK(round_trip("stream-plain.bin") == 2779);
}

TEST_CASE("commands: stream-lz4.decoded.txt round-trips byte for byte") {
  CHECK(round_trip("stream-lz4.decoded.txt") == 2777);
}

TEST_CASE("commands: replication captures round-trip byte for byte") {
  CHECK(round_trip("replication-child-to-parent.bin") == 9933);
  CHECK(round_trip("replication-steps-child-to-parent.bin") == 9741);
  CHECK(round_trip("fakeparent-norepl-stream-plain.bin") == 1188);
}

TEST_CASE("commands: parent-to-child captures round-trip byte for byte") {
  for (auto name :
       {"parent-to-child.bin", "parent-to-child-lz4.bin",
        "replication-parent-to-child.bin",
        "replication-steps-parent-to-child.bin", "fakeparent-to-child.bin"}) {
    CAPTURE(name);
    CHECK(round_trip(name, direction::to_child) >= 25);
  }
}

TEST_CASE("commands: typed fields of the data path") {
  auto b = parse_as<begin>("BEGIN \"system.cpu\" 1000123");
  CHECK(b.chart_id == "system.cpu");
  CHECK(b.microseconds == uint64_t{1000123});
  CHECK_FALSE(parse_as<begin>("BEGIN \"system.cpu\"").microseconds);
  auto s = parse_as<set>("SET \"user\" = -234567");
  CHECK(s.dimension_id == "user");
  CHECK(s.value == int64_t{-234567});
  CHECK(parse_as<set>("SET user 5").value == int64_t{5});
  auto empty = parse_as<set>("SET \"user\" = \"\"");
  CHECK_FALSE(empty.value);
  CHECK(to_string(command{empty}) == "SET \"user\" = \"\"\n");
  CHECK_FALSE(parse_as<set>("SET \"user\" =").value);
  CHECK(std::holds_alternative<end>(*parse_line("END")));
}

TEST_CASE("commands: typed fields of definitions") {
  auto c = parse_as<chart>(
      "CHART \"system.forks\" \"\" \"Started Processes\" \"processes/s\" "
      "\"processes\" \"system.forks\" \"line\" 700 1 \" detail  \" "
      "\"proc.plugin\" \"/proc/stat\"");
  CHECK(c.id == "system.forks");
  CHECK(c.name.empty());
  CHECK(c.units == "processes/s");
  CHECK(c.priority == 700);
  CHECK(c.update_every == 1);
  CHECK(c.detail());
  CHECK_FALSE(c.obsolete());
  CHECK(c.module == "/proc/stat");
  auto d = parse_as<dimension>(
      "DIMENSION \"blocked\" \"blocked\" \"absolute\" -1 0x10 \" hidden \"");
  CHECK(d.multiplier == -1);
  CHECK(d.divisor == 16);
  CHECK(d.hidden());
  auto zero = parse_as<dimension>("DIMENSION \"z\" \"\" \"incremental\" 0 0");
  CHECK(zero.multiplier == 1); // Netdata's rule: never 0
  CHECK(zero.divisor == 1);
  auto l = parse_as<label>("LABEL \"_os_name\" = 1 Debian GNU/Linux");
  CHECK(l.value == "Debian GNU/Linux");
  CHECK(l.source == 1);
  auto v = parse_as<variable>("VARIABLE HOST active_processors = 2.0000000");
  CHECK(v.scope == variable_scope::host);
  REQUIRE(v.value);
  CHECK(v.value->value == 2.0);
  CHECK_FALSE(parse_as<variable>("VARIABLE CHART x").value);
  auto cl = parse_as<claimed_id>(
      "CLAIMED_ID 33333333-3333-4333-8333-333333333333 NULL");
  CHECK(cl.claim_id.empty());
  auto fd = parse_as<function_def>("FUNCTION GLOBAL \"processes\" 10 \"help\"");
  CHECK(fd.global);
  CHECK(fd.timeout == 10);
  CHECK(to_string(command{fd})
        == "FUNCTION GLOBAL \"processes\" 10 \"help\"\n");
}

TEST_CASE("commands: typed fields of replication") {
  auto rc = parse_as<replay_chart>(
      "REPLAY_CHART \"system.cpu\" \"false\" 1795635073 1795635083",
      direction::to_child);
  CHECK_FALSE(rc.start_streaming);
  CHECK(rc.before == 1795635083);
  auto rb = parse_as<rbegin>("RBEGIN '' 1795635073 1795635074 1795635100");
  CHECK(rb.has_times);
  CHECK(rb.chart_id.empty());
  CHECK(rb.child_now == int64_t{1795635100});
  auto rs = parse_as<rset>("RSET \"x\" NAN \"E\"");
  CHECK(std::isnan(rs.value.value));
  CHECK(rs.flags == "E");
  CHECK(to_string(command{rs}) == "RSET \"x\" NAN \"E\"\n");
  rset mine{"y", decimal{-0.0}, ""};
  CHECK(to_string(command{mine}) == "RSET \"y\" -0.0000000 \"\"\n");
  mine.value = decimal{1.0 / 3};
  CHECK(to_string(command{mine}) == "RSET \"y\" 0.3333333 \"\"\n");
  auto rd = parse_as<rdstate>(
      "RDSTATE \"blocked\" 1795635241286247 12 -0.0000000 1.5000000");
  CHECK(rd.last_collected_ut == 1795635241286247u);
  CHECK(rd.last_collected_value == 12);
  CHECK(rd.last_stored_value.value == 1.5);
  auto re = parse_as<rend>("REND 1 100 200 true 150 200 201");
  CHECK(re.start_streaming);
  CHECK(re.child_now == int64_t{201});
  CHECK_FALSE(parse_line("REND 1 100 200 true 150"));
}

TEST_CASE("commands: function call and result") {
  auto call = parse_as<function_call>(
      "FUNCTION 0b5f1c1e-6c1d-11ed-a1eb-0242ac120002 10 \"processes user\"",
      direction::to_child);
  CHECK(call.timeout == 10);
  CHECK(call.function == "processes user");
  CHECK(to_string(command{call})
        == "FUNCTION 0b5f1c1e-6c1d-11ed-a1eb-0242ac120002 10 \"processes "
           "user\"\n");
  // A call without a transaction id is refused (found by fuzz_tokenizer:
  // the id was written as nothing and the line re-read differently).
  CHECK_FALSE(
      parse_line("FUNCTION \"\" 10 \"processes\"", direction::to_child));
  // The same words from a child are a definition.
  CHECK(std::holds_alternative<function_def>(
      *parse_line("FUNCTION name 10 \"help\"")));

  std::string text = "FUNCTION_RESULT_BEGIN \"tx1\" 200 \"application/json\" "
                     "1795635100\n{\"a\": 1,\n\n  \"b\": \"SET x = 1\"}\n"
                     "FUNCTION_RESULT_END\nEND\n";
  line_splitter lines;
  lines.feed(text);
  command_reader reader;
  std::vector<command> got;
  std::string_view line;
  while (lines.next(line)) {
    command cmd;
    error err;
    auto st = reader.consume(line, cmd, err);
    REQUIRE(st != command_reader::status::failed);
    if (st == command_reader::status::ready)
      got.push_back(std::move(cmd));
  }
  REQUIRE(got.size() == 2);
  auto& fr = std::get<function_result>(got[0]);
  CHECK(fr.header.transaction == "tx1");
  CHECK(fr.header.code == 200);
  CHECK(fr.header.content_type == "application/json");
  CHECK(fr.payload == "{\"a\": 1,\n\n  \"b\": \"SET x = 1\"}\n");
  std::string out;
  for (auto& cmd : got)
    write_command(cmd, out);
  CHECK(out == text);
}

TEST_CASE("commands: errors") {
  auto unknown = parse_line("BEGIN2 'system.cpu' 1 2 3");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.err().code == ec::unknown_command);
  CHECK(unknown.err().message.find("BEGIN2") != std::string::npos);
  CHECK(parse_line("begin \"x\"").err().code == ec::unknown_command);
  CHECK(parse_line("").err().code == ec::malformed);
  auto bad_set = parse_line("SET \"x\" = 1.5");
  REQUIRE_FALSE(bad_set);
  CHECK(bad_set.err().code == ec::bad_parameters);
  CHECK(bad_set.err().position == 2);
  CHECK(parse_line("SET").err().code == ec::bad_parameters);
  CHECK(parse_line("CHART nodot").err().code == ec::bad_parameters);
  CHECK(parse_line("CHART \"a.b\" \"\" t u f c line x").err().code
        == ec::bad_parameters);
  CHECK(parse_line("CLAIMED_ID nope NULL").err().code == ec::bad_parameters);
  CHECK(parse_line("BEGIN \"x\" -5").err().code == ec::bad_parameters);
  command_reader reader;
  command cmd;
  error err;
  CHECK(reader.consume("HOST_DEFINE x y", cmd, err)
        == command_reader::status::failed);
  CHECK(err.code == ec::unknown_command);
  CHECK(reader.consume("", cmd, err) == command_reader::status::more);
}
