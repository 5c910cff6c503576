// What an idle client costs the broker core. A broker holds tens of
// thousands of idle connections, so every byte per connection counts
// (tests/bench/broker_bench.sh compares the whole process with mosquitto).
// These tests pin the core's share: a field or container added to
// Connection or Session that idle clients pay for shows up here.

#include <doctest/doctest.h>

#include <fmt/format.h>

#include "../alloc_count.hpp"
#include "broker/broker.hpp"
#include "codec/encode.hpp"

using namespace mq;
using namespace mq::broker;

// The layouts behind the figure below (LP64 libstdc++; other standard
// libraries have smaller containers). Grouping the small fields keeps the
// padding out: each 16 bytes more moves the object up one malloc size class.
static_assert(sizeof(void*) != 8 || sizeof(Connection) <= 128);
static_assert(sizeof(void*) != 8 || sizeof(Session) <= 168);
static_assert(sizeof(void*) != 8 || sizeof(Framer) <= 48);

namespace {

/// Drops what the broker sends: the test measures the broker alone.
struct NullOutput final : Output {
  std::size_t closes = 0;
  void send(ConnectionId, ByteView) override {}
  void close(ConnectionId) override { ++closes; }
};

/// Connects `n` clean 3.1.1 clients (16-character client ids, no will) and
/// returns the heap bytes the broker holds for each.
double bytes_per_idle_client(Broker& b, NullOutput& net, std::size_t n, TimePoint now, std::uint16_t keep_alive = 0) {
  std::vector<std::vector<std::uint8_t>> connects;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string client_id = fmt::format("idle-client-{:04}", i);
    Connect k;
    k.client_id = client_id;
    k.clean_start = true;
    k.keep_alive = keep_alive;
    connects.push_back(encode(Packet{k}, ProtocolVersion::v311));
  }
  std::vector<ConnectionId> ids;
  ids.reserve(n);
  const std::size_t before = test::live_heap_bytes();
  for (std::size_t i = 0; i < n; ++i) {
    ids.push_back(b.open(PeerInfo{"127.0.0.1:50000", "0", ""}, now));
    b.receive(ids.back(), connects[i], now);
    b.flush();
  }
  const std::size_t after = test::live_heap_bytes();
  REQUIRE(b.counters().clients_connected == n);
  REQUIRE(net.closes == 0);
  for (ConnectionId id : ids) b.closed(id, now);
  return static_cast<double>(after - before) / static_cast<double>(n);
}

/// A broker as mqbroker configures it by default (keep alive 0 accepted), without $SYS.
Config idle_config() {
  Config config;
  config.sys_interval = 0;
  config.allow_anonymous = true;
  config.max_keepalive = 0;
  return config;
}

}  // namespace

TEST_CASE("an idle clean client costs the broker core at most 317 heap bytes") {
  // Counted as malloc's usable sizes: Connection (128, built in place in
  // chunks of 64: 131 with the last chunk's room; topic aliases and
  // enhanced authentication share one pointer), Session (168; its
  // listener name is the broker's one copy, its 16-byte client id is
  // inline, its subscriptions take no storage while there are none) and
  // its slot in the session index (8 at a load between 3/8 and 3/4: 16 at
  // 2000 sessions in 4096 slots): about 316. Topic
  // aliases, wills, user names, QoS 2 receipts, message queues, the framer's
  // spill buffer and pending output are allocated only when used, and the
  // connect timeout is not a per-connection timer.
  NullOutput net;
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  Broker b(idle_config(), net, nullptr, now);
  const double per_client = bytes_per_idle_client(b, net, 2000, now);
  MESSAGE("broker core heap bytes per idle client: " << per_client);
  CHECK(per_client <= 317);
  CHECK(b.counters().connections == 0);
}

TEST_CASE("a keep alive costs an idle client one 16-byte timer entry") {
  // The keep-alive check is a (deadline, connection id) pair in a heap: no
  // client identifier is copied for it. 2000 entries in a vector of 2048.
  NullOutput net;
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  Broker plain(idle_config(), net, nullptr, now);
  const double without = bytes_per_idle_client(plain, net, 2000, now);
  Broker kept(idle_config(), net, nullptr, now);
  const double with = bytes_per_idle_client(kept, net, 2000, now, 60);
  MESSAGE("broker core heap bytes per idle client with keep alive: " << with);
  CHECK(with - without <= 17);
}
