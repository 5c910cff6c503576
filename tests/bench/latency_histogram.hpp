#pragma once
/// A latency histogram in the HDR style: values (nanoseconds) fall into
/// power-of-two ranges, each split into kSubBuckets equal buckets, so every
/// recorded value is known to within 1/kSubBuckets (about 3%) whatever its
/// size, in a fixed, small table. The maximum is kept exactly.

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace mq::bench {

class LatencyHistogram {
 public:
  /// Linear buckets per power of two (a power of two itself).
  static constexpr unsigned kSubBuckets = 32;
  static constexpr unsigned kSubBits = 5;  // log2(kSubBuckets)

  /// Counts one value.
  void record(std::uint64_t ns) {
    ++counts_[index_of(ns)];
    ++total_;
    max_ = std::max(max_, ns);
  }
  /// Values recorded.
  std::uint64_t count() const { return total_; }
  /// The largest value recorded (exact).
  std::uint64_t max() const { return max_; }
  /// The value below which `fraction` (0..1) of the values lie: the upper
  /// edge of the bucket holding that rank, never above max().
  std::uint64_t percentile(double fraction) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(fraction * static_cast<double>(total_) + 0.5);
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(upper_edge(i), max_);
    }
    return max_;
  }

 private:
  // Values below kSubBuckets get a bucket each; above, a value with its top
  // bit at position b (b >= kSubBits) goes to range b - kSubBits + 1, bucket
  // given by the kSubBits bits below the top bit.
  static std::size_t index_of(std::uint64_t v) {
    if (v < kSubBuckets) return static_cast<std::size_t>(v);
    const unsigned top = 63u - static_cast<unsigned>(std::countl_zero(v));
    const unsigned range = top - kSubBits + 1;
    const std::uint64_t sub = (v >> (top - kSubBits)) & (kSubBuckets - 1);
    return range * kSubBuckets + static_cast<std::size_t>(sub);
  }
  static std::uint64_t upper_edge(std::size_t index) {
    if (index < kSubBuckets) return index;
    const unsigned range = static_cast<unsigned>(index / kSubBuckets);
    const std::uint64_t sub = index % kSubBuckets;
    const unsigned shift = range - 1;  // bucket width is 2^shift
    return ((kSubBuckets + sub + 1) << shift) - 1;
  }

  std::array<std::uint64_t, (64 - kSubBits + 1) * kSubBuckets> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace mq::bench
