#include <doctest/doctest.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "net/listener.hpp"
#include "net/precise_timer.hpp"
#include "net/socket_connect.hpp"

#include "net_test_util.hpp"

using namespace mq::net;
using namespace mq::net::test;
using namespace std::chrono_literals;

TEST_CASE("loop: a wake-up from another thread runs its callback on the loop thread, at once") {
  TestLoop t;
  const auto loop_thread = std::this_thread::get_id();
  std::atomic<int> calls{0};
  std::thread::id ran_on;
  Wakeup wake(t.loop, [&] {
    ran_on = std::this_thread::get_id();
    ++calls;
  });
  Timer guard(t.loop);  // keeps the loop alive; the test fails if it fires
  bool timed_out = false;
  guard.start(5s, [&] { timed_out = true; });
  const auto start = std::chrono::steady_clock::now();
  std::thread other([&] { wake.notify(); });
  CHECK(t.loop.run_until([&] { return calls.load() > 0 || timed_out; }));
  other.join();
  CHECK_FALSE(timed_out);
  CHECK(calls.load() == 1);
  CHECK(ran_on == loop_thread);
  // Far below the 5 s guard: the loop was woken, not polled by a timer.
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  guard.stop();
}

TEST_CASE("loop: a wake-up alone does not keep the loop running") {
  TestLoop t;
  int calls = 0;
  Wakeup wake(t.loop, [&] { ++calls; });
  t.loop.run();  // returns at once: nothing else is open
  CHECK(calls == 0);
  wake.detach();
  CHECK(t.loop.close() == 0);  // and detach() closed its handle
}

TEST_CASE("socket connect: a source address is the peer address the server sees") {
  TestLoop t;
  std::vector<std::string> peers;
  auto url = parse_url("mqtt://0.0.0.0:0");
  REQUIRE(url.ok());
  auto listener = Listener::listen(t.loop, url.value(), {}, [&](std::shared_ptr<Stream> s) {
    peers.push_back(s->peer_address());
    s->abort();
  });
  REQUIRE_MESSAGE(listener, listener.error().message);
  const std::uint16_t port = listener.value()->port();
  std::vector<std::unique_ptr<SocketConnect>> jobs;
  int done = 0;
  std::vector<std::shared_ptr<Stream>> streams;
  for (const char* source : {"127.0.0.2", "127.0.0.3"})
    jobs.push_back(SocketConnect::tcp(t.loop, "127.0.0.1", port, [&](std::shared_ptr<Stream> s, const NetError& e) {
      CHECK_MESSAGE(!e, e.message);
      if (s) streams.push_back(s);
      ++done;
    }, source));
  t.run_until([&] { return done == 2 && peers.size() == 2; });
  REQUIRE(peers.size() == 2);
  std::sort(peers.begin(), peers.end());
  CHECK(peers[0].starts_with("127.0.0.2:"));
  CHECK(peers[1].starts_with("127.0.0.3:"));
  // An address this machine does not have is a connect error, not a crash.
  bool failed = false;
  auto bad = SocketConnect::tcp(t.loop, "127.0.0.1", port, [&](std::shared_ptr<Stream> s, const NetError& e) {
    CHECK_FALSE(s);
    CHECK(e.code == NetErrc::Connect);
    failed = true;
  }, "192.0.2.1");
  t.run_until([&] { return failed; });
  for (auto& s : streams) s->abort();
}

TEST_CASE("precise timer: fires once at the absolute time asked for, never before; re-arms from its callback") {
  TestLoop t;
  std::vector<std::int64_t> fired;
  auto now_ns = [] {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  };
  std::vector<std::int64_t> targets;
  PreciseTimer* self = nullptr;
  PreciseTimer timer(t.loop, [&] {
    fired.push_back(now_ns());
    if (fired.size() < 3) {
      targets.push_back(now_ns() + 300'000);  // 0.3 ms: below libuv's millisecond timers
      self->start_at(targets.back());
    } else {
      self->stop();
    }
  });
  self = &timer;
  REQUIRE(timer.ok());
  targets.push_back(now_ns() + 2'000'000);
  timer.start_at(targets.back());
  t.run_until([&] { return fired.size() == 3; });
  REQUIRE(fired.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(fired[i] >= targets[i]);
  t.run_for(std::chrono::milliseconds(5));
  CHECK(fired.size() == 3);  // stopped: no further firing
}
