// plugin_reader against scripted plugins.d output and the real output of
// Debian's apps.plugin 1.37.1.

#include "collectors/plugin_reader.hpp"
#include "protocol/commands.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace tributary::test {

namespace {

constexpr std::string_view scripted
    = "CHART example.random '' 'A random number' 'number' random "
      "example.random line 90000 0 '' 'go.d.plugin' 'example'\n"
      "CLABEL 'source' 'fixture' 1\n"
      "CLABEL_COMMIT\n"
      "DIMENSION random1 '' absolute 1 1\n"
      "DIMENSION random2 r2 incremental -1 100 hidden\n"
      "VARIABLE CHART max = 10\n"
      "BEGIN example.random 1000000\n"
      "SET random1 = 42\n"
      "SET random2 = -7\n"
      "END\n"
      "\n"
      "BEGIN example.random\n"
      "SET random2 = 8\n"
      "END\n"
      "FLUSH\n"
      "VARIABLE HOST answer = 42.5\n"
      "BEGIN example.random 1000123\n"
      "SET random1 = 1\n"
      "FLUSH\n"
      "CHART example.second '' 'Second' 'things' second example.second "
      "stacked 90001 5\n"
      "DIMENSION a\n";

std::vector<plugin_event> read_all(plugin_reader& r, std::string_view bytes,
                                   size_t chunk) {
  std::vector<plugin_event> out;
  for (size_t i = 0; i < bytes.size(); i += chunk)
    r.feed(bytes.substr(i, chunk), 77, out);
  r.finish(out);
  return out;
}

void check_scripted(const std::vector<plugin_event>& ev) {
  REQUIRE(ev.size() == 7);
  auto* def = std::get_if<chart_def>(&ev[0]);
  REQUIRE(def != nullptr);
  CHECK(def->id == "example.random");
  CHECK(def->name == "");
  CHECK(def->title == "A random number");
  CHECK(def->units == "number");
  CHECK(def->family == "random");
  CHECK(def->context == "example.random");
  CHECK(def->chart_type == "line");
  CHECK(def->priority == 90000);
  CHECK(def->update_every == 3); // 0: the plugin's update every
  CHECK(def->plugin == "go.d.plugin");
  CHECK(def->module == "example");
  CHECK(def->labels
        == std::vector<std::pair<std::string, std::string>>{
            {"source", "fixture"}});
  REQUIRE(def->dimensions.size() == 2);
  CHECK(def->dimensions[0].id == "random1");
  CHECK(def->dimensions[0].name == "random1");
  CHECK(def->dimensions[0].algorithm == "absolute");
  CHECK(def->dimensions[1].name == "r2");
  CHECK(def->dimensions[1].algorithm == "incremental");
  CHECK(def->dimensions[1].multiplier == -1);
  CHECK(def->dimensions[1].divisor == 100);
  CHECK(def->dimensions[1].options == "hidden");
  auto* var = std::get_if<plugin_variable>(&ev[1]);
  REQUIRE(var != nullptr);
  CHECK(var->scope == protocol::variable_scope::chart);
  CHECK(var->chart_id == "example.random");
  CHECK(var->name == "max");
  CHECK(var->value == 10);
  auto* r1 = std::get_if<chart_row>(&ev[2]);
  REQUIRE(r1 != nullptr);
  CHECK(r1->chart_id == "example.random");
  CHECK(r1->microseconds == 1000000);
  CHECK(r1->now_usec == 77);
  CHECK(r1->values == std::vector<int64_t>{42, -7});
  CHECK(r1->is_set == std::vector<uint8_t>{1, 1});
  auto* r2 = std::get_if<chart_row>(&ev[3]);
  REQUIRE(r2 != nullptr);
  CHECK(r2->microseconds == 0);
  CHECK(r2->values == std::vector<int64_t>{0, 8});
  CHECK(r2->is_set == std::vector<uint8_t>{0, 1});
  CHECK(std::holds_alternative<plugin_flush>(ev[4]));
  auto* host_var = std::get_if<plugin_variable>(&ev[5]);
  REQUIRE(host_var != nullptr);
  CHECK(host_var->scope == protocol::variable_scope::host);
  CHECK(host_var->chart_id.empty());
  CHECK(host_var->value == 42.5);
  // The BEGIN cut by FLUSH yielded no row; the last chart came at finish().
  auto* def2 = std::get_if<chart_def>(&ev[6]);
  REQUIRE(def2 != nullptr);
  CHECK(def2->id == "example.second");
  CHECK(def2->chart_type == "stacked");
  CHECK(def2->update_every == 5);
  CHECK(def2->plugin == "scripted.plugin"); // empty: the plugin's name
  REQUIRE(def2->dimensions.size() == 1);
  CHECK(def2->dimensions[0].algorithm == "absolute");
  CHECK(def2->dimensions[0].multiplier == 1);
  CHECK(def2->dimensions[0].divisor == 1);
}

} // namespace

TEST_CASE("plugin reader: scripted plugin output, whole and in split chunks") {
  for (size_t chunk : {scripted.size(), size_t{1}, size_t{7}, size_t{64}}) {
    INFO("chunk " << chunk);
    plugin_reader r{"scripted.plugin", 3};
    auto ev = read_all(r, scripted, chunk);
    REQUIRE(ev.size() == 8);
    // The second FLUSH (after a BEGIN it cancels); drop it for the checks.
    CHECK(std::holds_alternative<plugin_flush>(ev[6]));
    ev.erase(ev.begin() + 6);
    check_scripted(ev);
    CHECK_FALSE(r.stopped());
  }
}

