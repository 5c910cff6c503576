// NDJSON round trip and merge(): N workers' results, written and read back,
// merge to exactly what one process running the whole load reports.

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "bench/output.hpp"
#include "sample_result.hpp"

namespace mq::bench {
namespace {

std::vector<RunResult> read_back(const std::string& text) {
  std::vector<RunResult> runs;
  const auto error = read_results_text(text, "t.json", runs);
  INFO(error.value_or(""));
  REQUIRE(!error);
  return runs;
}

std::string ndjson(const RunResult& r) {
  std::ostringstream out;
  write_ndjson(out, r);
  return out.str();
}

}  // namespace

TEST_CASE("ndjson: a result written and read back is the same result") {
  RunResult r = sample::worker_result({}, 1, 3);
  r.warnings = {"mqbench used 97% of a core"};
  r.settings["topic"] = "bench/%i";
  const std::string text = ndjson(r);
  // One line per interval, then one summary line.
  CHECK(std::count(text.begin(), text.end(), '\n') == 6);
  CHECK(text.rfind("{\"type\":\"interval\",\"worker\":1,\"start_s\":0.0,\"end_s\":1.0,\"counters\":{\"published\":", 0) == 0);
  const auto runs = read_back(text);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0] == r);
  // Two runs in one stream (cat a.json b.json) are two results.
  CHECK(read_back(text + "\n" + ndjson(sample::worker_result({}, 0, 1))).size() == 2);
}

TEST_CASE("ndjson: the summary carries figures for people and jq") {
  const RunResult r = sample::worker_result({}, 0, 1);
  const auto j = summary_to_json(r);
  CHECK(j["type"] == "summary");
  CHECK(j["counters"]["received"] == 4000);
  CHECK(j["rates"]["received_per_s"] == 800.0);
  CHECK(j["subscribers"]["received"] == nlohmann::ordered_json::array({1000, 1000, 1000, 1000}));
  CHECK(j["subscribers"]["median"] == 1000);
  CHECK(j["latency"]["e2e"]["us"]["count"] == 4000);
  CHECK(j["latency"]["e2e"]["us"]["p50"].get<double>() == static_cast<double>(r.e2e.percentile(0.5)) / 1000.0);
  CHECK(j["latency"]["e2e"]["histogram"]["count"] == 4000);
  CHECK(j["self"]["cores"] == 0.15);
  CHECK(j["generator_lag"]["late"] == r.lag.late);
}

TEST_CASE("ndjson: what is not mqbench output is refused with file and line") {
  std::vector<RunResult> runs;
  auto error_of = [&](const std::string& text) { return read_results_text(text, "x.json", runs).value_or("(accepted)"); };
  CHECK(error_of("") == "x.json: no summary line; is this mqbench --json output?");
  CHECK(error_of("hello\n") == "x.json:1: not JSON (mqbench --json writes one object per line)");
  CHECK(error_of("\n[1]\n") == "x.json:2: expected a JSON object");
  CHECK(error_of("{\"topic\":\"a\"}") == "x.json:1: no \"type\"; not a line written by mqbench --json");
  CHECK(error_of("{\"type\":\"other\"}") == "x.json:1: unknown record type \"other\"");
  const std::string good = ndjson(sample::worker_result({}, 0, 1));
  const std::string intervals_only = good.substr(0, good.rfind("{\"type\":\"summary\""));
  CHECK(error_of(intervals_only) == "x.json: ends without a summary line (was the run cut short?)");
  std::string bad = good;
  bad.replace(bad.find("\"measured_s\":5.0"), 16, "\"measured_s\":\"5\"");
  CHECK(error_of(bad) == "x.json:6: summary: \"measured_s\" must be a number");
  bad = good;
  bad.replace(bad.rfind("\"sub_buckets\":128"), 17, "\"sub_buckets\":64");
  CHECK(error_of(bad) ==
        "x.json:6: summary.latency.subscribe.histogram: 64 sub-buckets per power of two, this build reads 128");
  CHECK(read_results("/nonexistent/r.json", runs) == "/nonexistent/r.json: cannot open");
  CHECK(read_results("/", runs) == "/: is a directory");
}

