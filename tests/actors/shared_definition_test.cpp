// One definition per chart: the receiver's chart_def is kept by the host as a
// new chart's merged definition (no copy), a redefinition is merged into a
// copy, and nobody changes a definition another actor holds.

#include "actors/receiver.hpp"
#include "tests/actors/host_fixture.hpp"

#include <doctest/doctest.h>

namespace tributary::test {
namespace {

struct shared_definition_fixture : host_fixture {
  shared_definition_fixture() {
    self->send(aut, atom::stream::value, true, false);
    run();
  }

  /// The host's merged definition of `id` (null if it has none).
  std::shared_ptr<const chart_def> listed(const std::string& id) {
    std::shared_ptr<const chart_def> out;
    self->send(aut, atom::get::value, atom::charts::value);
    run();
    self->receive(
        [&](chart_listing& l) {
          for (auto& c : l.charts)
            if (c.def->id == id)
              out = c.def;
        },
        caf::after(std::chrono::seconds(0)) >> [] { FAIL("no listing"); });
    return out;
  }

  void define(std::shared_ptr<const chart_def> def) {
    self->send(aut, atom::define::value, shared_chart_def{std::move(def)});
    run();
  }
};

chart_def with_dimensions(const std::string& id,
                          std::vector<std::string> dims) {
  auto def = make_chart(id);
  def.dimensions.clear();
  for (auto& d : dims) {
    dimension_def x;
    x.id = d;
    def.dimensions.push_back(x);
  }
  def.dimensions.shrink_to_fit();
  return def;
}

} // namespace

TEST_CASE_FIXTURE(shared_definition_fixture,
                  "a new chart keeps the receiver's definition itself; a "
                  "redefinition is merged into a copy") {
  auto first = std::make_shared<const chart_def>(
      with_dimensions("net.eth0", {"received", "sent"}));
  define(first);
  auto kept = listed("net.eth0");
  REQUIRE(kept != nullptr);
  CHECK(kept.get() == first.get());

  define(std::make_shared<const chart_def>(
      with_dimensions("net.eth0", {"dropped"})));
  auto merged = listed("net.eth0");
  REQUIRE(merged != nullptr);
  CHECK(merged.get() != first.get());
  REQUIRE(merged->dimensions.size() == 3);
  CHECK(merged->dimensions[2].id == "dropped");
  CHECK(first->dimensions.size() == 2); // what the receiver sent is as it was

  // Rows still reach the chart under the merged definition.
  chart_row r;
  r.chart_id = "net.eth0";
  r.now_usec = now_usec;
  r.values = {1, 2, 3};
  r.is_set = {1, 1, 1};
  self->send(aut, r);
  run();
  self->send(aut, atom::query::value, atom::collected::value,
             std::string{"net.eth0"});
  run();
  self->receive(
      [&](chart_collected& c) {
        CHECK(c.values == std::vector<int64_t>{1, 2, 3});
      },
      [&](caf::error&) { FAIL("no chart"); },
      caf::after(std::chrono::seconds(0)) >> [] { FAIL("no answer"); });
}

TEST_CASE_FIXTURE(shared_definition_fixture,
                  "a chart defined again the same (a child that reconnected) "
                  "keeps the new receiver's definition, not a copy") {
  auto first = std::make_shared<const chart_def>(
      with_dimensions("net.eth0", {"received", "sent"}));
  define(first);
  auto again = std::make_shared<const chart_def>(
      with_dimensions("net.eth0", {"received", "sent"}));
  define(again);
  CHECK(listed("net.eth0").get() == again.get());

  // The same dimensions with another multiplier: the merge starts 1.37.1's
  // homogeneity check, which the receiver's definition does not carry.
  auto scaled = with_dimensions("net.eth0", {"received", "sent"});
  scaled.dimensions[1].multiplier = -1;
  auto third = std::make_shared<const chart_def>(scaled);
  define(third);
  auto merged = listed("net.eth0");
  CHECK(merged.get() != third.get());
  CHECK(merged->homogeneity_check);
  CHECK(merged->dimensions[1].multiplier == -1);
}

TEST_CASE_FIXTURE(shared_definition_fixture,
                  "a definition naming a dimension twice is merged, not kept") {
  auto twice = std::make_shared<const chart_def>(
      with_dimensions("disk.sda", {"reads", "reads", "writes"}));
  define(twice);
  auto kept = listed("disk.sda");
  REQUIRE(kept != nullptr);
  CHECK(kept.get() != twice.get());
  REQUIRE(kept->dimensions.size() == 2);
  CHECK(kept->dimensions[0].id == "reads");
  CHECK(kept->dimensions[1].id == "writes");
}

TEST_CASE("the receiver copies a definition it shared before changing it") {
  receiver_state::chart_entry e;
  e.writable_def().title = "first";
  auto own = e.def.get();
  e.writable_def().units = "B";
  CHECK(e.def.get() == own); // not shared: changed in place

  std::shared_ptr<const chart_def> host = e.def; // sent to the host
  e.writable_def().title = "second";
  CHECK(e.def.get() != host.get());
  CHECK(host->title == "first");
  CHECK(e.def->title == "second");
  CHECK(e.def->units == "B");
}

} // namespace tributary::test
