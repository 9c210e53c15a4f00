#include "health/health_log.hpp"

#include <algorithm>

namespace tributary::health {

namespace {

bool is_raised(status s) {
  return s == status::warning || s == status::critical;
}

/// Spec §3.7 points 1-4 for `e`, `sent` being the newest older entry of the
/// same alert that ran the notifier (none for a repeat entry).
bool notifies_after(const log_entry& e, const log_entry* sent) {
  auto s = e.new_status;
  if (s == status::uninitialized || s == status::undefined
      || s == status::removed)
    return false;
  bool no_clear = (e.flags & entry_flag::no_clear_notification) != 0;
  if (s == status::clear && no_clear)
    return false;
  if (!no_clear) {
    // Only the first notification of a status, and CLEAR only after a sent
    // WARNING or CRITICAL, or (a repeat entry, RUN_ONCE) right after one.
    if (sent != nullptr && sent->new_status == s)
      return false;
    if (sent == nullptr && s == status::clear
        && ((e.flags & entry_flag::run_once) == 0
            || static_cast<int>(e.old_status)
                   < static_cast<int>(status::raised)))
      return false;
  }
  return (e.flags & entry_flag::silenced) == 0;
}

} // namespace

health_log::health_log(size_t max_entries, uint32_t first_unique_id)
    : max_(std::max<size_t>(max_entries, 10)),
      next_unique_id_(std::max<uint32_t>(first_unique_id, 1)) {
  // nop
}

uint32_t health_log::alarm_id(const std::string& chart,
                              const std::string& name) {
  auto [i, added]
      = alarm_ids_.emplace(std::make_pair(chart, name), next_alarm_id_);
  if (added)
    ++next_alarm_id_;
  return i->second;
}

uint32_t health_log::add(log_entry e) {
  e.unique_id = next_unique_id_++;
  if (repeating_.count(e.alarm_id) > 0)
    e.flags |= entry_flag::is_repeating;
  e.alarm_event_id = next_event_id(e.alarm_id);
  const log_entry* previous = nullptr;
  for (auto& old : entries_)
    if (old.alarm_id == e.alarm_id) {
      previous = &old;
      break;
    }
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

uint32_t health_log::next_event_id(uint32_t alarm_id) {
  uint32_t id = 1;
  for (auto& old : entries_)
    if (old.alarm_id == alarm_id) {
      id = old.alarm_event_id + 1;
      break;
    }
  auto& next = next_event_ids_[alarm_id];
  id = std::max(id, next);
  next = id + 1;
  return id;
}

void health_log::set_repeating(uint32_t alarm_id, bool repeating) {
  if (repeating)
    repeating_.insert(alarm_id);
  else
    repeating_.erase(alarm_id);
}

bool health_log::take_temporary(log_entry& e) {
  e.unique_id = next_unique_id_++;
  e.alarm_event_id = next_event_id(e.alarm_id);
  e.updates_id = 0;
  e.updated_by_id = 0;
  e.non_clear_duration = is_raised(e.old_status) ? e.duration : 0;
  e.flags |= entry_flag::processed;
  if (!notifies_after(e, nullptr))
    return false;
  e.flags |= entry_flag::exec_run;
  return true;
}

bool health_log::notifies(const log_entry& e, size_t index) const {
  const log_entry* sent = nullptr;
  if ((e.flags & entry_flag::no_clear_notification) == 0)
    for (auto i = index + 1; i < entries_.size(); ++i)
      if (entries_[i].alarm_id == e.alarm_id
          && (entries_[i].flags & entry_flag::exec_run) != 0) {
        sent = &entries_[i];
        break;
      }
  return notifies_after(e, sent);
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
