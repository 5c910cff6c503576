#pragma once
// Synthetic, deterministic RunResults for the output, merge and report
// tests: a made-up load of `subscribers` subscribers over `seconds`
// one-second intervals, its messages spread over N workers the way
// --worker I/N spreads clients (subscriber s belongs to worker s % N).

#include <cstdint>

#include "bench/results.hpp"

namespace mq::bench::sample {

// splitmix64: the same numbers on every platform.
inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A latency for message `k`: mostly 50..550 us, one in a hundred up to ~20 ms.
inline std::uint64_t latency_ns(std::uint64_t k) {
  const std::uint64_t r = mix(k);
  return r % 100 == 0 ? 1'000'000 + r % 19'000'000 : 50'000 + r % 500'000;
}

struct Load {
  unsigned subscribers = 4;
  unsigned seconds = 5;
  unsigned per_second = 200;  ///< messages each subscriber receives per second
};

// The result of worker `index` of `count` (count 1: the whole load in one
// process, the reference merge() must reproduce).
inline RunResult worker_result(const Load& load, unsigned index, unsigned count) {
  RunResult r;
  r.settings = {{"mode", "pubsub"}, {"qos", 1}, {"publishers", 1}, {"subscribers", load.subscribers}};
  if (count > 1) r.settings["worker"] = std::to_string(index) + "/" + std::to_string(count);
  r.machine = MachineInfo{"bench-host-" + std::to_string(index), "Linux 6.1.0 x86_64", "Example CPU @ 3.0GHz", 2,
                          8ull << 30};
  r.started_at = "2026-12-06T02:00:00Z";
  r.started_unix_s = 1796522400.0 + 0.01 * index;
  r.warmup_s = 1;
  r.measured_s = load.seconds;
  r.worker_index = count > 1 ? index : 0;
  r.worker_count = count;
  r.lag.late_threshold_ns = 1'000'000;
  for (unsigned s = 0; s < load.subscribers; ++s)
    if (s % count == index) r.per_subscriber_received.push_back(0);
  for (unsigned t = 0; t < load.seconds; ++t) {
    IntervalRecord in;
    in.start_s = t;
    in.end_s = t + 1;
    for (unsigned s = 0, mine = 0; s < load.subscribers; ++s) {
      if (s % count != index) continue;
      for (unsigned m = 0; m < load.per_second; ++m) {
        const std::uint64_t k = (std::uint64_t{t} * load.subscribers + s) * load.per_second + m;
        in.e2e.record(latency_ns(k));
        ++in.delta.received;
        in.delta.bytes_received += 64;
        // Subscriber 1 misses one message in interval 2, and sees another twice.
        if (s == 1 && t == 2 && m == 0) ++in.delta.lost;
        if (s == 1 && t == 2 && m == 1) ++in.delta.duplicates;
      }
      r.per_subscriber_received[mine++] += load.per_second;
      // Each worker publishes as much as it receives; one publish in 50 is
      // late by a few microseconds.
      for (unsigned m = 0; m < load.per_second; ++m) {
        ++r.lag.scheduled;
        const std::uint64_t behind = mix(m + 1000u * s + 7u * t) % 2'000'000;
        r.lag.max_ns = std::max(r.lag.max_ns, behind);
        if (behind > r.lag.late_threshold_ns) ++r.lag.late;
      }
      in.delta.published += load.per_second;
      in.delta.acked += load.per_second;
      in.delta.bytes_published += 64ull * load.per_second;
    }
    r.totals += in.delta;
    r.e2e.merge(in.e2e);
    r.intervals.push_back(std::move(in));
  }
  for (unsigned s = 0; s < load.subscribers; ++s) {
    if (s % count != index) continue;
    r.connect.record(300'000 + 1000u * s);
    r.subscribe.record(200'000 + 500u * s);
    ++r.totals.connects_ok;
    ++r.totals.subscribes_ok;
    r.ack.record(100'000 + 10u * s);
    if (s == 2) r.failures_by_reason["0x97 Quota exceeded"] += 1;
    if (s % 3 == 0) r.failures_by_cause["connect timeout"] += 1;
  }
  r.self = ProcessUsage{true, 0.5, 0.25, 20u << 20};
  r.broker = ProcessUsage{true, 1.0 + index, 0.5, (30u + index) << 20};
  return r;
}

}  // namespace mq::bench::sample
