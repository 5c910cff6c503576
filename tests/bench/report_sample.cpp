// Writes the HTML report of a synthetic run (tests/unit/bench/sample_result.hpp)
// to the path given: what tests/integration/mqbench_report_test.py opens in
// a headless browser. A second argument "empty" writes the report of a run
// that measured nothing, which must still render without script errors;
// "conn" that of a connection-churn run (no messages).

#include <cstdio>
#include <cstring>

#include "bench/output.hpp"
#include "sample_result.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: mq_report_sample FILE.html [empty|conn]\n");
    return 2;
  }
  mq::bench::RunResult r;
  if (argc == 3 && std::strcmp(argv[2], "empty") == 0) {
    r.measured_s = 1;
  } else if (argc == 3 && std::strcmp(argv[2], "conn") == 0) {
    // Connection churn: connections per second and connect latency only.
    r.settings = {{"mode", "conn"}, {"connections", 200}};
    r.measured_s = 10;
    for (unsigned t = 0; t < 10; ++t) {
      mq::bench::IntervalRecord in;
      in.start_s = t;
      in.end_s = t + 1;
      in.delta.connects_ok = 1000 + 10 * t;
      for (unsigned k = 0; k < in.delta.connects_ok; ++k)
        r.connect.record(150'000 + mq::bench::sample::mix(k + t) % 900'000);
      r.totals += in.delta;
      r.intervals.push_back(in);
    }
  } else {
    r = mq::bench::sample::worker_result({8, 30, 100}, 0, 1);
    r.settings["topic"] = "bench/</script><b>%i";  // user text must stay text
    r.warnings = {"mqbench used 97% of a core; the figures may be its own limit"};
  }
  if (const auto error = mq::bench::write_html_report(r, argv[1])) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return 1;
  }
  return 0;
}
