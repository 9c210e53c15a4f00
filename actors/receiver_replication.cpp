#include "actors/receiver_steps.hpp"

#include <algorithm>
#include <caf/all.hpp>

namespace tributary::receiver_steps {

namespace {

/// Sends the REPLAY_CHART a 1.37.1 parent sends (docs/protocol.md "Replication
/// requests"): the part of the child's retention that the host db lacks, at
/// most one step at a time; an empty request when there is nothing to ask for.
void send_replay_request(receiver_ptr self, const std::string& chart,
                         int64_t child_first, int64_t child_last,
                         int64_t child_now, bool follow_up,
                         int64_t local_last) {
  auto& st = self->state;
  auto i = st.charts.find(chart);
  if (i == st.charts.end())
    return;
  auto& entry = i->second;
  auto now = static_cast<int64_t>(st.ctx.now_usec() / 1000000);
  protocol::replay_chart r;
  r.chart_id = chart;
  r.start_streaming = true;
  auto gap_from = follow_up        ? entry.requested_before
                  : local_last > 0 ? local_last
                                   : now - st.seconds_to_replicate;
  auto gap_to = child_now > 0 ? std::max(now, child_now) : now;
  bool empty = !st.replication || child_last == 0
               || entry.def->dimensions.empty() || child_first <= 0
               || child_first > child_last || local_last > child_last;
  if (!empty) {
    auto after = std::max(child_first, gap_from);
    auto before = gap_to - after > st.replication_step
                      ? after + st.replication_step
                      : gap_to;
    before = std::min(before, child_last);
    if (after > before)
      after = before;
    r.after = after;
    r.before = before;
    r.start_streaming
        = now - after <= st.replication_step || before == child_last;
    entry.requested_before = before;
    if (!entry.replicating)
      ++st.replicating_charts;
    entry.replicating = true;
  }
  self->send(st.conn, atom::write::value, protocol::to_string(r));
}

} // namespace

void request_replication(receiver_ptr self, const std::string& chart,
                         int64_t child_first, int64_t child_last,
                         int64_t child_now, bool follow_up) {
  auto& st = self->state;
  if (!st.replication || child_last == 0)
    return send_replay_request(self, chart, child_first, child_last, child_now,
                               follow_up, 0);
  // Where our data for the chart ends decides where the gap starts.
  data_query q;
  q.chart = chart;
  q.after = -1;
  q.points = 1;
  send_pending(self);
  self->request(st.host, caf::infinite, atom::query::value, q)
      .then(
          [=](const data_result& res) {
            send_replay_request(self, chart, child_first, child_last, child_now,
                                follow_up, res.last_entry);
          },
          [=](caf::error&) {
            send_replay_request(self, chart, child_first, child_last, child_now,
                                follow_up, 0);
          });
}

} // namespace tributary::receiver_steps
