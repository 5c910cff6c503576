#include "bench/histogram.hpp"

#include <cmath>

#include <fmt/format.h>

namespace mq::bench {

std::uint64_t LatencyHistogram::lower_edge(std::size_t index) {
  if (index < kSubBuckets) return index;
  const auto range = static_cast<unsigned>(index / kSubBuckets);
  const std::uint64_t sub = index % kSubBuckets;
  return (kSubBuckets + sub) << (range - 1);  // buckets of range r are 2^(r-1) wide
}

std::uint64_t LatencyHistogram::upper_edge(std::size_t index) {
  if (index < kSubBuckets) return index;
  const auto range = static_cast<unsigned>(index / kSubBuckets);
  // lower + (width - 1): written so the very last bucket ends at 2^64 - 1
  // without an intermediate overflow.
  return lower_edge(index) + ((std::uint64_t{1} << (range - 1)) - 1);
}

void LatencyHistogram::grow(std::size_t index) {
  // Whole ranges at a time: growth happens at most once per power of two.
  counts_.resize((index / kSubBuckets + 1) * kSubBuckets, 0);
}

std::uint64_t LatencyHistogram::rank_of(double fraction, std::uint64_t n) {
  if (n == 0) return 0;
  if (!(fraction > 0.0)) return 1;  // also NaN
  if (fraction >= 1.0) return n;
  const double exact = fraction * static_cast<double>(n);
  // 0.99 * 100 is 98.99999999999999 or 99.00000000000001 depending on
  // rounding; treat anything within a relative 1e-9 of an integer as it.
  const double nearest = std::round(exact);
  const double x = std::fabs(exact - nearest) <= 1e-9 * std::max(1.0, exact) ? nearest : std::ceil(exact);
  return std::clamp<std::uint64_t>(static_cast<std::uint64_t>(x), 1, n);
}

std::uint64_t LatencyHistogram::percentile(double fraction) const {
  if (total_ == 0) return 0;
  const std::uint64_t rank = rank_of(fraction, total_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(upper_edge(i), max_);
  }
  return max_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.total_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

bool LatencyHistogram::operator==(const LatencyHistogram& o) const {
  if (total_ != o.total_ || sum_ != o.sum_ || min() != o.min() || max_ != o.max_) return false;
  const std::size_t n = std::max(counts_.size(), o.counts_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t a = i < counts_.size() ? counts_[i] : 0;
    const std::uint64_t b = i < o.counts_.size() ? o.counts_[i] : 0;
    if (a != b) return false;
  }
  return true;
}

nlohmann::ordered_json LatencyHistogram::to_json() const {
  nlohmann::ordered_json j;
  j["unit"] = "ns";
  j["sub_buckets"] = kSubBuckets;
  j["count"] = total_;
  j["min"] = min();
  j["max"] = max_;
  j["sum"] = sum_;
  auto buckets = nlohmann::ordered_json::array();
  for_each_bucket([&](std::uint64_t lo, std::uint64_t hi, std::uint64_t n) {
    buckets.push_back(nlohmann::ordered_json::array({lo, hi, n}));
  });
  j["buckets"] = std::move(buckets);
  return j;
}

namespace {

// A non-negative integer (nlohmann stores 3 as signed when built from an
// int, as unsigned when parsed).
bool is_count(const nlohmann::ordered_json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
}

// Reads an unsigned integer member; false (and `error` set) when absent or
// of another type.
bool read_u64(const nlohmann::ordered_json& j, const char* key, std::uint64_t& out, std::string& error) {
  const auto it = j.find(key);
  if (it == j.end() || !is_count(*it)) {
    error = fmt::format("histogram: \"{}\" must be an unsigned integer", key);
    return false;
  }
  out = it->get<std::uint64_t>();
  return true;
}

}  // namespace

std::optional<std::string> histogram_from_json(const nlohmann::ordered_json& j, LatencyHistogram& out) {
  using H = LatencyHistogram;
  if (!j.is_object()) return "histogram: expected an object";
  if (const auto u = j.find("unit"); u != j.end() && *u != "ns")
    return "histogram: \"unit\" must be \"ns\"";
  std::string error;
  std::uint64_t sub = 0, count = 0, min = 0, max = 0, sum = 0;
  if (!read_u64(j, "sub_buckets", sub, error) || !read_u64(j, "count", count, error) ||
      !read_u64(j, "min", min, error) || !read_u64(j, "max", max, error) || !read_u64(j, "sum", sum, error))
    return error;
  if (sub != H::kSubBuckets)
    return fmt::format("histogram: {} sub-buckets per power of two, this build reads {}", sub, H::kSubBuckets);
  const auto b = j.find("buckets");
  if (b == j.end() || !b->is_array()) return "histogram: \"buckets\" must be an array";

  H h;
  std::uint64_t seen = 0;
  std::size_t previous = 0, first = 0;
  for (std::size_t k = 0; k < b->size(); ++k) {
    const auto& e = (*b)[k];
    if (!e.is_array() || e.size() != 3 || !is_count(e[0]) || !is_count(e[1]) || !is_count(e[2]))
      return fmt::format("histogram: bucket {} must be [lo_ns, hi_ns, count] of unsigned integers", k);
    const auto lo = e[0].get<std::uint64_t>(), hi = e[1].get<std::uint64_t>(), n = e[2].get<std::uint64_t>();
    const std::size_t i = H::index_of(lo);
    if (H::lower_edge(i) != lo || H::upper_edge(i) != hi)
      return fmt::format("histogram: bucket {} [{}, {}] is not a bucket of this layout", k, lo, hi);
    if (k > 0 && i <= previous) return fmt::format("histogram: bucket {} is out of order or repeated", k);
    if (n == 0) return fmt::format("histogram: bucket {} has a count of 0", k);
    if (h.counts_.size() <= i) h.grow(i);
    h.counts_[i] = n;
    seen += n;
    if (k == 0) first = i;
    previous = i;
  }
  if (seen != count) return fmt::format("histogram: buckets hold {} values, \"count\" says {}", seen, count);
  if (count > 0) {
    if (min > max || H::index_of(min) != first || H::index_of(max) != previous)
      return "histogram: \"min\" or \"max\" lies outside the first or last bucket";
    h.min_ = min;
  } else if (min != 0 || max != 0 || sum != 0) {
    return "histogram: an empty histogram has min, max and sum 0";
  }
  h.total_ = count;
  h.max_ = max;
  h.sum_ = sum;
  out = std::move(h);
  return std::nullopt;
}

}  // namespace mq::bench
