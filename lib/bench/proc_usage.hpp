#pragma once
/// CPU time and memory of mqbench itself and of the broker it measures,
/// read from getrusage(2) and /proc. Sampled once per interval, never per
/// message.

#include <cstdint>
#include <optional>
#include <string>

#include "bench/results.hpp"

namespace mq::bench {

/// CPU seconds (user and system) and resident memory at one moment.
struct CpuSample {
  double user_s = 0;
  double sys_s = 0;
  std::uint64_t rss_bytes = 0;
};

/// The calling thread's CPU time (RUSAGE_THREAD) and the process's RSS:
/// mqbench's own use, without an embedded broker's thread.
CpuSample sample_this_thread();
/// Process `pid` from /proc/PID/stat and /proc/PID/status; nullopt when it
/// cannot be read (gone, or not ours to read).
std::optional<CpuSample> sample_process(int pid);
/// Thread `tid` of this process from /proc/self/task/TID/stat (its RSS is
/// the whole process's, so it is left 0).
std::optional<CpuSample> sample_thread(int tid);

/// Follows one process or thread over the measured phase: CPU used since
/// start() and the highest RSS seen by any sample().
class UsageTracker {
 public:
  /// What to sample: this thread, a process, or a thread of this process.
  enum class Target : std::uint8_t { None, Self, Process, Thread };
  UsageTracker() = default;
  /// Tracks `target`; `id` is the pid or tid where needed.
  UsageTracker(Target target, int id) : target_(target), id_(id) {}
  /// Takes the starting point (the end of the warm-up).
  void start();
  /// Takes a sample: updates the peak RSS and the latest CPU times.
  void sample();
  /// The usage since start(), as of the last sample().
  ProcessUsage usage() const;
  /// CPU seconds per second over the last interval between two samples.
  double last_cores() const { return last_cores_; }

 private:
  std::optional<CpuSample> read() const;
  Target target_ = Target::None;
  int id_ = 0;
  bool ok_ = false;
  CpuSample start_{}, last_{};
  double last_time_s_ = 0, last_cores_ = 0;
  std::uint64_t peak_rss_ = 0;
};

}  // namespace mq::bench
