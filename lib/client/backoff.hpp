#pragma once
/// Reconnect delays: exponential backoff with full jitter, as a pure value
/// type. The random source is injected so tests (and reproducible runs)
/// control it.

#include <chrono>
#include <cstdint>
#include <functional>

namespace mq::client {

class Backoff {
 public:
  /// Returns a uniformly distributed value in [0, 1).
  using Random = std::function<double()>;

  /// Delays grow as initial * factor^attempt up to `maximum`; each delay is
  /// then drawn uniformly from [ceiling * (1 - jitter), ceiling], so
  /// jitter 0 gives exact exponential delays and 1 gives "full jitter".
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum, double factor, double jitter,
          Random random);

  /// The delay before the next attempt; advances the attempt counter.
  std::chrono::milliseconds next();
  /// Call after a successful connection: the next delay starts from `initial` again.
  void reset() { attempt_ = 0; }
  /// Attempts made since construction or the last reset().
  std::uint32_t attempts() const { return attempt_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds maximum_;
  double factor_;
  double jitter_;
  Random random_;
  std::uint32_t attempt_ = 0;
};

}  // namespace mq::client
