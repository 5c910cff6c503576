#include "bench/worker.hpp"

#include <charconv>

#include <fmt/format.h>

namespace mq::bench {

namespace {

// A whole decimal number, nothing else.
bool parse_uint(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The worker index the orchestrator put in the environment, if any.
std::optional<std::string> index_from_env(const EnvLookup& env, std::uint64_t& index, bool& found) {
  found = false;
  if (const char* k8s = env("JOB_COMPLETION_INDEX"); k8s != nullptr && *k8s != '\0') {
    if (!parse_uint(k8s, index)) return fmt::format("--worker: JOB_COMPLETION_INDEX='{}' is not a whole number", k8s);
    found = true;
    return std::nullopt;
  }
  if (const char* slurm = env("SLURM_ARRAY_TASK_ID"); slurm != nullptr && *slurm != '\0') {
    if (!parse_uint(slurm, index)) return fmt::format("--worker: SLURM_ARRAY_TASK_ID='{}' is not a whole number", slurm);
    std::uint64_t min = 0;
    if (const char* m = env("SLURM_ARRAY_TASK_MIN"); m != nullptr && *m != '\0') {
      if (!parse_uint(m, min) || min > index)
        return fmt::format("--worker: SLURM_ARRAY_TASK_MIN='{}' does not fit SLURM_ARRAY_TASK_ID={}", m, index);
    }
    index -= min;
    found = true;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_worker(std::string_view text, const EnvLookup& env, WorkerSpec& out) {
  const std::size_t slash = text.find('/');
  std::uint64_t index = 0, count = 0;
  const std::string_view count_text = slash == std::string_view::npos ? text : text.substr(slash + 1);
  if (!parse_uint(count_text, count) || count == 0)
    return fmt::format("--worker '{}': N must be a whole number of workers, 1 or more (I/N, or N with the index "
                       "from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)",
                       text);
  if (count > 1'000'000) return fmt::format("--worker '{}': more than 1000000 workers", text);
  if (slash != std::string_view::npos) {
    if (!parse_uint(text.substr(0, slash), index))
      return fmt::format("--worker '{}': I must be a whole number (workers count from 0)", text);
  } else {
    bool found = false;
    if (auto e = index_from_env(env, index, found)) return e;
    if (!found)
      return fmt::format("--worker '{}': no index; give I/N, or set JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID", text);
  }
  if (index >= count)
    return fmt::format("--worker: index {} is not below the number of workers {} (workers count from 0)", index,
                       count);
  out = WorkerSpec{static_cast<unsigned>(index), static_cast<unsigned>(count)};
  return std::nullopt;
}

ClientRange partition(std::uint64_t total, WorkerSpec w) {
  if (w.count == 0) return {};
  // floor(i * total / N) with a 128-bit product: no overflow for any total.
  const auto edge = [&](unsigned i) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) * i / w.count);
  };
  const std::uint64_t first = edge(w.index);
  return ClientRange{first, edge(w.index + 1) - first};
}

}  // namespace mq::bench
