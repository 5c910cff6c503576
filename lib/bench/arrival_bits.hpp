#pragma once
/// Which sequence numbers of one publisher one subscriber (or one shared
/// subscription group) has seen: one bit per message, so loss, duplicates
/// and reordering are exact, with no allocation per message (the bitmap
/// doubles when it fills).

#include <cstdint>
#include <algorithm>
#include <vector>

namespace mq::bench {

/// The arrivals of one publisher's messages at one sink.
class ArrivalBits {
 public:
  /// What one arrival was.
  enum class Arrival : std::uint8_t { InOrder, Reordered, Duplicate };
  /// Records sequence number `seq`.
  Arrival add(std::uint64_t seq) {
    const std::uint64_t word = seq >> 6;
    if (word >= bits_.size()) bits_.resize(std::max<std::size_t>(word + 1, bits_.size() * 2), 0);
    const std::uint64_t mask = std::uint64_t{1} << (seq & 63);
    if (bits_[word] & mask) return Arrival::Duplicate;
    bits_[word] |= mask;
    ++distinct_;
    if (seq + 1 >= next_) {
      next_ = seq + 1;
      return Arrival::InOrder;
    }
    return Arrival::Reordered;
  }
  /// Distinct sequence numbers seen.
  std::uint64_t distinct() const { return distinct_; }
  /// One past the highest sequence number seen.
  std::uint64_t next() const { return next_; }

 private:
  std::vector<std::uint64_t> bits_;
  std::uint64_t distinct_ = 0;
  std::uint64_t next_ = 0;
};

}  // namespace mq::bench
