// merge(): N workers' results as one load. Everything that is a count is
// summed and every histogram merged bucket by bucket, so the merged
// percentiles are those of one process that had seen every message.

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "bench/output.hpp"

namespace mq::bench {

namespace {

void add_once(std::vector<std::string>& list, const std::string& s) {
  if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
}

// The settings without "worker", which is expected to differ.
nlohmann::ordered_json shared_settings(const nlohmann::ordered_json& s) {
  auto copy = s;
  if (copy.is_object()) copy.erase("worker");
  return copy;
}

// Workers that measure one broker given by address see the same process:
// its figures are the largest any worker saw, never a sum.
void merge_broker(ProcessUsage& into, const ProcessUsage& u) {
  if (!u.known) return;
  into.known = true;
  into.cpu_user_s = std::max(into.cpu_user_s, u.cpu_user_s);
  into.cpu_sys_s = std::max(into.cpu_sys_s, u.cpu_sys_s);
  into.peak_rss_bytes = std::max(into.peak_rss_bytes, u.peak_rss_bytes);
  into.rss_shared = into.rss_shared || u.rss_shared;
}

}  // namespace

std::optional<std::string> merge(const std::vector<RunResult>& parts, RunResult& out) {
  if (parts.empty()) return "merge: no results to merge";
  std::vector<const RunResult*> order;
  for (const auto& p : parts) order.push_back(&p);
  // Worker order, ties in the order given (pointers into `parts` compare by
  // position). std::sort needs no temporary buffer, unlike stable_sort.
  std::sort(order.begin(), order.end(), [](const RunResult* a, const RunResult* b) {
    return a->worker_index != b->worker_index ? a->worker_index < b->worker_index : a < b;
  });

  const unsigned workers = order.front()->worker_count;
  std::set<unsigned> seen;
  for (const RunResult* p : order) {
    if (p->worker_count != workers)
      return fmt::format("merge: results of different loads: worker {}/{} and worker {}/{}", order.front()->worker_index,
                         workers, p->worker_index, p->worker_count);
    if (workers > 1 && !seen.insert(p->worker_index).second)
      return fmt::format("merge: worker {} of {} appears twice", p->worker_index, workers);
  }

  RunResult m;
  const RunResult& first = *order.front();
  m.settings = first.settings;
  if (m.settings.is_object()) m.settings.erase("worker");
  m.machine = first.machine;
  m.worker_index = 0;
  m.worker_count = workers;
  m.merged_from = 0;
  m.lag.late_threshold_ns = first.lag.late_threshold_ns;
  const RunResult* earliest = *std::min_element(order.begin(), order.end(), [](const RunResult* a, const RunResult* b) {
    return a->started_unix_s < b->started_unix_s;
  });
  m.started_at = earliest->started_at;
  m.started_unix_s = earliest->started_unix_s;
  double latest = earliest->started_unix_s;
  std::set<std::string> hosts;
  std::vector<bool> touched;  // interval k has had a worker's record
  for (const RunResult* p : order) {
    const RunResult& r = *p;
    m.merged_from += r.merged_from;
    latest = std::max(latest, r.started_unix_s);
    if (shared_settings(r.settings) != shared_settings(first.settings))
      add_once(m.warnings, "merge: the workers ran with different settings; the first worker's are shown");
    if (!r.machine.hostname.empty()) hosts.insert(r.machine.hostname);
    m.warmup_s = std::max(m.warmup_s, r.warmup_s);
    m.measured_s = std::max(m.measured_s, r.measured_s);

    if (r.intervals.size() > m.intervals.size()) {
      m.intervals.resize(r.intervals.size());
      touched.resize(r.intervals.size(), false);
    }
    for (std::size_t k = 0; k < r.intervals.size(); ++k) {
      IntervalRecord& into = m.intervals[k];
      const IntervalRecord& from = r.intervals[k];
      into.start_s = touched[k] ? std::min(into.start_s, from.start_s) : from.start_s;
      into.end_s = touched[k] ? std::max(into.end_s, from.end_s) : from.end_s;
      into.partial = (touched[k] && into.partial) || from.partial;
      touched[k] = true;
      into.delta += from.delta;
      into.e2e.merge(from.e2e);
    }
    m.totals += r.totals;
    for (const auto& f : kLatencyFields) (m.*f.member).merge(r.*f.member);
    m.per_subscriber_received.insert(m.per_subscriber_received.end(), r.per_subscriber_received.begin(),
                                     r.per_subscriber_received.end());
    for (const auto& [k, v] : r.failures_by_cause) m.failures_by_cause[k] += v;
    for (const auto& [k, v] : r.failures_by_reason) m.failures_by_reason[k] += v;

    m.lag.scheduled += r.lag.scheduled;
    m.lag.late += r.lag.late;
    m.lag.max_ns = std::max(m.lag.max_ns, r.lag.max_ns);
    if (r.lag.late_threshold_ns != first.lag.late_threshold_ns)
      add_once(m.warnings, "merge: the workers counted late sends against different thresholds");

    // mqbench's own usage: each worker is its own process, so CPU adds up;
    // memory is per process, and the largest one is what a machine must hold.
    m.self.known = m.self.known || r.self.known;
    m.self.cpu_user_s += r.self.cpu_user_s;
    m.self.cpu_sys_s += r.self.cpu_sys_s;
    m.self.peak_rss_bytes = std::max(m.self.peak_rss_bytes, r.self.peak_rss_bytes);
    merge_broker(m.broker, r.broker);
    for (const auto& w : r.warnings) add_once(m.warnings, fmt::format("worker {}: {}", r.worker_index, w));
  }
  if (hosts.size() > 1) {
    std::string list;
    for (const auto& h : hosts) list += (list.empty() ? "" : ", ") + h;
    m.machine.hostname = list;
  }
  if (workers > 1 && order.size() < workers)
    add_once(m.warnings, fmt::format("merge: {} of {} workers' results merged; the load is incomplete", order.size(),
                                     workers));
  if (latest - earliest->started_unix_s >= 1.0)
    add_once(m.warnings, fmt::format("merge: the workers started {:.1f} s apart; intervals are aligned by index",
                                     latest - earliest->started_unix_s));
  out = std::move(m);
  return std::nullopt;
}

}  // namespace mq::bench
