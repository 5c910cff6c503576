// An embedded broker's memory is mqbench's own (shown as shared, JSON null,
// never a false 0), and a run's last sliver of an interval is marked partial
// and kept out of the report's plots over time.

#include <doctest/doctest.h>

#include <sstream>

#include "bench/output.hpp"
#include "sample_result.hpp"

namespace mq::bench {

TEST_CASE("usage: an in-process broker's RSS is 'shared' in the table, null in JSON, and reads back") {
  RunResult r = sample::worker_result({}, 0, 1);
  r.broker = ProcessUsage{true, 0.5, 0.25, 0, true};
  const std::string t = format_table(r);
  INFO(t);
  CHECK(t.find("broker   CPU 0.15 cores (0.50 s user, 0.25 s system), peak RSS shared with mqbench\n") !=
        std::string::npos);
  CHECK(t.find("RSS 0.0 MiB") == std::string::npos);
  const auto j = summary_to_json(r);
  CHECK(j["broker"]["peak_rss_bytes"].is_null());
  CHECK(j["self"]["peak_rss_bytes"] == r.self.peak_rss_bytes);

  std::ostringstream out;
  write_ndjson(out, r);
  std::vector<RunResult> back;
  REQUIRE(read_results_text(out.str(), "r.json", back) == std::nullopt);
  REQUIRE(back.size() == 1);
  CHECK(back[0].broker.rss_shared);
  CHECK_FALSE(back[0].self.rss_shared);
  // compare has no broker RSS row for a shared one, rather than a ratio of zeros
  CHECK(format_compare(back[0], back[0]).find("broker peak RSS") == std::string::npos);
}

TEST_CASE("intervals: a partial last interval round-trips, merges, and stays out of the rate plot") {
  RunResult r = sample::worker_result({}, 0, 1);
  const std::size_t full = r.intervals.size();
  IntervalRecord sliver;
  sliver.start_s = r.measured_s;
  sliver.end_s = r.measured_s + 0.0005;
  sliver.delta.received = 2;
  sliver.partial = true;
  r.intervals.push_back(sliver);

  const auto j = interval_to_json(sliver, 0);
  CHECK(j["partial"] == true);
  CHECK_FALSE(interval_to_json(r.intervals[0], 0).contains("partial"));

  std::ostringstream out;
  write_ndjson(out, r);
  std::vector<RunResult> back;
  REQUIRE(read_results_text(out.str(), "r.json", back) == std::nullopt);
  REQUIRE(back[0].intervals.size() == full + 1);
  CHECK(back[0].intervals.back().partial);
  CHECK_FALSE(back[0].intervals.front().partial);

  RunResult merged;
  REQUIRE(merge({back[0]}, merged) == std::nullopt);
  CHECK(merged.intervals.back().partial);

  // The page's time axis holds the full intervals only: the sliver's end
  // time (5.0005 s) is not plotted, the last full interval's (5 s) is.
  const std::string page = html_report(r);
  CHECK(page.find("5.0005") == std::string::npos);
  r.intervals.back().partial = false;
  CHECK(html_report(r).find("5.0005") != std::string::npos);
}

}  // namespace mq::bench