TEST_CASE("merge: N workers' results merge to the single-process arithmetic") {
  const sample::Load load{7, 4, 150};
  RunResult whole = sample::worker_result(load, 0, 1);
  for (unsigned n : {1u, 2u, 3u, 7u}) {
    std::vector<RunResult> parts;
    // In reverse order, through NDJSON: merge sorts by worker index and
    // needs nothing that is not in the file.
    for (unsigned i = n; i-- > 0;) {
      auto runs = read_back(ndjson(sample::worker_result(load, i, n)));
      parts.push_back(std::move(runs.at(0)));
    }
    RunResult m;
    REQUIRE(merge(parts, m) == std::nullopt);
    INFO("workers: " << n);
    CHECK(m.merged_from == n);
    CHECK(m.worker_count == n);
    CHECK(m.totals == whole.totals);
    CHECK(m.e2e == whole.e2e);
    CHECK(m.ack == whole.ack);
    CHECK(m.connect == whole.connect);
    CHECK(m.subscribe == whole.subscribe);
    CHECK(m.e2e.percentile(0.999) == whole.e2e.percentile(0.999));
    REQUIRE(m.intervals.size() == whole.intervals.size());
    for (std::size_t k = 0; k < m.intervals.size(); ++k) CHECK(m.intervals[k] == whole.intervals[k]);
    CHECK(m.failures_by_cause == whole.failures_by_cause);
    CHECK(m.failures_by_reason == whole.failures_by_reason);
    CHECK(m.lag == whole.lag);
    CHECK(m.measured_s == whole.measured_s);
    // Per-subscriber counts in worker order: same multiset as the whole run.
    auto a = m.per_subscriber_received, b = whole.per_subscriber_received;
    CHECK(a.size() == b.size());
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    CHECK(a == b);
    // Own CPU adds up across worker processes; memory is the largest one.
    CHECK(m.self.cpu_user_s == doctest::Approx(0.5 * n));
    CHECK(m.self.peak_rss_bytes == 20u << 20);
    CHECK(m.broker.peak_rss_bytes == (30u + n - 1) << 20);
    CHECK(m.settings.find("worker") == m.settings.end());
    CHECK(m.started_unix_s == whole.started_unix_s);
  }
}

TEST_CASE("merge: refuses what cannot be one load, warns about what is odd") {
  RunResult out;
  CHECK(merge({}, out) == "merge: no results to merge");
  const sample::Load load{};
  CHECK(merge({sample::worker_result(load, 1, 2), sample::worker_result(load, 1, 2)}, out) ==
        "merge: worker 1 of 2 appears twice");
  CHECK(merge({sample::worker_result(load, 0, 2), sample::worker_result(load, 1, 3)}, out) ==
        "merge: results of different loads: worker 0/2 and worker 1/3");
  REQUIRE(merge({sample::worker_result(load, 2, 3)}, out) == std::nullopt);
  CHECK(out.warnings == std::vector<std::string>{"merge: 1 of 3 workers' results merged; the load is incomplete"});
  auto late = sample::worker_result(load, 1, 2);
  late.started_unix_s += 2.5;
  late.settings["qos"] = 0;
  late.warnings = {"mqbench used 97% of a core"};
  REQUIRE(merge({sample::worker_result(load, 0, 2), late}, out) == std::nullopt);
  CHECK(out.warnings == std::vector<std::string>{
                            "merge: the workers ran with different settings; the first worker's are shown",
                            "worker 1: mqbench used 97% of a core",
                            "merge: the workers started 2.5 s apart; intervals are aligned by index"});
  CHECK(out.machine.hostname == "bench-host-0, bench-host-1");
}

}  // namespace mq::bench
