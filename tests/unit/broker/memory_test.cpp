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
static_assert(sizeof(void*) != 8 || sizeof(Connection) <= 136);
static_assert(sizeof(void*) != 8 || sizeof(Session) <= 216);
static_assert(sizeof(void*) != 8 || sizeof(Framer) <= 48);

namespace {

/// Drops what the broker sends: the test measures the broker alone.
struct NullOutput final : Output {
  std::size_t closes = 0;
  void send(ConnectionId, ByteView) override {}
  void close(ConnectionId) override { ++closes; }
};

/// Connects `n` clean 3.1.1 clients (16-character client ids, no will, no
/// keep alive) and returns the heap bytes the broker holds for each.
double bytes_per_idle_client(Broker& b, NullOutput& net, std::size_t n, TimePoint now) {
  std::vector<std::vector<std::uint8_t>> connects;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string client_id = fmt::format("idle-client-{:04}", i);
    Connect k;
    k.client_id = client_id;
    k.clean_start = true;
    k.keep_alive = 0;
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

}  // namespace

TEST_CASE("an idle clean client costs the broker core at most 460 heap bytes") {
  // Counted as malloc's usable sizes: Connection (136), Session (216; its
  // listener name is a view of the broker's one copy), the 16-byte client
  // id (24), one node in each of the two indexes (24 and 40) and their
  // buckets (two entries per bucket, about 12): about 452. Topic
  // aliases, wills, user names, QoS 2 receipts, message queues, the framer's
  // spill buffer and pending output are allocated only when used, and the
  // connect timeout is not a per-connection timer.
  NullOutput net;
  Config config;
  config.sys_interval = 0;
  config.allow_anonymous = true;
  config.max_keepalive = 0;  // as mqbroker configures it by default: keep alive 0 accepted
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  Broker b(config, net, nullptr, now);
  const double per_client = bytes_per_idle_client(b, net, 2000, now);
  MESSAGE("broker core heap bytes per idle client: " << per_client);
  CHECK(per_client <= 460);
  CHECK(b.counters().connections == 0);
}
