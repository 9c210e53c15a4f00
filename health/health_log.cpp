#include "health/health_log.hpp"

#include <algorithm>

namespace tributary::health {

namespace {

bool is_raised(status s) {
  return s == status::warning || s == status::critical;
}

} // namespace

health_log::health_log(size_t max_entries, uint32_t first_unique_id)
  : max_(std::max<size_t>(max_entries, 10)),
    next_unique_id_(std::max<uint32_t>(first_unique_id, 1)) {
  // nop
}

uint32_t health_log::alarm_id(const std::string& chart, const std::string& name) {
  auto [i, added] = alarm_ids_.emplace(std::make_pair(chart, name), next_alarm_id_);
  if (added)
    ++next_alarm_id_;
  return i->second;
}

uint32_t health_log::add(log_entry e) {
  e.unique_id = next_unique_id_++;
  e.alarm_event_id = 1;
  const log_entry* previous = nullptr;
  for (auto& old : entries_)
    if (old.alarm_id == e.alarm_id) {
      previous = &old;
      break;
    }
  if (previous != nullptr)
    e.alarm_event_id = previous->alarm_event_id + 1;
  e.non_clear_duration = is_raised(e.old_status) ? e.duration : 0;
  if (previous != nullptr && is_raised(e.old_status)
      && is_raised(previous->old_status) && is_raised(previous->new_status))
    e.non_clear_duration += previous->non_clear_duration;
  for (auto& old : entries_)
    if (old.alarm_id == e.alarm_id && (old.flags & entry_flag::updated) == 0) {
      old.flags |= entry_flag::updated;
      old.updated_by_id = e.unique_id;
      e.updates_id = old.unique_id;
      break;
    }
  entries_.push_front(std::move(e));
  if (entries_.size() > max_)
    entries_.resize(max_ * 2 / 3);
  return entries_.front().unique_id;
}

bool health_log::notifies(const log_entry& e, size_t index) const {
  auto s = e.new_status;
  if (s == status::uninitialized || s == status::undefined || s == status::removed)
    return false;
  bool no_clear = (e.flags & entry_flag::no_clear_notification) != 0;
  if (s == status::clear && no_clear)
    return false;
  if (!no_clear) {
    // Only the first notification of a status, and CLEAR only after a sent
    // WARNING or CRITICAL.
    const log_entry* sent = nullptr;
    for (auto i = index + 1; i < entries_.size(); ++i)
      if (entries_[i].alarm_id == e.alarm_id
          && (entries_[i].flags & entry_flag::exec_run) != 0) {
        sent = &entries_[i];
        break;
      }
    if (sent != nullptr && sent->new_status == s)
      return false;
    if (sent == nullptr && s == status::clear)
      return false;
  }
  return (e.flags & entry_flag::silenced) == 0;
}

std::vector<log_entry> health_log::take_notifications(int64_t now) {
  std::vector<log_entry> due;
  for (size_t i = 0; i < entries_.size(); ++i) {
    auto& e = entries_[i];
    constexpr auto skip = entry_flag::is_repeating | entry_flag::processed
                          | entry_flag::updated;
    if ((e.flags & skip) != 0 || e.delay_up_to_timestamp > now)
      continue;
    e.flags |= entry_flag::processed;
    if (notifies(e, i)) {
      // Counted as sent at once, so that an older candidate of the same
      // alert sees it.
      e.flags |= entry_flag::exec_run;
      due.push_back(e);
    }
  }
  std::reverse(due.begin(), due.end());
  return due;
}

log_entry* health_log::find(uint32_t unique_id) {
  for (auto& e : entries_)
    if (e.unique_id == unique_id)
      return &e;
  return nullptr;
}

void health_log::mark_exec(uint32_t unique_id, int64_t when, int code) {
  if (auto* e = find(unique_id)) {
    e->flags |= entry_flag::exec_run;
    e->exec_run_timestamp = when;
    e->exec_code = code;
    if (code != 0)
      e->flags |= entry_flag::exec_failed;
  }
}

} // namespace tributary::health
