// format_compare: figures side by side with B/A, and what differs.

#include <doctest/doctest.h>

#include "bench/output.hpp"
#include "sample_result.hpp"

namespace mq::bench {

TEST_CASE("compare: ratios B/A and the settings that differ") {
  const RunResult a = sample::worker_result({}, 0, 1);
  RunResult b = a;
  b.totals.received *= 2;
  b.totals.lost = 0;
  b.settings["qos"] = 0;
  b.settings["retain"] = true;
  b.e2e = LatencyHistogram{};
  for (int i = 0; i < 100; ++i) b.e2e.record(1'000'000);
  const std::string t = format_compare(a, b, "before.json", "after.json");
  INFO(t);
  CHECK(t.rfind("                           before.json      after.json       B/A\n", 0) == 0);
  CHECK(t.find("\nreceived/s                       800.0          1600.0     2.000\n") != std::string::npos);
  CHECK(t.find("\nlost                                 1               0     0.000\n") != std::string::npos);
  CHECK(t.find("\nreordered                            0               0         =\n") != std::string::npos);
  CHECK(t.find("\ne2e max us                     19394.6          1000.0     0.052\n") != std::string::npos);
  CHECK(t.find("\nsettings that differ\n  qos: 1 -> 0\n  retain: (unset) -> true\n") != std::string::npos);
  CHECK(format_compare(a, a).find("\nsame settings\n") != std::string::npos);
  RunResult zero = a;
  zero.totals.duplicates = 0;
  CHECK(format_compare(zero, a).find("\nduplicates                           0               1       new\n") !=
        std::string::npos);
}

}  // namespace mq::bench
