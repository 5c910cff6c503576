#include "bench/runner.hpp"

#include "bench/conn_run.hpp"
#include "bench/proc_usage.hpp"
#include "bench/pubsub_run.hpp"
#include "net/loop.hpp"

#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <string>

namespace mq::bench {

bool close_interval(const RunConfig& c, RunResult& result, IntervalRecord r, std::int64_t length_ns,
                    const Counters& totals, UsageTracker& self, UsageTracker& broker, bool& interrupted) {
  r.partial = static_cast<double>(length_ns) < c.interval_s * 0.5e9;
  self.sample();
  broker.sample();
  result.totals = totals;
  result.measured_s = r.end_s;
  result.intervals.push_back(std::move(r));
  if (c.on_interval) c.on_interval(result.intervals.back(), result);
  if (interrupted || !c.interrupted || !c.interrupted()) return false;
  interrupted = true;
  result.warnings.push_back("interrupted: the run ended early");
  return true;
}

void mark_start(RunResult& result) {
  const auto wall = std::chrono::system_clock::now();
  result.started_unix_s = std::chrono::duration<double>(wall.time_since_epoch()).count();
  const std::time_t t = std::chrono::system_clock::to_time_t(wall);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  result.started_at = text;
}

std::optional<RunError> run(const RunConfig& config, RunResult& result, HoldMemory* hold) {
  result.machine = describe_machine();
  result.worker_index = config.worker_index;
  result.worker_count = config.worker_count;
  // Every connection is a descriptor: take the whole hard limit, and say so
  // when even that is too small for the connections asked for.
  rlimit fds{};
  if (getrlimit(RLIMIT_NOFILE, &fds) == 0 && fds.rlim_cur < fds.rlim_max) {
    fds.rlim_cur = fds.rlim_max;
    setrlimit(RLIMIT_NOFILE, &fds);
  }
  const std::uint64_t wanted = config.mode == Mode::Conn ? (config.hold ? config.connections : config.in_flight)
                                                         : std::uint64_t{config.publishers} + config.subscribers;
  if (fds.rlim_cur != RLIM_INFINITY && wanted + 32 > fds.rlim_cur)
    result.warnings.push_back("the file descriptor limit (" + std::to_string(fds.rlim_cur) + ") is below the " +
                              std::to_string(wanted) + " connections asked for: some will fail");
  net::Loop loop;
  std::optional<RunError> error;
  if (config.mode == Mode::Conn) {
    ConnRun r(loop, config, result, hold);
    error = r.run();
  } else {
    PubSubRun r(loop, config, result);
    error = r.run();
  }
  // The runs close their connections; whatever is left closes here.
  loop.close();
  if (!error && result.self.known && result.measured_s > 0 && result.self.cores_used(result.measured_s) > 0.9)
    result.warnings.push_back(
        "mqbench used a full core: these figures may be mqbench's limit, not the broker's; use fewer clients per "
        "process or several workers (--worker I/N)");
  return error;
}

}  // namespace mq::bench
