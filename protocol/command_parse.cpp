// Words -> typed commands (docs/protocol.md "Commands"). Numbers follow the
// parent's leniency where Netdata has a default (missing or empty -> default)
// but a word that is not a number at all is an error, so bugs surface early.

#include "protocol/command_parse_detail.hpp"
#include "protocol/commands.hpp"
#include "protocol/handshake.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace tributary::protocol {

using namespace command_parse_detail;

namespace {

#define TRY(expr)                                                              \
  if (auto err_ = (expr))                                                      \
  return err_

expected<command> parse_chart(const words& ws) {
  TRY(require(ws, 2, "CHART type.id ..."));
  chart x;
  auto id = ws[1];
  auto dot = id.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == id.size())
    return bad(1, "CHART id '" + std::string{id} + "' is not type.id");
  x.id = std::string{id};
  x.name = std::string{ws[2]};
  x.title = std::string{ws[3]};
  x.units = std::string{ws[4]};
  x.family = std::string{ws[5]};
  x.context = std::string{ws[6]};
  x.chart_type = std::string{ws[7]};
  TRY(opt_i64(ws, 8, x.priority, 1000, "priority"));
  TRY(opt_i64(ws, 9, x.update_every, 0, "update_every"));
  x.options = std::string{ws[10]};
  x.plugin = std::string{ws[11]};
  x.module = std::string{ws[12]};
  return command{std::move(x)};
}

expected<command> parse_dimension(const words& ws) {
  TRY(require(ws, 2, "DIMENSION id ..."));
  if (ws[1].empty())
    return bad(1, "DIMENSION without an id");
  dimension x;
  x.id = std::string{ws[1]};
  x.name = std::string{ws[2]};
  x.algorithm = std::string{ws[3]};
  TRY(opt_num(ws, 4, x.multiplier, int64_t{1}, to_i64_any_base, "multiplier"));
  TRY(opt_num(ws, 5, x.divisor, int64_t{1}, to_i64_any_base, "divisor"));
  // Netdata's DIMENSION parser (plugins.d and streaming alike) turns a
  // multiplier or divisor of 0 into 1: no value is ever multiplied or
  // divided by zero, and a relayed definition says 1.
  if (x.multiplier == 0)
    x.multiplier = 1;
  if (x.divisor == 0)
    x.divisor = 1;
  x.options = std::string{ws[6]};
  return command{std::move(x)};
}

expected<command> parse_function(const words& ws, direction dir) {
  if (dir == direction::to_child) {
    TRY(require(ws, 4, "FUNCTION transaction timeout \"function\""));
    // A call without a transaction id could never be answered (and an
    // empty id would not survive being written again).
    if (ws[1].empty())
      return bad(1, "FUNCTION without a transaction");
    function_call x;
    x.transaction = std::string{ws[1]};
    TRY(opt_i64(ws, 2, x.timeout, 10, "timeout"));
    x.function = std::string{ws[3]};
    return command{std::move(x)};
  }
  function_def x;
  size_t i = 1;
  if (ws[1] == "GLOBAL") {
    x.global = true;
    i = 2;
  }
  TRY(require(ws, i + 3, "FUNCTION [GLOBAL] \"name\" timeout \"help\""));
  x.name = std::string{ws[i]};
  TRY(opt_i64(ws, i + 1, x.timeout, 10, "timeout"));
  x.help = std::string{ws[i + 2]};
  return command{std::move(x)};
}

expected<command> parse_variable(const words& ws) {
  variable x;
  size_t i = 1;
  auto scope = ws[1];
  if (scope == "HOST")
    x.scope = variable_scope::host;
  else if (scope == "GLOBAL")
    x.scope = variable_scope::global;
  else if (scope == "CHART")
    x.scope = variable_scope::chart;
  else if (scope == "LOCAL")
    x.scope = variable_scope::local;
  if (x.scope != variable_scope::none)
    i = 2;
  if (ws.size() <= i || ws[i].empty())
    return bad(i, "VARIABLE without a name");
  x.name = std::string{ws[i]};
  if (ws.size() > i + 1 && !ws[i + 1].empty())
    x.value = to_decimal(ws[i + 1]);
  return command{std::move(x)};
}

expected<command> parse_label(const words& ws) {
  TRY(require(ws, 4, "LABEL \"name\" = source \"value\""));
  label x;
  x.name = std::string{ws[1]};
  TRY(opt_i64(ws, 2, x.source, 0, "label source"));
  x.value = std::string{ws[3]};
  // Unquoted values with spaces arrive as several words.
  for (size_t i = 4; i < ws.size(); ++i) {
    x.value += ' ';
    x.value += ws[i];
  }
  return command{std::move(x)};
}

