#include "storage/compressed_ring.hpp"

#include "storage/slot_page.hpp"

#include <algorithm>
#include <string_view>

namespace tributary::storage {

namespace {

// Keeps a page's encoding (at most 44 bits a slot) within a uint16_t.
constexpr size_t max_page_slots = 8192;

} // namespace

compressed_ring::compressed_ring(size_t capacity, int update_every,
                                 size_t page_slots, size_t chunk_slots)
    : ring_extent(capacity, update_every),
      chunk_slots_(static_cast<uint32_t>(
          std::clamp<size_t>(chunk_slots, 1, max_page_slots))),
      open_(chunk_slots_, sn_empty_slot) {
  auto p = std::clamp<size_t>(page_slots, 1, max_page_slots);
  page_slots_ = static_cast<uint32_t>((p + chunk_slots_ - 1) / chunk_slots_
                                      * chunk_slots_);
}

dimension_ring::position compressed_ring::where() const noexcept {
  if (size_ == 0)
    return {};
  return {(end_ - 1) % capacity_, size_, last_time_s_};
}

bool compressed_ring::put(const sample& x) {
  if (x.time_s <= 0 || capacity_ == 0)
    return false;
  auto packed = pack(x.value, x.flags);
  auto ue = static_cast<int64_t>(update_every_);
  if (size_ > 0 && x.time_s < last_time_s_) {
    auto back = (last_time_s_ - x.time_s + ue - 1) / ue;
    if (back >= static_cast<int64_t>(size_))
      return false;
    set(end_ - 1 - static_cast<uint64_t>(back), packed);
    return true;
  }
  auto steps = size_ == 0 ? 0 : (x.time_s - last_time_s_) / ue;
  if (size_ > 0 && steps == 0) {
    open_[(end_ - 1) % chunk_slots_] = packed;
    return true;
  }
  if (size_ == 0 || steps >= static_cast<int64_t>(capacity_)) {
    // Empty, or everything held is older than the retention: restart at `x`.
    auto new_last = size_ == 0 ? x.time_s : last_time_s_ + steps * ue;
    clear();
    open_[0] = packed;
    end_ = 1;
    size_ = 1;
    last_time_s_ = new_last;
    return true;
  }
  advance(static_cast<uint64_t>(steps), packed);
  size_ = std::min(capacity_, size_ + static_cast<size_t>(steps));
  last_time_s_ += steps * ue;
  drop_old_pages();
  return true;
}

size_t compressed_ring::put_many(const sample* xs, size_t n) {
  size_t stored = 0;
  auto ue = static_cast<int64_t>(update_every_);
  for (size_t i = 0; i < n; ++i) {
    const auto& x = xs[i];
    if (size_ > 0 && x.time_s == last_time_s_ + ue) {
      // The next slot: seal() may stage, nothing here decodes a page.
      staging_ = true;
      advance(1, pack(x.value, x.flags));
      size_ = std::min(capacity_, size_ + 1);
      last_time_s_ += ue;
      drop_old_pages();
      ++stored;
      continue;
    }
    staging_ = false;
    flush_staged();
    if (put(x))
      ++stored;
  }
  staging_ = false;
  flush_staged();
  return stored;
}

void compressed_ring::advance(uint64_t steps, storage_number x) {
  for (uint64_t i = 1; i <= steps; ++i) {
    if (end_ % chunk_slots_ == 0)
      seal();
    open_[end_ % chunk_slots_] = i == steps ? x : sn_empty_slot;
    ++end_;
  }
}

size_t compressed_ring::slots_in(uint64_t p) const noexcept {
  auto start = p * page_slots_;
  return static_cast<size_t>(
      std::min<uint64_t>(page_slots_, chunk_start() - start));
}

void compressed_ring::seal() {
  auto start = chunk_start();
  auto p = page_of(start);
  if (staging_) {
    if (start % page_slots_ == 0) {
      staged_is_new_ = true;
      staged_page_ = p;
      staged_.clear();
      staged_.reserve(page_slots_);
    } else if (staged_.empty()) {
      staged_is_new_ = false;
      staged_.resize(page_slots_);
      staged_.resize(decode_page(page_bytes_.size() - 1, staged_.data()));
    }
    staged_.insert(staged_.end(), open_.begin(), open_.end());
    if (staged_.size() == page_slots_)
      flush_staged();
    std::fill(open_.begin(), open_.end(), sn_empty_slot);
    return;
  }
  if (start % page_slots_ == 0) {
    if (page_bytes_.empty())
      first_page_ = p;
    if (page_bytes_.size() == page_bytes_.capacity())
      page_bytes_.reserve(capacity_ / page_slots_ + 2);
    page_bytes_.push_back(0);
    replace_page(page_bytes_.size() - 1,
                 encode_slot_page(open_.data(), open_.size()));
  } else {
    // The chunk joins the partial newest page.
    std::vector<storage_number> page(page_slots_);
    auto n = decode_page(page_bytes_.size() - 1, page.data());
    std::copy(open_.begin(), open_.end(), page.begin() + static_cast<long>(n));
    replace_page(page_bytes_.size() - 1,
                 encode_slot_page(page.data(), n + open_.size()));
  }
  std::fill(open_.begin(), open_.end(), sn_empty_slot);
}

void compressed_ring::flush_staged() {
  if (staged_.empty())
    return;
  auto bytes = encode_slot_page(staged_.data(), staged_.size());
  if (staged_is_new_) {
    if (page_bytes_.empty())
      first_page_ = staged_page_;
    if (page_bytes_.size() == page_bytes_.capacity())
      page_bytes_.reserve(capacity_ / page_slots_ + 2);
    page_bytes_.push_back(0);
  }
  replace_page(page_bytes_.size() - 1, bytes);
  // Its room goes too: thousands of rings would keep a page each.
  staged_ = std::vector<storage_number>();
}

void compressed_ring::replace_page(size_t i, const std::string& bytes) {
  auto off = static_cast<long>(page_offset(i));
  auto old_end = off + static_cast<long>(page_bytes_[i]);
  auto need = sealed_.size() - page_bytes_[i] + bytes.size();
  if (need > sealed_.capacity()) {
    // Room for one more average page: adding comes before dropping.
    sealed_.reserve(need + std::max(bytes.size(), need / page_bytes_.size()));
  }
  sealed_.erase(sealed_.begin() + off, sealed_.begin() + old_end);
  sealed_.insert(sealed_.begin() + off, bytes.begin(), bytes.end());
  page_bytes_[i] = static_cast<uint16_t>(bytes.size());
}

void compressed_ring::drop_old_pages() {
  auto oldest = end_ - size_;
  size_t drop = 0;
  size_t bytes = 0;
  while (drop < page_bytes_.size()
         && (first_page_ + drop + 1) * page_slots_ <= oldest) {
    bytes += page_bytes_[drop];
    ++drop;
  }
  if (drop == 0)
    return;
  sealed_.erase(sealed_.begin(), sealed_.begin() + static_cast<long>(bytes));
  page_bytes_.erase(page_bytes_.begin(),
                    page_bytes_.begin() + static_cast<long>(drop));
  first_page_ += drop;
}

size_t compressed_ring::page_offset(size_t i) const noexcept {
  size_t off = 0;
  for (size_t k = 0; k < i; ++k)
    off += page_bytes_[k];
  return off;
}

size_t compressed_ring::decode_page(size_t i, storage_number* out) const {
  auto n = slots_in(first_page_ + i);
  auto off = page_offset(i);
  std::string_view bytes{reinterpret_cast<const char*>(sealed_.data()) + off,
                         page_bytes_[i]};
  if (!decode_slot_page(bytes, out, n))
    std::fill(out, out + n, sn_empty_slot); // cannot happen
  return n;
}

void compressed_ring::set(uint64_t s, storage_number x) {
  if (s >= chunk_start()) {
    open_[s - chunk_start()] = x;
    return;
  }
  auto i = static_cast<size_t>(page_of(s) - first_page_);
  std::vector<storage_number> page(page_slots_);
  auto n = decode_page(i, page.data());
  if (page[s % page_slots_] == x)
    return;
  page[s % page_slots_] = x;
  replace_page(i, encode_slot_page(page.data(), n));
}

void compressed_ring::restore(const std::vector<storage_number>& slots,
                              int64_t last_time_s) {
  clear();
  if (slots.empty() || last_time_s <= 0)
    return;
  auto n = std::min(slots.size(), capacity_);
  for (auto i = slots.size() - n; i < slots.size(); ++i) {
    if (end_ > 0 && end_ % chunk_slots_ == 0)
      seal();
    open_[end_ % chunk_slots_] = slots[i];
    ++end_;
  }
  size_ = n;
  last_time_s_ = last_time_s;
}

void compressed_ring::read(uint64_t from, uint64_t to,
                           std::vector<storage_number>& out) const {
  auto chunk = chunk_start();
  std::vector<storage_number> page;
  uint64_t decoded = UINT64_MAX;
  out.reserve(out.size() + (to - from));
  for (auto s = from; s < to; ++s) {
    auto p = page_of(s);
    if (s >= chunk) {
      out.push_back(open_[s - chunk]);
      continue;
    }
    if (p != decoded) {
      page.resize(page_slots_);
      decode_page(static_cast<size_t>(p - first_page_), page.data());
      decoded = p;
    }
    out.push_back(page[s % page_slots_]);
  }
}

std::vector<sample> compressed_ring::range(int64_t after_s,
                                           int64_t before_s) const {
  std::vector<sample> out;
  if (size_ == 0 || after_s > before_s || before_s < first_time_s()
      || after_s > last_time_s_)
    return out;
  auto ue = static_cast<int64_t>(update_every_);
  auto first_t = first_time_s();
  auto from = end_ - size_;
  if (after_s > first_t)
    from += static_cast<uint64_t>((after_s - first_t + ue - 1) / ue);
  auto to = end_;
  if (before_s < last_time_s_)
    to -= static_cast<uint64_t>((last_time_s_ - before_s + ue - 1) / ue);
  if (from >= to)
    return out;
  std::vector<storage_number> words;
  read(from, to, words);
  out.reserve(words.size());
  auto t = last_time_s_ - static_cast<int64_t>(end_ - from - 1) * ue;
  for (auto x : words) {
    out.push_back(to_sample(t, x));
    t += ue;
  }
  return out;
}

std::vector<storage_number> compressed_ring::raw() const {
  std::vector<storage_number> out;
  if (size_ > 0)
    read(end_ - size_, end_, out);
  return out;
}

size_t compressed_ring::heap_bytes() const noexcept {
  return sealed_.capacity() + page_bytes_.capacity() * sizeof(uint16_t)
         + (open_.capacity() + staged_.capacity()) * sizeof(storage_number);
}

void compressed_ring::clear() noexcept {
  sealed_ = std::vector<uint8_t>();
  page_bytes_ = std::vector<uint16_t>();
  staged_ = std::vector<storage_number>();
  std::fill(open_.begin(), open_.end(), sn_empty_slot);
  size_ = 0;
  last_time_s_ = 0;
  end_ = 0;
  first_page_ = 0;
}

} // namespace tributary::storage