TEST_CASE("plugin reader: an unknown command stops the plugin, naming it") {
  plugin_reader r{"bad.plugin"};
  std::vector<plugin_event> out;
  r.feed("CHART a.b '' 't' 'u' f a.b line 1 1\nDIMENSION x\nBEGIN a.b\nSET x "
         "= 1\nEND\nHELLO world\nBEGIN a.b\nSET x = 2\nEND\n",
         5, out);
  REQUIRE(out.size() == 3);
  CHECK(std::holds_alternative<chart_def>(out[0]));
  CHECK(std::holds_alternative<chart_row>(out[1]));
  auto* err = std::get_if<error>(&out[2]);
  REQUIRE(err != nullptr);
  CHECK(err->code == ec::unknown_command);
  CHECK(err->message.find("HELLO") != std::string::npos);
  CHECK(err->position == 6);
  CHECK(r.stopped());
  CHECK_FALSE(r.disabled());
  // Nothing more is read.
  r.feed("BEGIN a.b\nSET x = 3\nEND\n", 6, out);
  r.finish(out);
  CHECK(out.size() == 3);
}

TEST_CASE("plugin reader: protocol errors and DISABLE") {
  SUBCASE("BEGIN of an undefined chart") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("BEGIN no.such\n", 1, out);
    REQUIRE(out.size() == 1);
    auto* err = std::get_if<error>(&out[0]);
    REQUIRE(err != nullptr);
    CHECK(err->code == ec::unknown_reference);
    CHECK(err->message.find("no.such") != std::string::npos);
  }
  SUBCASE("SET of an unknown dimension") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("CHART a.b '' t u f a.b line 1 1\nDIMENSION x\nBEGIN a.b\nSET y = "
           "1\n",
           1, out);
    REQUIRE(out.size() == 2);
    auto* err = std::get_if<error>(&out[1]);
    REQUIRE(err != nullptr);
    CHECK(err->message.find("dim:y") != std::string::npos);
  }
  SUBCASE("SET and END outside BEGIN, DIMENSION without CHART") {
    for (auto text : {"SET x = 1\n", "END\n", "DIMENSION x\n",
                      "CHART nodot '' t u f c line 1 1\n"}) {
      plugin_reader r;
      std::vector<plugin_event> out;
      r.feed(text, 1, out);
      REQUIRE(out.size() == 1);
      CHECK_MESSAGE(std::holds_alternative<error>(out[0]), text);
      CHECK(r.stopped());
    }
  }
  SUBCASE("a partial last line") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("CHART a.b '' t u f a.b line 1 1\nDIMENSION x\nBEGI", 1, out);
    CHECK(out.empty());
    r.finish(out);
    REQUIRE(out.size() == 2);
    CHECK(std::holds_alternative<chart_def>(out[0]));
    CHECK(std::get<error>(out[1]).code == ec::truncated);
  }
  SUBCASE("DISABLE") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("DISABLE\nCHART a.b '' t u f a.b line 1 1\n", 1, out);
    REQUIRE(out.size() == 1);
    CHECK(std::holds_alternative<plugin_disable>(out[0]));
    CHECK(r.stopped());
    CHECK(r.disabled());
  }
  SUBCASE("a redefined chart keeps its dimensions and appends new ones") {
    plugin_reader r;
    std::vector<plugin_event> out;
    r.feed("CHART a.b '' t u f a.b line 1 1\nDIMENSION x\nCHART a.b '' t2 u "
           "f a.b line 1 1\nDIMENSION y\nBEGIN a.b\nSET y = 5\nEND\n",
           1, out);
    REQUIRE(out.size() == 3);
    auto& d = std::get<chart_def>(out[1]);
    CHECK(d.title == "t2");
    REQUIRE(d.dimensions.size() == 2);
    CHECK(std::get<chart_row>(out[2]).values == std::vector<int64_t>{0, 5});
  }
}

TEST_CASE("plugin reader: real apps.plugin 1.37.1 output") {
  // Captured from Debian's netdata 1.37.1 `apps.plugin 1` (run for 3 s with
  // a timeout, stdin an open pipe), cut at the last complete line.
  auto bytes = read_data("proc/apps.plugin-1.37.1.out");
  plugin_reader r{"apps.plugin"};
  std::vector<plugin_event> out;
  for (size_t i = 0; i < bytes.size(); i += 1000)
    r.feed(std::string_view{bytes}.substr(i, 1000), 1, out);
  r.finish(out);
  size_t defs = 0, rows = 0, vars = 0, errors = 0;
  for (auto& e : out) {
    if (std::holds_alternative<chart_def>(e))
      ++defs;
    else if (std::holds_alternative<chart_row>(e))
      ++rows;
    else if (std::holds_alternative<plugin_variable>(e))
      ++vars;
    else if (auto* err = std::get_if<error>(&e)) {
      ++errors;
      MESSAGE(to_string(*err));
    }
  }
  CHECK(errors == 0);
  CHECK_FALSE(r.stopped());
  CHECK(defs == 59);  // CHART lines in the capture
  CHECK(rows == 177); // BEGIN .. END blocks
  CHECK(vars == 3);
  auto* cpu = r.find("netdata.apps_cpu");
  REQUIRE(cpu != nullptr);
  CHECK(cpu->title == "Apps Plugin CPU");
  CHECK(cpu->units == "milliseconds/s");
  CHECK(cpu->chart_type == "stacked");
  CHECK(cpu->priority == 140000);
  REQUIRE(cpu->dimensions.size() == 2);
  CHECK(cpu->dimensions[0].id == "user");
  CHECK(cpu->dimensions[0].algorithm == "incremental");
  CHECK(cpu->dimensions[0].divisor == 1000);
  // Every row has one value per dimension of its chart.
  for (auto& e : out)
    if (auto* row = std::get_if<chart_row>(&e))
      CHECK(row->values.size() == r.find(row->chart_id)->dimensions.size());
}

} // namespace tributary::test
