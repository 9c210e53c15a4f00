#pragma once

// How long an actor's handler took, measured inside the handler (CAF 0.17
// has no hook around handlers): a log2 histogram of nanoseconds, fed by a
// steady_clock read before and after every Kth message only, so that most
// messages on the rows' path read no clock. Plain C++: no CAF, no globals.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

namespace tributary {

/// Counts of durations in log2 buckets: bucket b holds [2^b, 2^(b+1)) ns.
class latency_histogram {
public:
  static constexpr int buckets = 36; // up to 2^36 ns, about 69 s

  void add(uint64_t ns) {
    int b = 0;
    while (b + 1 < buckets && (ns >> (b + 1)) != 0)
      ++b;
    ++counts_[static_cast<size_t>(b)];
    ++total_;
  }

  uint64_t count() const {
    return total_;
  }

  /// The upper edge (ns) of the bucket holding quantile `q` (0 < q <= 1),
  /// or 0 without a sample.
  uint64_t quantile_ns(double q) const {
    if (total_ == 0)
      return 0;
    auto rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (static_cast<double>(rank) < q * static_cast<double>(total_))
      ++rank;
    if (rank == 0)
      rank = 1;
    uint64_t seen = 0;
    for (size_t b = 0; b < counts_.size(); ++b) {
      seen += counts_[b];
      if (seen >= rank)
        return uint64_t{2} << b;
    }
    return uint64_t{2} << (buckets - 1);
  }

  void reset() {
    counts_.fill(0);
    total_ = 0;
  }

private:
  std::array<uint32_t, buckets> counts_{};
  uint64_t total_ = 0;
};

/// One actor's handling time: times every `every`th message. The histogram
/// is allocated on the first timed message, so an idle actor (a parent has
/// 100,000 idle charts) costs a pointer and a counter.
class handling_time {
public:
  explicit handling_time(uint32_t every = 16)
      : every_(every == 0 ? 1 : every) {}

  /// True when this message is to be timed.
  bool due() {
    if (++seen_ < every_)
      return false;
    seen_ = 0;
    return true;
  }

  void add(uint64_t ns) {
    if (!hist_)
      hist_ = std::make_unique<latency_histogram>();
    hist_->add(ns);
  }

  /// p50 and p99 in microseconds since the last take (negative: no message
  /// was timed), then starts a new interval.
  std::pair<double, double> take() {
    if (!hist_ || hist_->count() == 0)
      return {-1.0, -1.0};
    auto p50 = static_cast<double>(hist_->quantile_ns(0.5)) / 1000.0;
    auto p99 = static_cast<double>(hist_->quantile_ns(0.99)) / 1000.0;
    hist_->reset();
    return {p50, p99};
  }

private:
  std::unique_ptr<latency_histogram> hist_;
  uint32_t every_;
  uint32_t seen_ = 0;
};

/// Times the enclosing scope into `t` if this message is due.
class timed_handler {
public:
  explicit timed_handler(handling_time& t) : t_(t.due() ? &t : nullptr) {
    if (t_ != nullptr)
      start_ = std::chrono::steady_clock::now();
  }
  timed_handler(const timed_handler&) = delete;
  timed_handler& operator=(const timed_handler&) = delete;
  ~timed_handler() {
    if (t_ == nullptr)
      return;
    auto d = std::chrono::steady_clock::now() - start_;
    t_->add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()));
  }

private:
  handling_time* t_;
  std::chrono::steady_clock::time_point start_{};
};

} // namespace tributary
