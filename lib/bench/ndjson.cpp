// RunResult <-> NDJSON. The writer adds derived figures (rates, percentiles
// in microseconds, per-subscriber min/median/max) for people and jq; the
// reader ignores them and rebuilds everything from the exact fields.

#include <algorithm>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "bench/output.hpp"

namespace mq::bench {

using json = nlohmann::ordered_json;

namespace {

json counters_to_json(const Counters& c) {
  json j = json::object();
  for (const auto& f : kCounterFields) j[f.name] = c.*f.member;
  return j;
}

// Microseconds with nanosecond precision kept (three decimals).
double us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

json percentiles_us(const LatencyHistogram& h) {
  json j = json::object();
  j["count"] = h.count();
  j["min"] = us(h.min());
  for (const auto& p : kPercentiles) j[p.name] = us(h.percentile(p.fraction));
  j["max"] = us(h.max());
  j["mean"] = h.mean() / 1000.0;
  return j;
}

json usage_to_json(const ProcessUsage& u, double seconds) {
  return json{{"known", u.known},
              {"cpu_user_s", u.cpu_user_s},
              {"cpu_sys_s", u.cpu_sys_s},
              {"cores", u.cores_used(seconds)},
              {"peak_rss_bytes", u.rss_shared ? json(nullptr) : json(u.peak_rss_bytes)}};
}

json string_counts(const std::map<std::string, std::uint64_t>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

// One line; strings that are not UTF-8 (a hostname, a topic in the
// settings) get U+FFFD instead of making dump() throw.
std::string one_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

json interval_to_json(const IntervalRecord& r, unsigned worker_index) {
  json j;
  j["type"] = "interval";
  j["worker"] = worker_index;
  j["start_s"] = r.start_s;
  j["end_s"] = r.end_s;
  if (r.partial) j["partial"] = true;
  j["counters"] = counters_to_json(r.delta);
  const double len = r.end_s - r.start_s;
  j["received_per_s"] = rate_per_s(r.delta.received, len);
  j["e2e_us"] = percentiles_us(r.e2e);
  j["e2e"] = r.e2e.to_json();
  return j;
}

json summary_to_json(const RunResult& r) {
  json j;
  j["type"] = "summary";
  j["worker"] = r.worker_index;
  j["workers"] = r.worker_count;
  j["merged_from"] = r.merged_from;
  j["started_at"] = r.started_at;
  j["started_unix_s"] = r.started_unix_s;
  j["warmup_s"] = r.warmup_s;
  j["measured_s"] = r.measured_s;
  j["settings"] = r.settings;
  j["machine"] = json{{"hostname", r.machine.hostname},
                      {"os", r.machine.os},
                      {"cpu_model", r.machine.cpu_model},
                      {"cpus", r.machine.cpus},
                      {"memory_bytes", r.machine.memory_bytes}};
  j["counters"] = counters_to_json(r.totals);
  json rates = json::object();
  for (const char* name : {"published", "acked", "received", "bytes_published", "bytes_received"})
    for (const auto& f : kCounterFields)
      if (std::string_view(f.name) == name) rates[std::string(name) + "_per_s"] = rate_per_s(r.totals.*f.member, r.measured_s);
  j["rates"] = std::move(rates);

  json subs = json::object();
  subs["received"] = r.per_subscriber_received;
  if (!r.per_subscriber_received.empty()) {
    auto sorted = r.per_subscriber_received;
    std::sort(sorted.begin(), sorted.end());
    subs["min"] = sorted.front();
    subs["median"] = sorted[(sorted.size() - 1) / 2];  // the lower median: a count that occurred
    subs["max"] = sorted.back();
  }
  j["subscribers"] = std::move(subs);

  json latency = json::object();
  for (const auto& f : kLatencyFields) {
    const LatencyHistogram& h = r.*f.member;
    latency[f.name] = json{{"us", percentiles_us(h)}, {"histogram", h.to_json()}};
  }
  j["latency"] = std::move(latency);
  j["failures"] = json{{"by_cause", string_counts(r.failures_by_cause)},
                       {"by_reason", string_counts(r.failures_by_reason)}};
  j["generator_lag"] = json{{"scheduled", r.lag.scheduled},
                            {"late", r.lag.late},
                            {"late_share", r.lag.late_share()},
                            {"max_ns", r.lag.max_ns},
                            {"late_threshold_ns", r.lag.late_threshold_ns}};
  j["self"] = usage_to_json(r.self, r.measured_s);
  j["broker"] = usage_to_json(r.broker, r.measured_s);
  j["warnings"] = r.warnings;
  return j;
}

void write_interval_ndjson(std::ostream& out, const IntervalRecord& interval, unsigned worker_index) {
  out << one_line(interval_to_json(interval, worker_index)) << '\n';
}

void write_summary_ndjson(std::ostream& out, const RunResult& result) {
  out << one_line(summary_to_json(result)) << '\n';
}

void write_ndjson(std::ostream& out, const RunResult& result) {
  for (const auto& i : result.intervals) write_interval_ndjson(out, i, result.worker_index);
  write_summary_ndjson(out, result);
}

}  // namespace mq::bench
