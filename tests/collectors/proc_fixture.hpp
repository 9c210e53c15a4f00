#pragma once

// What the proc_collector tests share: a fixture /proc tree in a temporary
// directory, the chart definitions of a real Netdata 1.37.1 capture, and row
// checks.

#include "collectors/proc_collector.hpp"
#include "protocol/commands.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace tributary::test {

namespace fs = std::filesystem;

/// The chart definitions of a capture, built the way the receiver builds
/// them from CHART / CLABEL / DIMENSION lines.
inline std::map<std::string, chart_def>
capture_definitions(const std::string& bytes) {
  std::map<std::string, chart_def> result;
  chart_def* cur = nullptr;
  size_t pos = 0;
  while (pos < bytes.size()) {
    auto eol = bytes.find('\n', pos);
    if (eol == std::string::npos)
      break;
    std::string_view line{bytes.data() + pos, eol - pos};
    pos = eol + 1;
    if (line.rfind("CHART ", 0) != 0 && line.rfind("DIMENSION ", 0) != 0
        && line.rfind("CLABEL ", 0) != 0)
      continue;
    auto cmd = protocol::parse_line(line);
    REQUIRE(cmd);
    if (auto* c = std::get_if<protocol::chart>(&*cmd)) {
      auto& d = result[c->id];
      d = chart_def{};
      d.id = c->id;
      d.name = c->name;
      d.title = c->title;
      d.units = c->units;
      d.family = c->family;
      d.context = c->context;
      d.chart_type = c->chart_type;
      d.priority = c->priority;
      d.update_every = c->update_every;
      d.options = c->options;
      d.plugin = c->plugin;
      d.module = c->module;
      cur = &d;
    } else if (auto* x = std::get_if<protocol::dimension>(&*cmd)) {
      REQUIRE(cur != nullptr);
      dimension_def dd;
      dd.id = x->id;
      dd.name = x->name.empty() ? x->id : x->name;
      dd.algorithm = x->algorithm;
      dd.multiplier = x->multiplier;
      dd.divisor = x->divisor;
      dd.options = x->options;
      cur->dimensions.push_back(dd);
    } else if (auto* l = std::get_if<protocol::clabel>(&*cmd)) {
      REQUIRE(cur != nullptr);
      cur->labels.emplace_back(l->name, l->value);
    }
  }
  return result;
}

inline void check_same(const chart_def& ours, const chart_def& ref) {
  INFO("chart " << ref.id);
  CHECK(ours.id == ref.id);
  CHECK(ours.name == ref.name);
  CHECK(ours.title == ref.title);
  CHECK(ours.units == ref.units);
  CHECK(ours.family == ref.family);
  CHECK(ours.context == ref.context);
  CHECK(ours.chart_type == ref.chart_type);
  CHECK(ours.priority == ref.priority);
  CHECK(ours.update_every == ref.update_every);
  CHECK(ours.options == ref.options);
  CHECK(ours.plugin == ref.plugin);
  CHECK(ours.module == ref.module);
  CHECK(ours.labels == ref.labels);
  REQUIRE(ours.dimensions.size() == ref.dimensions.size());
  for (size_t i = 0; i < ref.dimensions.size(); ++i) {
    auto& a = ours.dimensions[i];
    auto& b = ref.dimensions[i];
    INFO("dimension " << b.id);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.algorithm == b.algorithm);
    CHECK(a.multiplier == b.multiplier);
    CHECK(a.divisor == b.divisor);
    CHECK(a.options == b.options);
  }
}

/// A proc root in a temporary directory, filled from tests/data/proc/<set>.
struct proc_fixture {
  fs::path root;
  proc_collector pc;

  static proc_collector_config config(const fs::path& root) {
    proc_collector_config cfg;
    cfg.proc_root = root.string();
    cfg.sys_root = data_path("proc/sys");
    cfg.page_size = 4096;
    return cfg;
  }

  explicit proc_fixture(const char* name)
      : root(fs::temp_directory_path()
             / ("tributary-collector-" + std::string{name} + "-"
                + std::to_string(::getpid()))),
        pc(config(root)) {
    fs::remove_all(root);
    fs::create_directories(root);
    load("first");
  }

  ~proc_fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  void load(const char* set) {
    fs::copy(data_path(std::string{"proc/"} + set), root,
             fs::copy_options::recursive
                 | fs::copy_options::overwrite_existing);
  }
};

struct expected_row {
  std::string id;
  uint64_t microseconds;
  std::vector<int64_t> values;
};

inline void check_rows(const std::vector<chart_row>& rows,
                       const std::vector<expected_row>& want, uint64_t now) {
  REQUIRE(rows.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("row " << i << " " << want[i].id);
    CHECK(rows[i].chart_id == want[i].id);
    CHECK(rows[i].microseconds == want[i].microseconds);
    CHECK(rows[i].now_usec == now);
    CHECK(rows[i].values == want[i].values);
    CHECK(rows[i].is_set == std::vector<uint8_t>(want[i].values.size(), 1));
  }
}

inline constexpr uint64_t t0 = 1795635065000000;
inline constexpr uint64_t t1 = t0 + 1000123;

} // namespace tributary::test
