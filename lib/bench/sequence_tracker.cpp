#include "bench/sequence_tracker.hpp"

#include <algorithm>
#include <bit>

namespace mq::bench {

std::uint64_t SequenceTracker::missing_in_window() const {
  // Bits of numbers below first_ are never set, so the set bits are exactly
  // the arrivals among the expected numbers of the window.
  const std::uint64_t low = next_ >= first_ + kWindow ? next_ - kWindow : first_;
  std::uint64_t arrived = 0;
  if (bits_)
    for (std::size_t k = 0; k < kWords; ++k) arrived += static_cast<std::uint64_t>(std::popcount(bits_[k]));
  return (next_ - low) - arrived;
}

SequenceTracker::Arrival SequenceTracker::observe_slow(std::uint64_t seq) {
  if (!bits_) bits_ = std::make_unique<std::uint64_t[]>(kWords);  // zeroed; once per tracker
  if (seq < first_) {
    ++counts_.too_old;
    return Arrival::too_old;
  }
  if (seq < next_) {
    if (seq + kWindow < next_) {
      ++counts_.too_old;
      return Arrival::too_old;
    }
    if (test(seq)) {
      ++counts_.duplicates;
      return Arrival::duplicate;
    }
    set(seq);
    ++counts_.reordered;
    return Arrival::reordered;
  }
  // seq >= next_: the window moves up to seq; every number passed over is
  // missing for now, and what leaves the window unseen is lost.
  const bool gap = seq != next_;
  if (seq - next_ >= kWindow) {
    counts_.lost += missing_in_window();
    counts_.lost += seq - kWindow + 1 - next_;  // skipped numbers already out of the new window
    clear_all();
  } else {
    for (std::uint64_t y = next_; y <= seq; ++y) {
      if (y >= first_ + kWindow && !test(y)) ++counts_.lost;  // y - kWindow leaves unseen
      clear(y);
    }
  }
  set(seq);
  next_ = seq + 1;
  return gap ? Arrival::after_gap : Arrival::in_order;
}

void SequenceTracker::finish(std::uint64_t sent) {
  counts_.lost += missing_in_window();
  if (sent > next_) counts_.lost += sent - next_;
  clear_all();
  next_ = std::max(next_, sent);
  first_ = next_;  // a second call finds nothing left to count
}

}  // namespace mq::bench
