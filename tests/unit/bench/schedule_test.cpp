// The open-loop schedule, its ramp, the send cursor of a client range, the
// lag meter, --worker parsing and partitioning: N workers' sends are
// exactly the one-process load.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "bench/schedule.hpp"
#include "bench/worker.hpp"

namespace mq::bench {
namespace {

// Every send of `range` due before `until_ns`, as (at_ns, client, seq).
std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> sends_of(const OpenLoopSchedule& s,
                                                                               ClientRange range,
                                                                               std::uint64_t until_ns) {
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> out;
  if (range.count == 0) return out;
  SendCursor c(s, range);
  for (std::size_t guard = 0; c.peek().at_ns < until_ns && guard < 1'000'000; ++guard, c.advance())
    out.emplace_back(c.peek().at_ns, c.peek().client, c.peek().seq);
  return out;
}

}  // namespace

TEST_CASE("schedule: a steady rate spaces sends evenly and deals them round-robin") {
  const OpenLoopSchedule s(1000, 0, 4);  // 1000/s in total over 4 clients: 250/s each
  CHECK(s.offset_ns(0) == 0);
  CHECK(s.offset_ns(1) == 1'000'000);
  CHECK(s.offset_ns(1000) == 1'000'000'000);
  CHECK(s.client_send_ns(0, 1) == 4'000'000);  // each client every 4 ms
  CHECK(s.client_send_ns(3, 0) == 3'000'000);  // clients offset by 1 ms
  CHECK(s.due_by(0) == 1);
  CHECK(s.due_by(999'999) == 1);
  CHECK(s.due_by(1'000'000) == 2);
  CHECK(s.due_by(1'000'000'000) == 1001);
}

TEST_CASE("schedule: a ramp rises linearly to the rate, then holds it") {
  const OpenLoopSchedule s(1000, 2.0, 1);  // 0 -> 1000/s over 2 s: 1000 sends in the ramp
  CHECK(s.due_by(1'000'000'000) == 251);   // N(1 s) = 1000 * 1 / 4 = 250, plus send 0
  CHECK(s.due_by(2'000'000'000) == 1001);
  CHECK(s.due_by(3'000'000'000) == 2001);  // then 1000/s
  CHECK(s.offset_ns(1000) == 2'000'000'000);
  CHECK(s.offset_ns(1001) == 2'001'000'000);
  // Send times never go backwards, and due_by agrees with offset_ns.
  for (std::uint64_t g = 1; g < 3000; ++g) {
    CHECK(s.offset_ns(g) >= s.offset_ns(g - 1));
    CHECK(s.due_by(s.offset_ns(g)) >= g + 1);
  }
}

TEST_CASE("schedule: the cursor walks a client range in time order") {
  const OpenLoopSchedule s(100, 0, 10);
  const auto sends = sends_of(s, ClientRange{3, 2}, 250'000'000);
  // Clients 3 and 4 send every 100 ms, at 30 and 40 ms past.
  REQUIRE(sends.size() == 6);
  CHECK(sends[0] == std::make_tuple(30'000'000u, 3u, 0u));
  CHECK(sends[1] == std::make_tuple(40'000'000u, 4u, 0u));
  CHECK(sends[2] == std::make_tuple(130'000'000u, 3u, 1u));
  CHECK(sends[5] == std::make_tuple(240'000'000u, 4u, 2u));
}

TEST_CASE("schedule: N workers' sends are exactly the one-process load") {
  for (double ramp : {0.0, 0.5}) {
    const std::uint64_t clients = 23;
    const OpenLoopSchedule s(5000, ramp, clients);
    const std::uint64_t until = 1'000'000'000;
    auto whole = sends_of(s, ClientRange{0, clients}, until);
    for (unsigned n : {1u, 2u, 5u, 23u, 30u}) {
      std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> all;
      std::uint64_t next_first = 0;
      for (unsigned i = 0; i < n; ++i) {
        const ClientRange r = partition(clients, WorkerSpec{i, n});
        CHECK(r.first == next_first);  // contiguous, in worker order
        next_first = r.first + r.count;
        const auto mine = sends_of(s, r, until);
        all.insert(all.end(), mine.begin(), mine.end());
      }
      CHECK(next_first == clients);
      std::sort(all.begin(), all.end());
      std::sort(whole.begin(), whole.end());
      CHECK(all == whole);
    }
    CHECK(whole.size() == s.due_by(until - 1));
  }
}

TEST_CASE("partition and count_share: blocks and shares add up exactly") {
  CHECK(partition(10, {0, 3}) == ClientRange{0, 3});
  CHECK(partition(10, {1, 3}) == ClientRange{3, 3});
  CHECK(partition(10, {2, 3}) == ClientRange{6, 4});
  CHECK(partition(2, {1, 5}) == ClientRange{0, 0});  // more workers than clients: some idle
  CHECK(partition(UINT64_MAX, {1, 2}).count + partition(UINT64_MAX, {0, 2}).count == UINT64_MAX);
  std::uint64_t sum = 0;
  for (std::uint64_t c = 0; c < 7; ++c) sum += count_share(100, 7, c);
  CHECK(sum == 100);
  CHECK(count_share(100, 7, 0) == 15);
  CHECK(count_share(100, 7, 6) == 14);
  CHECK(connect_offset_ns(5, 1000) == 5'000'000);
  CHECK(connect_offset_ns(5, 0) == 0);
}

TEST_CASE("lag meter: late sends and the largest delay") {
  LagMeter m(1'000'000);
  m.sent(100, 100);
  m.sent(100, 1'000'100);    // exactly at the threshold: not late
  m.sent(100, 1'000'101);
  m.sent(5'000'000, 4'000'000);  // early (the loop woke ahead): 0 behind
  CHECK(m.lag().scheduled == 4);
  CHECK(m.lag().late == 1);
  CHECK(m.lag().max_ns == 1'000'001);
  CHECK(m.lag().late_share() == 0.25);
  m.reset();
  CHECK(m.lag().scheduled == 0);
  CHECK(m.lag().late_threshold_ns == 1'000'000);
}

TEST_CASE("--worker: I/N, N with the index from Kubernetes or Slurm, and the errors") {
  std::map<std::string, std::string> vars;
  const EnvLookup env = [&](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  auto parse = [&](std::string_view text) {
    WorkerSpec w{99, 99};
    const auto e = parse_worker(text, env, w);
    return e ? *e : fmt::format("{}/{}", w.index, w.count);
  };
  CHECK(parse("2/4") == "2/4");
  CHECK(parse("0/1") == "0/1");
  CHECK(parse("4") == "--worker '4': no index; give I/N, or set JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID");
  vars["JOB_COMPLETION_INDEX"] = "3";
  CHECK(parse("4") == "3/4");
  CHECK(parse("1/4") == "1/4");  // explicit wins
  CHECK(parse("3") == "--worker: index 3 is not below the number of workers 3 (workers count from 0)");
  vars["JOB_COMPLETION_INDEX"] = "x";
  CHECK(parse("4") == "--worker: JOB_COMPLETION_INDEX='x' is not a whole number");
  vars.erase("JOB_COMPLETION_INDEX");
  vars["SLURM_ARRAY_TASK_ID"] = "7";
  vars["SLURM_ARRAY_TASK_MIN"] = "5";
  CHECK(parse("3") == "2/3");
  CHECK(parse("4/4") == "--worker: index 4 is not below the number of workers 4 (workers count from 0)");
  CHECK(parse("a/4") == "--worker 'a/4': I must be a whole number (workers count from 0)");
  CHECK(parse("1/0").rfind("--worker '1/0': N must be a whole number of workers, 1 or more", 0) == 0);
  CHECK(parse("").rfind("--worker '': N must be", 0) == 0);
  CHECK(parse("-1/4") == "--worker '-1/4': I must be a whole number (workers count from 0)");
}

}  // namespace mq::bench
