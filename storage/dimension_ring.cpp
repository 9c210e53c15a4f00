#include "storage/dimension_ring.hpp"

#include <algorithm>

namespace tributary::storage {

dimension_ring::dimension_ring(size_t capacity, int update_every)
    : ring_extent(capacity, update_every), owned_(capacity, sn_empty_slot),
      slots_(owned_.data()) {
  // nop
}

dimension_ring::dimension_ring(storage_number* slots, size_t capacity,
                               int update_every, position at)
    : ring_extent(capacity, update_every), slots_(slots) {
  if (capacity_ == 0 || at.size == 0 || at.last_time_s <= 0) {
    clear();
    return;
  }
  head_ = static_cast<size_t>(at.head % capacity_);
  size_ = static_cast<size_t>(std::min<uint64_t>(at.size, capacity_));
  last_time_s_ = at.last_time_s;
}

dimension_ring::dimension_ring(const dimension_ring& other)
    : ring_extent(other), owned_(other.slots_, other.slots_ + other.capacity_),
      slots_(owned_.data()), head_(other.head_) {
  // A copy always owns its slots.
}

dimension_ring::dimension_ring(dimension_ring&& other) noexcept
    : ring_extent(other), owned_(std::move(other.owned_)),
      slots_(owned_.empty() ? other.slots_ : owned_.data()),
      head_(other.head_) {
  // nop
}

dimension_ring& dimension_ring::operator=(const dimension_ring& other) {
  if (this != &other)
    *this = dimension_ring{other};
  return *this;
}

dimension_ring& dimension_ring::operator=(dimension_ring&& other) noexcept {
  ring_extent::operator=(other);
  owned_ = std::move(other.owned_);
  slots_ = owned_.empty() ? other.slots_ : owned_.data();
  head_ = other.head_;
  return *this;
}

size_t dimension_ring::index(size_t back) const noexcept {
  auto n = capacity_;
  return (head_ + n - back % n) % n;
}

bool dimension_ring::put(const sample& x) {
  if (x.time_s <= 0 || capacity_ == 0)
    return false;
  auto packed = pack(x.value, x.flags);
  if (size_ == 0) {
    head_ = 0;
    size_ = 1;
    last_time_s_ = x.time_s;
    slots_[head_] = packed;
    return true;
  }
  auto ue = static_cast<int64_t>(update_every_);
  if (x.time_s >= last_time_s_) {
    auto steps = (x.time_s - last_time_s_) / ue;
    if (steps == 0) {
      slots_[head_] = packed;
      return true;
    }
    auto cap = static_cast<int64_t>(capacity_);
    if (steps >= cap) {
      // Everything held is older than the retention: restart at `x`.
      auto new_last = last_time_s_ + steps * ue;
      clear();
      head_ = 0;
      size_ = 1;
      last_time_s_ = new_last;
      slots_[head_] = packed;
      return true;
    }
    for (int64_t i = 1; i < steps; ++i) {
      head_ = (head_ + 1) % capacity_;
      slots_[head_] = sn_empty_slot;
    }
    head_ = (head_ + 1) % capacity_;
    slots_[head_] = packed;
    size_ = std::min(capacity_, size_ + static_cast<size_t>(steps));
    last_time_s_ += steps * ue;
    return true;
  }
  auto back = (last_time_s_ - x.time_s + ue - 1) / ue;
  if (back >= static_cast<int64_t>(size_))
    return false;
  slots_[index(static_cast<size_t>(back))] = packed;
  return true;
}

void dimension_ring::restore(const std::vector<storage_number>& slots,
                             int64_t last_time_s) {
  clear();
  if (slots.empty() || last_time_s <= 0)
    return;
  auto n = std::min(slots.size(), capacity_);
  auto first = slots.size() - n;
  for (size_t i = 0; i < n; ++i)
    slots_[i] = slots[first + i];
  head_ = n - 1;
  size_ = n;
  last_time_s_ = last_time_s;
}

std::vector<sample> dimension_ring::range(int64_t after_s,
                                          int64_t before_s) const {
  std::vector<sample> out;
  if (size_ == 0 || after_s > before_s)
    return out;
  auto ue = static_cast<int64_t>(update_every_);
  for (size_t k = size_; k-- > 0;) {
    auto t = last_time_s_ - static_cast<int64_t>(k) * ue;
    if (t < after_s)
      continue;
    if (t > before_s)
      break;
    out.push_back(to_sample(t, slots_[index(k)]));
  }
  return out;
}

std::vector<storage_number> dimension_ring::raw() const {
  std::vector<storage_number> out;
  out.reserve(size_);
  for (size_t k = size_; k-- > 0;)
    out.push_back(slots_[index(k)]);
  return out;
}

void dimension_ring::clear() noexcept {
  std::fill(slots_, slots_ + capacity_, sn_empty_slot);
  head_ = 0;
  size_ = 0;
  last_time_s_ = 0;
}

} // namespace tributary::storage
