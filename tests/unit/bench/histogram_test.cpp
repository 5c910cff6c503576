// LatencyHistogram: bucket edges, percentiles against a sorted array,
// exact merge, exact JSON round trip, and the errors of histogram_from_json.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bench/histogram.hpp"

namespace mq::bench {
namespace {

using H = LatencyHistogram;
using json = nlohmann::ordered_json;

// splitmix64: a fixed, portable sequence, so failures reproduce everywhere.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Latency-like: spread over 1 ns .. ~70 s, dense at the low end.
  std::uint64_t latency() { return next() >> (28 + next() % 36); }
};

}  // namespace

TEST_CASE("histogram: values at bucket edges land in the right bucket") {
  // Below 128 every value has its own bucket.
  for (std::uint64_t v = 0; v < H::kSubBuckets; ++v) {
    CHECK(H::index_of(v) == v);
    CHECK(H::lower_edge(v) == v);
    CHECK(H::upper_edge(v) == v);
  }
  // 128..255: still one value per bucket; 256..511: two per bucket.
  CHECK(H::index_of(128) == 128);
  CHECK(H::index_of(255) == 255);
  CHECK(H::index_of(256) == 256);
  CHECK(H::index_of(257) == 256);
  CHECK(H::index_of(258) == 257);
  CHECK(H::lower_edge(256) == 256);
  CHECK(H::upper_edge(256) == 257);
  // 1 ms = 1'000'000 ns: top bit 19, width 2^12 = 4096.
  const std::size_t ms = H::index_of(1'000'000);
  CHECK(H::lower_edge(ms) == 999'424);
  CHECK(H::upper_edge(ms) == 1'003'519);
  CHECK(H::index_of(999'423) == ms - 1);
  CHECK(H::index_of(1'003'520) == ms + 1);
  // Every power of two starts a bucket; the value below ends the previous one.
  for (unsigned b = 8; b < 64; ++b) {
    const std::uint64_t p = std::uint64_t{1} << b;
    const std::size_t i = H::index_of(p);
    CHECK(H::lower_edge(i) == p);
    CHECK(H::upper_edge(i - 1) == p - 1);
    CHECK(H::index_of(p - 1) == i - 1);
  }
  // The very last bucket ends at 2^64 - 1 without overflow.
  CHECK(H::upper_edge(H::index_of(UINT64_MAX)) == UINT64_MAX);
  // Relative width never above 1/128.
  for (std::size_t i = H::kSubBuckets; i < H::index_of(UINT64_MAX); i += 37)
    CHECK((H::upper_edge(i) - H::lower_edge(i)) * 128 <= H::lower_edge(i));
}

TEST_CASE("histogram: empty, one value, min, max, sum, mean, clear") {
  H h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.percentile(0.99) == 0);
  h.record(1'000'000);
  CHECK(h.count() == 1);
  CHECK(h.min() == 1'000'000);
  CHECK(h.max() == 1'000'000);
  CHECK(h.percentile(0.5) == 1'000'000);  // capped at the exact max, not the bucket edge 1'003'519
  h.record(3);
  h.record(500);
  CHECK(h.min() == 3);
  CHECK(h.sum() == 1'000'503);
  CHECK(h.mean() == doctest::Approx(1'000'503 / 3.0));
  h.clear();
  CHECK(h == H{});
  h.record(7);
  CHECK(h.min() == 7);  // clear() reset the minimum too
}

TEST_CASE("histogram: nearest rank") {
  CHECK(H::rank_of(0.99, 100) == 99);  // 0.99 * 100 is not exactly 99 in binary
  CHECK(H::rank_of(0.999, 1000) == 999);
  CHECK(H::rank_of(0.9999, 10000) == 9999);
  CHECK(H::rank_of(0.5, 3) == 2);
  CHECK(H::rank_of(0.5, 4) == 2);
  CHECK(H::rank_of(0.0, 10) == 1);
  CHECK(H::rank_of(1.0, 10) == 10);
  CHECK(H::rank_of(0.99, 1) == 1);
}

TEST_CASE("histogram: percentiles agree with a sorted array") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Rng rng{seed};
    H h;
    std::vector<std::uint64_t> values(20'000 + seed * 777);
    for (auto& v : values) {
      v = rng.latency();
      h.record(v);
    }
    std::sort(values.begin(), values.end());
    CHECK(h.count() == values.size());
    CHECK(h.min() == values.front());
    CHECK(h.max() == values.back());
    for (double f : {0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
      const std::uint64_t exact = values[H::rank_of(f, values.size()) - 1];
      const std::uint64_t got = h.percentile(f);
      INFO("seed " << seed << " fraction " << f << " exact " << exact << " got " << got);
      // The upper edge of exact's bucket, never below exact, never above max.
      CHECK(got == std::min(H::upper_edge(H::index_of(exact)), values.back()));
      CHECK(got >= exact);
      CHECK(got - exact <= exact / 128);
    }
  }
}

TEST_CASE("histogram: merge equals recording both") {
  Rng rng{42};
  H a, b, both;
  for (int i = 0; i < 5000; ++i) {
    const auto v = rng.latency();
    (i % 3 == 0 ? a : b).record(v);
    both.record(v);
  }
  b.record(UINT64_MAX / 3);  // b's table is larger than a's
  both.record(UINT64_MAX / 3);
  H merged = a;
  merged.merge(b);
  CHECK(merged == both);
  H other = b;
  other.merge(a);
  CHECK(other == both);  // order does not matter
  merged.merge(H{});      // merging nothing changes nothing, min included
  CHECK(merged == both);
  H empty;
  empty.merge(a);
  CHECK(empty == a);
}

TEST_CASE("histogram: JSON round trip is exact") {
  Rng rng{7};
  H h;
  for (int i = 0; i < 3000; ++i) h.record(rng.latency());
  h.record(0);
  h.record(UINT64_MAX);
  const json j = h.to_json();
  CHECK(j["unit"] == "ns");
  CHECK(j["sub_buckets"] == 128);
  CHECK(j["count"] == 3002);
  CHECK(j["buckets"][0][0] == 0);  // the value 0 has a bucket of its own
  CHECK(j["buckets"][0][1] == 0);
  H back;
  REQUIRE(histogram_from_json(json::parse(j.dump()), back) == std::nullopt);
  CHECK(back == h);
  CHECK(back.to_json() == j);
  for (double f : {0.5, 0.99, 0.9999}) CHECK(back.percentile(f) == h.percentile(f));

  H empty;
  REQUIRE(histogram_from_json(empty.to_json(), back) == std::nullopt);
  CHECK(back == empty);
  CHECK(back.count() == 0);
}

TEST_CASE("histogram: JSON that is not ours is refused with the reason") {
  H h;
  h.record(1000);
  h.record(2000);
  const json good = h.to_json();
  auto error_of = [](json j) {
    H out;
    const auto e = histogram_from_json(j, out);
    return e ? *e : std::string("(accepted)");
  };
  json j = good;
  j["sub_buckets"] = 32;
  CHECK(error_of(j) == "histogram: 32 sub-buckets per power of two, this build reads 128");
  j = good;
  j["count"] = 3;
  CHECK(error_of(j) == "histogram: buckets hold 2 values, \"count\" says 3");
  j = good;
  j["buckets"][0][0] = 1001;
  CHECK(error_of(j) == "histogram: bucket 0 [1001, 1003] is not a bucket of this layout");
  j = good;
  j["buckets"][1] = j["buckets"][0];
  CHECK(error_of(j) == "histogram: bucket 1 is out of order or repeated");
  j = good;
  j["buckets"][0][2] = -1;
  CHECK(error_of(j) == "histogram: bucket 0 must be [lo_ns, hi_ns, count] of unsigned integers");
  j = good;
  j["max"] = 5000;
  CHECK(error_of(j) == "histogram: \"min\" or \"max\" lies outside the first or last bucket");
  j = good;
  j.erase("sum");
  CHECK(error_of(j) == "histogram: \"sum\" must be an unsigned integer");
  j = good;
  j["unit"] = "ms";
  CHECK(error_of(j) == "histogram: \"unit\" must be \"ns\"");
  CHECK(error_of(json::array()) == "histogram: expected an object");
}

}  // namespace mq::bench
