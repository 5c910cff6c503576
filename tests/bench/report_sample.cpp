// Writes the HTML report of a synthetic run (tests/unit/bench/sample_result.hpp)
// to the path given: what tests/integration/mqbench_report_test.py opens in
// a headless browser. A second argument "empty" writes the report of a run
// that measured nothing, which must still render without script errors.

#include <cstdio>
#include <cstring>

#include "bench/output.hpp"
#include "sample_result.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: mq_report_sample FILE.html [empty]\n");
    return 2;
  }
  mq::bench::RunResult r;
  if (argc == 3 && std::strcmp(argv[2], "empty") == 0) {
    r.measured_s = 1;
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