expected<command> parse_claimed_id(const words& ws) {
  TRY(require(ws, 3, "CLAIMED_ID machine_guid claim_id"));
  if (!is_valid_machine_guid(ws[1]))
    return bad(1, "CLAIMED_ID machine GUID is not a UUID");
  claimed_id x;
  x.machine_guid = std::string{ws[1]};
  if (ws[2] != "NULL") {
    if (!is_valid_machine_guid(ws[2]))
      return bad(2, "CLAIMED_ID claim id is not a UUID");
    x.claim_id = std::string{ws[2]};
  }
  return command{std::move(x)};
}

} // namespace

expected<command> parse_command(const words& ws, direction dir) {
  if (ws.empty())
    return error{ec::malformed, "empty line", 0};
  auto kw = ws[0];
  // The hot path first: data lines.
  if (kw == "SET") {
    TRY(require(ws, 2, "SET \"dim\" = value"));
    if (ws[1].empty())
      return bad(1, "SET without a dimension id");
    set x;
    x.dimension_id = std::string{ws[1]};
    if (ws.size() > 2 && !ws[2].empty()) {
      int64_t v = 0;
      if (!parse_decimal(ws[2], v))
        return bad(2,
                   "SET value is not an integer: '" + std::string{ws[2]} + "'");
      x.value = v;
    }
    return command{std::move(x)};
  }
  if (kw == "BEGIN") {
    TRY(require(ws, 2, "BEGIN \"type.id\" [microseconds]"));
    if (ws[1].empty())
      return bad(1, "BEGIN without a chart id");
    begin x;
    x.chart_id = std::string{ws[1]};
    if (ws.size() > 2 && !ws[2].empty()) {
      uint64_t us = 0;
      if (!parse_decimal(ws[2], us))
        return bad(2, "BEGIN microseconds is not a number");
      x.microseconds = us;
    }
    return command{std::move(x)};
  }
  if (kw == "END")
    return command{end{}};
  if (kw == "RSET")
    return parse_rset(ws);
  if (kw == "RBEGIN")
    return parse_rbegin(ws);
  if (kw == "CHART")
    return parse_chart(ws);
  if (kw == "DIMENSION")
    return parse_dimension(ws);
  if (kw == "CLABEL") {
    TRY(require(ws, 3, "CLABEL \"name\" \"value\" source"));
    clabel x;
    x.name = std::string{ws[1]};
    x.value = std::string{ws[2]};
    TRY(opt_i64(ws, 3, x.source, 0, "label source"));
    return command{std::move(x)};
  }
  if (kw == "CLABEL_COMMIT")
    return command{clabel_commit{}};
  if (kw == "CHART_DEFINITION_END") {
    chart_definition_end x;
    TRY(opt_i64(ws, 1, x.first_entry, 0, "first entry"));
    TRY(opt_i64(ws, 2, x.last_entry, 0, "last entry"));
    TRY(opt_i64(ws, 3, x.child_now, 0, "child now"));
    return command{x};
  }
  if (kw == "VARIABLE")
    return parse_variable(ws);
  if (kw == "FUNCTION")
    return parse_function(ws, dir);
  if (kw == "LABEL")
    return parse_label(ws);
  if (kw == "OVERWRITE")
    return command{overwrite{std::string{ws[1]}}};
  if (kw == "CLAIMED_ID")
    return parse_claimed_id(ws);
  if (kw == "REPLAY_CHART")
    return parse_replay_chart(ws);
  if (kw == "RDSTATE")
    return parse_rdstate(ws);
  if (kw == "RSSTATE") {
    rsstate x;
    TRY(opt_u64(ws, 1, x.last_collected_ut, 0, "last collected time"));
    TRY(opt_u64(ws, 2, x.last_updated_ut, 0, "last updated time"));
    return command{x};
  }
  if (kw == "REND")
    return parse_rend(ws);
  if (kw == "FUNCTION_RESULT_BEGIN")
    return parse_function_result_begin(ws);
  if (kw == "FUNCTION_RESULT_END")
    return command{function_result_end{}};
  if (kw == "FLUSH")
    return command{flush{}};
  if (kw == "DISABLE")
    return command{disable{}};
  std::string name{kw.substr(0, 64)};
  return error{ec::unknown_command, "unknown command '" + name + "'", 0};
}

expected<command> parse_line(std::string_view line, direction dir) {
  words ws;
  tokenize(line, ws);
  return parse_command(ws, dir);
}

#undef TRY

} // namespace tributary::protocol
