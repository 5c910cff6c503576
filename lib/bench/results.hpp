#pragma once
/// What one mqbench run measured, as plain data: the runner fills it, the
/// output functions (output.hpp) write it as NDJSON, CSV, a table or an HTML
/// page, read_results reads the NDJSON back, and merge() combines the results
/// of N workers exactly. Every figure covers the measured phase only: the
/// warm-up is left out of all of them.
///
/// Fields are added when needed, never renamed: the names below are the
/// JSON keys users' scripts read.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/histogram.hpp"

namespace mq::bench {

/// Event counts. Each field is listed once in kCounterFields, which JSON,
/// CSV, the table, merge and the SLO evaluator all read.
struct Counters {
  std::uint64_t published = 0;          ///< PUBLISH packets written to the socket
  std::uint64_t acked = 0;              ///< PUBACK/PUBCOMP received (QoS 1/2)
  std::uint64_t received = 0;           ///< deliveries of messages published in the measured phase
  std::uint64_t bytes_published = 0;    ///< payload bytes published
  std::uint64_t bytes_received = 0;     ///< payload bytes received
  std::uint64_t lost = 0;               ///< sequence numbers never received (gaps)
  std::uint64_t duplicates = 0;         ///< sequence numbers received more than once
  std::uint64_t reordered = 0;          ///< arrivals below an already-seen sequence number
  std::uint64_t connects_ok = 0;        ///< CONNACK with success
  std::uint64_t connects_failed = 0;    ///< refused, timed out or failed to connect
  std::uint64_t subscribes_ok = 0;      ///< SUBACK granting every filter
  std::uint64_t subscribes_failed = 0;  ///< SUBACK refusing a filter, or no SUBACK
  std::uint64_t publish_failed = 0;     ///< PUBACK/PUBREC with a failure reason code
  std::uint64_t disconnects = 0;        ///< connections lost or closed by the broker

  /// Adds every field of `o`.
  Counters& operator+=(const Counters& o);
  /// Field by field difference (this - o): the delta of one interval.
  Counters operator-(const Counters& o) const;
  /// All fields equal.
  bool operator==(const Counters&) const = default;
};

/// One row of the counter table: JSON/CSV name and the member.
struct CounterField {
  const char* name;
  std::uint64_t Counters::*member;
};
/// Every field of Counters, in output order.
extern const std::array<CounterField, 14> kCounterFields;

/// One interval of the measured phase (one second by default).
struct IntervalRecord {
  double start_s = 0;        ///< seconds since the measured phase began
  double end_s = 0;          ///< idem; end_s - start_s is the interval's length
  Counters delta;            ///< what happened during the interval
  LatencyHistogram e2e;      ///< end-to-end latency of messages received in it
  /// Shorter than half the interval length: the run's last, cut short.
  /// Its counts are real, but its rates are noise (a 1 ms sliver would draw a
  /// cliff), so the report leaves it out of the plots over time.
  bool partial = false;
  bool operator==(const IntervalRecord&) const = default;
};

/// The machine a run was measured on (describe_machine() fills it).
struct MachineInfo {
  std::string hostname;
  std::string os;            ///< e.g. "Linux 6.1.0-18-amd64 x86_64"
  std::string cpu_model;     ///< /proc/cpuinfo "model name"
  unsigned cpus = 0;         ///< online logical CPUs
  std::uint64_t memory_bytes = 0;  ///< MemTotal
  bool operator==(const MachineInfo&) const = default;
};

/// CPU and memory of one process over the measured phase.
struct ProcessUsage {
  bool known = false;        ///< false: not measured (e.g. a remote broker)
  double cpu_user_s = 0;
  double cpu_sys_s = 0;
  std::uint64_t peak_rss_bytes = 0;
  /// The broker runs inside mqbench's own process (the embedded broker): a
  /// thread has no memory of its own, so its RSS is in mqbench's and is
  /// shown as "shared" in the table and null in the JSON, never as 0.
  bool rss_shared = false;
  /// CPU seconds per wall-clock second: 1.0 is one full core.
  double cores_used(double seconds) const { return seconds > 0 ? (cpu_user_s + cpu_sys_s) / seconds : 0.0; }
  bool operator==(const ProcessUsage&) const = default;
};

/// How far the open-loop generator fell behind its schedule. Latency is
/// measured from the scheduled send time, so lag shows up in the latency;
/// this says how much of it was the generator's own doing.
struct GeneratorLag {
  std::uint64_t scheduled = 0;  ///< sends that had a scheduled time (open loop)
  std::uint64_t late = 0;       ///< sends that went out more than late_threshold_ns after it
  std::uint64_t max_ns = 0;     ///< the largest delay behind schedule
  std::uint64_t late_threshold_ns = 1'000'000;
  /// late / scheduled, 0 when nothing was scheduled.
  double late_share() const { return scheduled == 0 ? 0.0 : static_cast<double>(late) / static_cast<double>(scheduled); }
  bool operator==(const GeneratorLag&) const = default;
};

/// Everything one run (or a merge of several workers' runs) measured.
struct RunResult {
  nlohmann::ordered_json settings = nlohmann::ordered_json::object();  ///< the options as given, by name
  MachineInfo machine;
  std::string started_at;    ///< UTC, ISO 8601, when the measured phase began
  double started_unix_s = 0; ///< the same as seconds since the epoch (merge aligns on it)
  double warmup_s = 0;       ///< warm-up length (left out of every figure)
  double measured_s = 0;     ///< measured phase length: rates are counts / measured_s

  std::vector<IntervalRecord> intervals;
  Counters totals;           ///< the whole measured phase

  LatencyHistogram e2e;        ///< publish (scheduled time in open loop) to delivery
  LatencyHistogram ack;        ///< PUBLISH to PUBACK / PUBCOMP
  LatencyHistogram connect;    ///< CONNECT to CONNACK
  LatencyHistogram subscribe;  ///< SUBSCRIBE to SUBACK

  std::vector<std::uint64_t> per_subscriber_received;  ///< messages each subscriber received
  std::map<std::string, std::uint64_t> failures_by_cause;   ///< e.g. "connect timeout", "connection refused"
  std::map<std::string, std::uint64_t> failures_by_reason;  ///< e.g. "0x87 Not authorized"

  GeneratorLag lag;
  ProcessUsage self;         ///< mqbench itself
  ProcessUsage broker;       ///< the broker, when its process was known
  std::vector<std::string> warnings;  ///< said loudly in every output

  unsigned worker_index = 0;  ///< this worker, 0-based (I of --worker I/N)
  unsigned worker_count = 1;  ///< N
  unsigned merged_from = 1;   ///< how many results merge() combined into this one
  bool operator==(const RunResult&) const = default;
};

/// The named latency histograms of a RunResult, in output order.
struct LatencyField {
  const char* name;
  LatencyHistogram RunResult::*member;
};
extern const std::array<LatencyField, 4> kLatencyFields;

/// The percentiles every output reports, by name.
struct PercentileField {
  const char* name;  ///< "p50", "p99.9" ...: the JSON key and the --slo metric
  double fraction;
};
inline constexpr std::array<PercentileField, 5> kPercentiles = {{
    {"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"p99.9", 0.999}, {"p99.99", 0.9999}}};

/// Per-second rate of `count` over the measured phase (0 when it is empty).
inline double rate_per_s(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

/// The machine this process runs on, from uname(2), /proc/cpuinfo and
/// /proc/meminfo; fields it cannot read stay empty.
MachineInfo describe_machine();

}  // namespace mq::bench
