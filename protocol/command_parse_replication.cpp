// Words -> the replication commands and FUNCTION_RESULT_BEGIN (docs/protocol.md
// "Commands", "Replication replies").

#include "protocol/command_parse_detail.hpp"
#include "protocol/handshake.hpp"

namespace tributary::protocol::command_parse_detail {

#define TRY(expr)                                                              \
  if (auto err_ = (expr))                                                      \
  return err_

expected<command> parse_rbegin(const words& ws) {
  TRY(require(ws, 2, "RBEGIN \"type.id\" [start end [now]]"));
  rbegin x;
  x.chart_id = std::string{ws[1]};
  if (ws.size() >= 4) {
    x.has_times = true;
    TRY(opt_i64(ws, 2, x.point_start, 0, "point start"));
    TRY(opt_i64(ws, 3, x.point_end, 0, "point end"));
    if (ws.size() >= 5 && !ws[4].empty()) {
      int64_t now = 0;
      TRY(opt_i64(ws, 4, now, 0, "child now"));
      x.child_now = now;
    }
  } else if (x.chart_id.empty()) {
    return bad(1, "RBEGIN without a chart id or times");
  }
  return command{std::move(x)};
}

expected<command> parse_rset(const words& ws) {
  TRY(require(ws, 2, "RSET \"dim\" value \"flags\""));
  if (ws[1].empty())
    return bad(1, "RSET without a dimension id");
  rset x;
  x.dimension_id = std::string{ws[1]};
  if (ws.size() > 2)
    x.value = to_decimal(ws[2]);
  else
    x.value.value = std::numeric_limits<double>::quiet_NaN();
  x.flags = std::string{ws[3]};
  return command{std::move(x)};
}

expected<command> parse_rdstate(const words& ws) {
  TRY(require(ws, 2, "RDSTATE \"dim\" ut collected calculated stored"));
  if (ws[1].empty())
    return bad(1, "RDSTATE without a dimension id");
  rdstate x;
  x.dimension_id = std::string{ws[1]};
  TRY(opt_u64(ws, 2, x.last_collected_ut, 0, "last collected time"));
  TRY(opt_i64(ws, 3, x.last_collected_value, 0, "last collected value"));
  x.last_calculated_value = ws.size() > 4 ? to_decimal(ws[4]) : decimal{0.0};
  x.last_stored_value = ws.size() > 5 ? to_decimal(ws[5]) : decimal{0.0};
  return command{std::move(x)};
}

expected<command> parse_rend(const words& ws) {
  TRY(require(ws, 7,
              "REND update_every first last true|false after before "
              "[now]"));
  rend x;
  TRY(opt_i64(ws, 1, x.update_every, 0, "update_every"));
  TRY(opt_i64(ws, 2, x.db_first, 0, "first entry"));
  TRY(opt_i64(ws, 3, x.db_last, 0, "last entry"));
  x.start_streaming = ws[4] == "true";
  TRY(opt_i64(ws, 5, x.requested_after, 0, "after"));
  TRY(opt_i64(ws, 6, x.requested_before, 0, "before"));
  if (ws.size() > 7 && !ws[7].empty()) {
    int64_t now = 0;
    TRY(opt_i64(ws, 7, now, 0, "child now"));
    x.child_now = now;
  }
  return command{x};
}

expected<command> parse_replay_chart(const words& ws) {
  TRY(require(ws, 2, "REPLAY_CHART \"type.id\" \"true|false\" after before"));
  replay_chart x;
  x.chart_id = std::string{ws[1]};
  x.start_streaming = ws[2] == "true";
  TRY(opt_i64(ws, 3, x.after, 0, "after"));
  TRY(opt_i64(ws, 4, x.before, 0, "before"));
  return command{std::move(x)};
}

expected<command> parse_function_result_begin(const words& ws) {
  TRY(require(ws, 2, "FUNCTION_RESULT_BEGIN transaction code type expires"));
  function_result_begin x;
  x.transaction = std::string{ws[1]};
  TRY(opt_i64(ws, 2, x.code, 0, "code"));
  x.content_type = std::string{ws[3]};
  TRY(opt_i64(ws, 4, x.expires, 0, "expires"));
  return command{std::move(x)};
}

#undef TRY

} // namespace tributary::protocol::command_parse_detail
