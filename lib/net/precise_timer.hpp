#pragma once
/// A one-shot timer with nanosecond resolution (a timerfd watched by the
/// loop), for open-loop load generators: libuv's own timers count in whole
/// milliseconds, which would add up to a millisecond of the generator's
/// lateness to every latency measured.

#include <cstdint>
#include <functional>

#include "net/loop.hpp"

struct uv_poll_s;

namespace mq::net {

/// Calls a function at an absolute CLOCK_MONOTONIC time. It keeps the loop
/// alive from start_at() until stop().
class PreciseTimer : public detail::LoopResource {
 public:
  /// A stopped timer; `cb` runs on the loop thread when it fires. Also asks
  /// the kernel for the smallest timer slack for this thread, so wake-ups
  /// are not merged 50 us apart.
  PreciseTimer(Loop& loop, std::function<void()> cb);
  /// Stops and closes the timer.
  ~PreciseTimer() override;
  /// Fires once at `monotonic_ns` (CLOCK_MONOTONIC), at once if it has
  /// passed; replaces an earlier arming.
  void start_at(std::int64_t monotonic_ns);
  /// Disarms the timer.
  void stop();
  /// False when the timerfd could not be created (then start_at does nothing).
  bool ok() const { return fd_ >= 0; }
  /// Closes the handle and forgets the loop.
  void detach() override;

 private:
  int fd_ = -1;
  bool armed_ = false;
  uv_poll_s* poll_ = nullptr;
  std::function<void()> cb_;
};

}  // namespace mq::net
