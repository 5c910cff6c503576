// The final table and the CSV: what is printed, and that a loss at QoS 1
// is said first and loudly.

#include <doctest/doctest.h>

#include <algorithm>

#include "bench/output.hpp"
#include "sample_result.hpp"

namespace mq::bench {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

bool has_line(const std::string& text, const std::string& line) {
  const auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("table: rates, loss, per-subscriber spread, latency in microseconds, usage") {
  RunResult r = sample::worker_result({}, 0, 1);
  r.totals.lost = 0;  // the sample loses one message at QoS 1: see the next case
  const std::string t = format_table(r);
  INFO(t);
  CHECK(lines_of(t).at(0) == "measured 5.00 s after a 1.00 s warm-up");
  CHECK(has_line(t, "  received                      4000           800.0"));
  CHECK(has_line(t, "  lost 0, duplicates 1, reordered 0"));
  CHECK(has_line(t, "  per subscriber (4): min 1000, median 1000, max 1000 received"));
  CHECK(has_line(t, "  latency us       min       p50       p90       p99     p99.9    p99.99       max      mean       count"));
  CHECK(has_line(t, "  ack            100.0     100.0     100.0     100.0     100.0     100.0     100.0     100.0           4"));
  CHECK(has_line(t, "  0x97 Quota exceeded                              1"));
  CHECK(has_line(t, "mqbench  CPU 0.15 cores (0.50 s user, 0.25 s system), peak RSS 20.0 MiB"));
  CHECK(t.find("LOSS") == std::string::npos);
}

TEST_CASE("table: a loss at QoS 1 or 2 comes first; at QoS 0 it is a figure") {
  RunResult r = sample::worker_result({}, 0, 1);
  r.totals.lost = 3;
  r.warnings = {"mqbench used 97% of a core; the figures may be its own limit"};
  std::string t = format_table(r);
  CHECK(lines_of(t).at(0) == "LOSS: 3 messages lost at QoS 1");
  CHECK(lines_of(t).back() == "warning: mqbench used 97% of a core; the figures may be its own limit");
  r.settings["qos"] = 0;
  t = format_table(r);
  CHECK(t.find("LOSS") == std::string::npos);
  CHECK(has_line(t, "  lost 3, duplicates 1, reordered 0"));
}

TEST_CASE("table: a connection-only run shows no empty message rows") {
  RunResult r;
  r.measured_s = 2;
  r.totals.connects_ok = 10;
  r.totals.connects_failed = 2;
  r.connect.record(250'000);
  r.failures_by_reason["0x87 Not authorized"] = 2;
  const std::string t = format_table(r);
  INFO(t);
  CHECK(t.find("acked") == std::string::npos);
  CHECK(has_line(t, "  connects 10 ok, 2 failed; subscribes 0 ok, 0 failed"));
  CHECK(has_line(t, "  connect        250.0     250.0     250.0     250.0     250.0     250.0     250.0     250.0           1"));
  CHECK(t.find("  e2e ") == std::string::npos);
}

TEST_CASE("csv: one header, one row per interval, a total row, same column count") {
  const RunResult r = sample::worker_result({}, 0, 1);
  const auto lines = lines_of(format_csv(r));
  REQUIRE(lines.size() == 1 + r.intervals.size() + 1);
  CHECK(lines[0].rfind("interval,start_s,end_s,published,acked,received,", 0) == 0);
  const auto columns = std::count(lines[0].begin(), lines[0].end(), ',');
  for (const auto& l : lines) CHECK(std::count(l.begin(), l.end(), ',') == columns);
  CHECK(lines[1].rfind("0,0.000,1.000,800,800,800,51200,51200,0,0,0,", 0) == 0);
  CHECK(lines[3].rfind("2,2.000,3.000,800,800,800,51200,51200,1,1,0,", 0) == 0);
  CHECK(lines.back().rfind("total,0.000,5.000,4000,4000,4000,256000,256000,1,1,0,4,0,4,0,0,0,800.0,4000,", 0) == 0);
  CHECK(csv_header() == lines[0] + "\n");
}

}  // namespace mq::bench
