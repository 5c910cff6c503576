#pragma once
/// --worker I/N: N copies of mqbench, started by whatever orchestrator the
/// user has (ssh, a Kubernetes Indexed Job, a Slurm array), make one load.
/// Worker I takes a contiguous block of the global client indices; client
/// ids and topics come from templates of the global index (name_template.hpp),
/// and the open-loop schedule (schedule.hpp) is that of the whole load, so
/// the N workers together send exactly what one process would.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mq::bench {

/// Which of how many workers this process is (0-based index).
struct WorkerSpec {
  unsigned index = 0;
  unsigned count = 1;
  bool operator==(const WorkerSpec&) const = default;
};

/// A block of global client indices: first .. first + count - 1.
struct ClientRange {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  bool operator==(const ClientRange&) const = default;
};

/// Looks up an environment variable (std::getenv, or a map in tests).
using EnvLookup = std::function<const char*(const char*)>;

/// Parses --worker: "I/N" (0 <= I < N), or "N" alone, in which case I is
/// read from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or else from
/// SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN (Slurm array). An explicit
/// I wins over the environment. Errors quote the text and say what is wrong.
std::optional<std::string> parse_worker(std::string_view text, const EnvLookup& env, WorkerSpec& out);

/// Worker w's block of `total` clients: blocks in worker order, sizes
/// differing by at most one, together exactly 0 .. total - 1.
ClientRange partition(std::uint64_t total, WorkerSpec w);

}  // namespace mq::bench
