// Reconnect backoff: exponential growth, the cap, jitter from an injected
// random source, reset.

#include <doctest/doctest.h>

#include "client/backoff.hpp"

using mq::client::Backoff;
using namespace std::chrono_literals;

TEST_CASE("without jitter the delays double up to the cap") {
  Backoff b(100ms, 1000ms, 2.0, 0.0, [] { return 0.5; });
  CHECK(b.next() == 100ms);
  CHECK(b.next() == 200ms);
  CHECK(b.next() == 400ms);
  CHECK(b.next() == 800ms);
  CHECK(b.next() == 1000ms);
  CHECK(b.next() == 1000ms);
  CHECK(b.attempts() == 6);
  b.reset();
  CHECK(b.next() == 100ms);
}

TEST_CASE("full jitter draws from (0, ceiling] with the injected random source") {
  double r = 0.0;
  Backoff b(100ms, 10s, 2.0, 1.0, [&r] { return r; });
  r = 0.0;
  CHECK(b.next() == 100ms);  // random 0: the ceiling itself
  r = 0.5;
  CHECK(b.next() == 100ms);  // ceiling 200 ms, halved
  r = 0.75;
  CHECK(b.next() == 100ms);  // ceiling 400 ms, a quarter left
  r = 0.999;
  CHECK(b.next() == 1ms);    // ceiling 800 ms, almost nothing left (rounded)
}

TEST_CASE("partial jitter keeps a floor; huge attempt counts stay at the cap") {
  Backoff b(1s, 30s, 3.0, 0.2, [] { return 1.0; });
  CHECK(b.next() == 800ms);  // 1 s minus 20 %
  for (int i = 0; i < 2000; ++i) b.next();
  CHECK(b.next() == 24s);    // 30 s cap minus 20 %
}

TEST_CASE("out-of-range parameters are clamped") {
  Backoff b(100ms, 50ms, 0.5, 7.0, [] { return 2.0; });  // max below initial, factor < 1, jitter > 1
  CHECK(b.next() == 0ms);  // full jitter with random clamped to 1
  Backoff exact(100ms, 50ms, 0.5, 0.0, nullptr);
  CHECK(exact.next() == 100ms);
  CHECK(exact.next() == 100ms);
}
