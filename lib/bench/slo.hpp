#pragma once
/// Service-level objectives for `--slo`: a comma-separated list of
/// comparisons that decides the exit status, e.g. `p99<5ms,loss=0,rate>=100000`.
///
///   objective := metric op number [unit]
///   metric    := p50 | p90 | p99 | p99.9 | p99.99 | max | min | mean   (end-to-end latency)
///              | ack_p99 | connect_p99 | subscribe_p99 ... (that histogram; any percentile above)
///              | loss | duplicates | reordered | rate | received | published | acked
///              | connect_failures | subscribe_failures | publish_failures
///   op        := < | <= | > | >= | = | ==
///   unit      := ns | us | ms | s   (latency only; a latency without a unit is an error)
///
/// `rate` is received messages per second over the measured phase; `loss`,
/// `duplicates` and `reordered` are counts. A percentile of an empty
/// histogram fails its objective: no measurement is not a pass.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/results.hpp"

namespace mq::bench {

/// One parsed comparison.
struct SloObjective {
  enum class Op { less, less_equal, greater, greater_equal, equal };
  std::string text;        ///< as written, for messages
  std::string histogram;   ///< "e2e", "ack", "connect", "subscribe"; empty for counts and rates
  double fraction = 0;     ///< percentile as 0..1; 1 for max, 0 for min
  bool mean = false;       ///< the histogram's mean instead of a percentile
  std::string counter;     ///< "loss", "rate", ...: when histogram is empty
  Op op = Op::less;
  double threshold = 0;    ///< nanoseconds for latencies, else the plain number
  std::string unit;        ///< "us", "ms" or "s" as written (latencies); messages use it
};

/// The verdict on one objective.
struct SloVerdict {
  const SloObjective* objective = nullptr;
  bool passed = false;
  double measured = 0;     ///< nanoseconds for latencies
  std::string message;     ///< e.g. "p99<5ms: failed, measured 7.214 ms"
};

/// Parses `text` into `out`. An error quotes the objective and says what is
/// wrong with it ("--slo: 'p99<5' needs a unit: us, ms or s").
std::optional<std::string> parse_slo(std::string_view text, std::vector<SloObjective>& out);

/// Checks every objective against `result`, in order.
std::vector<SloVerdict> evaluate_slo(const std::vector<SloObjective>& objectives, const RunResult& result);

/// True when every verdict passed.
bool slo_passed(const std::vector<SloVerdict>& verdicts);

}  // namespace mq::bench
