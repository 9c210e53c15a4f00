// libFuzzer target: arbitrary text as a health.d file. Every definition is
// linked to a chart and evaluated; the whole input is also parsed as one
// expression.

#include "health/definitions.hpp"
#include "health/expression.hpp"
#include "health/host_health.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tributary::health;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto resolver = [](std::string_view name) -> std::optional<double> {
    if (name.empty() || name.size() > 8)
      return std::nullopt;
    return name[0] == 'n' ? NAN : static_cast<double>(name.size());
  };
  if (auto e = expression::parse(input)) {
    (void)e->evaluate(resolver);
    (void)e->evaluate_traced(resolver);
    // The canonical print parses again.
    if (!expression::parse(e->parsed_as()))
      return 1;
  }
  load_options opts;
  opts.check_expression = [](std::string_view text) {
    auto e = expression::parse(text);
    return e ? std::string{} : e.err().message;
  };
  auto defs = parse_health_text(input, "fuzz.conf", opts);
  chart_snapshot c;
  c.facts.id = "system.cpu";
  c.facts.name = "system.cpu";
  c.facts.context = "system.cpu";
  c.facts.family = "cpu";
  c.facts.dimensions = {{"user", "user"}, {"system", "system"}};
  c.update_every = 1;
  c.first_entry = 1000;
  c.last_entry = 2000;
  host_health h{defs, host_facts{"linux", "fuzz"}, 100, 1};
  h.link({c}, 2000);
  lookup_row row;
  row.ids = {"user", "system"};
  row.names = row.ids;
  row.values = {1.5, NAN};
  for (auto& key : h.due(2000)) {
    (void)h.query_for(key, 2000);
    h.evaluate(key, row, row, 2000);
  }
  (void)h.take_notifications(2000);
  return 0;
}
