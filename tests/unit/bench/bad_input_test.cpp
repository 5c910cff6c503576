// Damaged input never crashes the readers: every truncation of a result
// file and of an --slo text, and single-byte corruptions of a result file,
// either parse or give an error.

#include <doctest/doctest.h>

#include <sstream>

#include "bench/output.hpp"
#include "bench/slo.hpp"
#include "sample_result.hpp"

namespace mq::bench {

TEST_CASE("bad input: every truncation of a result file parses or is refused") {
  std::ostringstream out;
  write_ndjson(out, sample::worker_result({1, 1, 5}, 0, 1));
  const std::string text = out.str();
  const std::size_t summary = text.find("{\"type\":\"summary\"");
  // Every third length (each parse reads the whole prefix; this stays
  // quick under the sanitizers), and the last few.
  for (std::size_t n = 0; n + 1 < text.size(); n += (n + 8 < text.size() ? 3 : 1)) {
    std::vector<RunResult> runs;
    const auto error = read_results_text(std::string_view(text).substr(0, n), "t", runs);
    // No prefix is a whole run, and a cut inside the summary never passes as one.
    CHECK(error.has_value());
    if (n > summary) CHECK(error->find("t:2: not JSON") == 0);
  }
  // Whole without the final '\n' too.
  std::vector<RunResult> runs;
  CHECK(read_results_text(std::string_view(text).substr(0, text.size() - 1), "t", runs) == std::nullopt);
}

TEST_CASE("bad input: corrupted bytes in a result file are parsed or refused") {
  std::ostringstream out;
  write_ndjson(out, sample::worker_result({1, 1, 5}, 0, 1));
  const std::string text = out.str();
  std::uint64_t state = 1;
  const char replacements[] = {'"', '{', '}', '[', ']', ',', ':', '-', '9', 'x', '\n', '\0', '\xff'};
  for (int round = 0; round < 300; ++round) {
    std::string bad = text;
    state = sample::mix(state);
    bad[state % bad.size()] = replacements[(state >> 32) % sizeof replacements];
    std::vector<RunResult> runs;
    const auto error = read_results_text(bad, "t", runs);
    if (!error) {
      REQUIRE(runs.size() >= 1);
      // Whatever was accepted can be written out again and rendered.
      (void)format_table(runs[0]);
      (void)html_report(runs[0]);
      RunResult merged;
      CHECK(merge(runs, merged) == std::nullopt);
    }
  }
  std::vector<RunResult> runs;
  std::string not_object = text;
  const std::size_t from = not_object.find("\"settings\":{") + 11;
  not_object.replace(from, not_object.find(",\"machine\"") - from, "\"qos 1\"");
  CHECK(read_results_text(not_object, "t", runs) == "t:2: summary: \"settings\" must be an object");
}

TEST_CASE("bad input: every truncation of an --slo text parses or is refused") {
  const std::string text = "p99.9<=2.5ms,loss=0,rate>=100000,connect_p99<1s,duplicates==0";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    std::vector<SloObjective> objectives;
    const auto error = parse_slo(text.substr(0, n), objectives);
    CHECK((error.has_value() || !objectives.empty()));
  }
}

}  // namespace mq::bench
