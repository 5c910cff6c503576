#pragma once
/// A latency histogram in the HDR style: values (nanoseconds) fall into
/// power-of-two ranges, each split into kSubBuckets equal buckets, so every
/// recorded value is known to within 1/kSubBuckets (under 0.8%) whatever its
/// size. Minimum, maximum, count and sum are kept exactly. Two histograms
/// merge exactly, bucket by bucket; percentiles are never averaged.
///
/// The bucket table grows to the highest bucket used (at most 58 ranges of
/// 128 counters), so an empty histogram costs a few bytes and record() only
/// allocates the first time a value reaches a range never seen before.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mq::bench {

class LatencyHistogram {
 public:
  /// Linear buckets per power of two (a power of two itself).
  static constexpr unsigned kSubBits = 7;
  static constexpr unsigned kSubBuckets = 1u << kSubBits;

  /// Counts one value (nanoseconds).
  void record(std::uint64_t ns) {
    const std::size_t i = index_of(ns);
    if (i >= counts_.size()) grow(i);
    ++counts_[i];
    ++total_;
    sum_ += ns;
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
  }
  /// Values recorded.
  std::uint64_t count() const { return total_; }
  /// The smallest value recorded (exact); 0 when empty.
  std::uint64_t min() const { return total_ == 0 ? 0 : min_; }
  /// The largest value recorded (exact); 0 when empty.
  std::uint64_t max() const { return max_; }
  /// The sum of all values recorded (exact, wraps past 2^64 ns = 584 years).
  std::uint64_t sum() const { return sum_; }
  /// The arithmetic mean (exact up to double rounding); 0 when empty.
  double mean() const { return total_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(total_); }
  /// The value at or below which `fraction` (0..1) of the values lie, by
  /// nearest rank (rank_of): the upper edge of the bucket holding that rank,
  /// capped at max(). Reporting the upper edge never understates a latency.
  std::uint64_t percentile(double fraction) const;
  /// The 1-based nearest rank of `fraction` among `n` values: ceil(fraction*n)
  /// clamped to 1..n, robust against fraction*n landing a hair above an integer.
  static std::uint64_t rank_of(double fraction, std::uint64_t n);

  /// Adds every value of `other` (exact: bucket counts, count, sum, min, max).
  void merge(const LatencyHistogram& other);
  /// Forgets every value; keeps the table's memory for reuse.
  void clear();
  /// Calls f(lo_ns, hi_ns, count) for each non-empty bucket in ascending
  /// order; the bucket holds the values lo_ns..hi_ns inclusive.
  template <class F>
  void for_each_bucket(F&& f) const {
    for (std::size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i] != 0) f(lower_edge(i), upper_edge(i), counts_[i]);
  }

  /// The bucket a value falls into, and that bucket's inclusive edges.
  static std::size_t index_of(std::uint64_t v) {
    if (v < kSubBuckets) return static_cast<std::size_t>(v);
    const unsigned top = 63u - static_cast<unsigned>(std::countl_zero(v));
    const unsigned range = top - kSubBits + 1;
    const std::uint64_t sub = (v >> (top - kSubBits)) & (kSubBuckets - 1);
    return range * kSubBuckets + static_cast<std::size_t>(sub);
  }
  static std::uint64_t lower_edge(std::size_t index);
  static std::uint64_t upper_edge(std::size_t index);

  /// {"unit":"ns","sub_buckets":128,"count","min","max","sum",
  ///  "buckets":[[lo_ns,hi_ns,count],...]} with only non-empty buckets.
  nlohmann::ordered_json to_json() const;
  /// Equal when they hold the same values (table capacity does not count).
  bool operator==(const LatencyHistogram& other) const;

 private:
  friend std::optional<std::string> histogram_from_json(const nlohmann::ordered_json& j, LatencyHistogram& out);
  void grow(std::size_t index);

  // Values below kSubBuckets get a bucket each; above, a value with its top
  // bit at position b (b >= kSubBits) goes to range b - kSubBits + 1, bucket
  // given by the kSubBits bits below the top bit.
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

/// Reads what LatencyHistogram::to_json wrote into `out`. Returns an error
/// naming the field that is wrong (a bucket edge that is not one of ours,
/// counts that do not add up...), or nullopt on success.
std::optional<std::string> histogram_from_json(const nlohmann::ordered_json& j, LatencyHistogram& out);

}  // namespace mq::bench
