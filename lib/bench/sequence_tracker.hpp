#pragma once
/// Loss, duplicates and reordering of one publisher's messages as one
/// receiver (a subscriber, or a shared-subscription group as a whole) sees
/// them, from the sequence numbers in the payload. O(1) per in-order
/// message, no allocation per message, and fixed memory whatever the run's
/// length: a 64 Ki-bit window (8 KiB, allocated at the first arrival, so a
/// tracker for a publisher that never shows up costs only the object).
/// 65,536 numbers cover a closed-loop window of up to 65,535 messages and
/// more than 30 ms of a 2,000,000 msg/s publisher: reordering by a broker
/// stays far inside it.
///
/// The window remembers which of the last kWindow sequence numbers arrived.
/// A number missing when it leaves the window is counted lost then, so the
/// counts only ever grow (interval deltas never go negative) and a message
/// that arrives late but within the window is counted reordered, not lost.
/// finish() counts what the publisher sent that never came. An arrival
/// more than kWindow numbers behind the newest cannot be told from a
/// duplicate: it was counted lost when it left the window, and is then
/// counted again in too_old (a late arrival), never silently dropped.

#include <cstdint>
#include <algorithm>
#include <memory>

namespace mq::bench {

/// What a tracker has counted so far.
struct SequenceCounts {
  std::uint64_t received = 0;    ///< every arrival, duplicates included
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;   ///< arrived after a higher number, within the window
  std::uint64_t too_old = 0;     ///< arrived more than kWindow behind the newest
  bool operator==(const SequenceCounts&) const = default;
};

class SequenceTracker {
 public:
  static constexpr std::uint64_t kWindow = 65536;

  /// How one arrival was classified.
  enum class Arrival : std::uint8_t { in_order, after_gap, reordered, duplicate, too_old };

  /// `first` is the first sequence number the publisher sends (0); numbers
  /// below it are not expected and are counted too_old.
  explicit SequenceTracker(std::uint64_t first = 0) : first_(first), next_(first) {}

  /// Classifies and counts one arrival.
  Arrival observe(std::uint64_t seq) {
    ++counts_.received;
    if (seq == next_ && seq >= first_ + kWindow) {  // the common case: the next number, window full
      std::uint64_t& word = bits_[(seq % kWindow) / 64];
      const std::uint64_t bit = std::uint64_t{1} << (seq % 64);
      if ((word & bit) == 0) ++counts_.lost;  // seq - kWindow never came
      word |= bit;
      ++next_;
      return Arrival::in_order;
    }
    return observe_slow(seq);
  }

  /// The publisher sent sequence numbers first .. sent - 1: whatever of
  /// them has not arrived is lost. Call once, after the last arrival.
  void finish(std::uint64_t sent);

  const SequenceCounts& counts() const { return counts_; }
  /// The next number expected in order (one above the highest seen).
  std::uint64_t next_expected() const { return next_; }

 private:
  Arrival observe_slow(std::uint64_t seq);
  bool test(std::uint64_t seq) const { return (bits_[(seq % kWindow) / 64] >> (seq % 64)) & 1; }
  void set(std::uint64_t seq) { bits_[(seq % kWindow) / 64] |= std::uint64_t{1} << (seq % 64); }
  void clear(std::uint64_t seq) { bits_[(seq % kWindow) / 64] &= ~(std::uint64_t{1} << (seq % 64)); }
  void clear_all() {
    if (bits_) std::fill_n(bits_.get(), kWords, std::uint64_t{0});
  }
  // Numbers in the window that have not arrived (and are expected at all).
  std::uint64_t missing_in_window() const;

  std::uint64_t first_;
  std::uint64_t next_;  // one above the highest number seen; the window is next_ - kWindow .. next_ - 1
  SequenceCounts counts_;
  static constexpr std::size_t kWords = kWindow / 64;
  std::unique_ptr<std::uint64_t[]> bits_;  // kWords words once anything arrived
};

}  // namespace mq::bench
