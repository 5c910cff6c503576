// --slo: parsing, the exact error for each kind of bad text, and verdicts.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "bench/slo.hpp"
#include "sample_result.hpp"

namespace mq::bench {
namespace {

std::string error_of(std::string_view text) {
  std::vector<SloObjective> out;
  return parse_slo(text, out).value_or("(accepted)");
}

std::vector<SloObjective> parse(std::string_view text) {
  std::vector<SloObjective> out;
  const auto e = parse_slo(text, out);
  INFO(e.value_or(""));
  REQUIRE(!e);
  return out;
}

}  // namespace

TEST_CASE("slo: parses latencies with units, counts and rates") {
  const auto o = parse("p99<5ms, loss=0,rate>=100000,p99.99<=250us,max<1s,ack_p50<2ms,connect_p99<100ms,mean<800ns,"
                       "duplicates==0,subscribe_max>0us");
  REQUIRE(o.size() == 10);
  CHECK(o[0].histogram == "e2e");
  CHECK(o[0].fraction == 0.99);
  CHECK(o[0].op == SloObjective::Op::less);
  CHECK(o[0].threshold == 5e6);
  CHECK(o[0].text == "p99<5ms");
  CHECK(o[1].counter == "lost");
  CHECK(o[1].op == SloObjective::Op::equal);
  CHECK(o[2].counter == "rate");
  CHECK(o[2].op == SloObjective::Op::greater_equal);
  CHECK(o[2].threshold == 100000);
  CHECK(o[3].fraction == doctest::Approx(0.9999));
  CHECK(o[3].op == SloObjective::Op::less_equal);
  CHECK(o[3].threshold == 250e3);
  CHECK(o[4].fraction == 1.0);
  CHECK(o[4].threshold == 1e9);
  CHECK(o[5].histogram == "ack");
  CHECK(o[6].histogram == "connect");
  CHECK(o[7].mean);
  CHECK(o[7].threshold == 800);
  CHECK(o[8].op == SloObjective::Op::equal);
  CHECK(o[9].histogram == "subscribe");
  CHECK(o[9].op == SloObjective::Op::greater);
}

TEST_CASE("slo: bad text gets a precise one-line error") {
  CHECK(error_of("") == "--slo: empty; give objectives such as 'p99<5ms,loss=0,rate>=100000'");
  CHECK(error_of("p99<5") == "--slo: 'p99<5': a latency needs a unit: us, ms or s");
  CHECK(error_of("p99<5h") == "--slo: 'p99<5h': unknown unit 'h'; use ns, us, ms or s");
  CHECK(error_of("loss=0ms") == "--slo: 'loss=0ms': loss is a count and takes no unit");
  CHECK(error_of("rate>=1k") == "--slo: 'rate>=1k': rate is a rate (received messages per second) and takes no unit");
  CHECK(error_of("p99 5ms") == "--slo: 'p99 5ms': no comparison; use <, <=, >, >= or =");
  CHECK(error_of("<5ms") == "--slo: '<5ms': no metric before the comparison");
  CHECK(error_of("p99<") == "--slo: 'p99<': no number after the comparison");
  CHECK(error_of("p99<fast") == "--slo: 'p99<fast': 'fast' is not a number");
  CHECK(error_of("p0<1ms") == "--slo: 'p0<1ms': percentile p0 is outside 0..100");
  CHECK(error_of("p101<1ms") == "--slo: 'p101<1ms': percentile p101 is outside 0..100");
  CHECK(error_of("p99<5ms,,loss=0") == "--slo: objective 2 is empty (two commas in a row?)");
  CHECK(error_of("p99<5ms,") == "--slo: objective 2 is empty (two commas in a row?)");
  CHECK(error_of("latency<5ms").rfind("--slo: 'latency<5ms': unknown metric 'latency'; use p50..p99.99, max,", 0) == 0);
}

TEST_CASE("slo: verdicts say what was measured against what was wanted") {
  RunResult r = sample::worker_result({}, 0, 1);  // 4000 received in 5 s, one lost, one duplicate
  const auto objectives = parse("p50<1ms,p99.99<1ms,loss=0,duplicates<=1,rate>=800,rate>800,connect_max<1ms,ack_p99>1s");
  const auto v = evaluate_slo(objectives, r);
  REQUIRE(v.size() == 8);
  const double p50_ms = static_cast<double>(r.e2e.percentile(0.5)) / 1e6;
  CHECK(v[0].passed);
  CHECK(v[0].message == fmt::format("p50<1ms: passed, measured {:.3f} ms (wanted < 1.000 ms)", p50_ms));
  CHECK(!v[1].passed);
  CHECK(v[1].message == "p99.99<1ms: failed, measured 19.395 ms (wanted < 1.000 ms)");
  CHECK(!v[2].passed);
  CHECK(v[2].message == "loss=0: failed, measured 1 (wanted = 0)");
  CHECK(v[3].passed);
  CHECK(v[4].passed);
  CHECK(v[4].measured == 800);
  CHECK(!v[5].passed);
  CHECK(v[6].passed);
  CHECK(!v[7].passed);
  CHECK(!slo_passed(v));
  CHECK(slo_passed(evaluate_slo(parse("loss<=1,p50<1ms"), r)));
}

TEST_CASE("slo: no measurement is not a pass") {
  RunResult r;
  r.measured_s = 1;
  const auto v = evaluate_slo(parse("p99<5ms,ack_p99<1s"), r);
  CHECK(!v[0].passed);
  CHECK(v[0].message == "p99<5ms: failed, no e2e latency was measured");
  CHECK(v[1].message == "ack_p99<1s: failed, no ack latency was measured");
}

}  // namespace mq::bench
