// A subscriber whose socket does not take more bytes (Broker::set_backlogged):
// its QoS 0 messages are dropped and counted, its QoS 1/2 messages wait in
// its session queue and go out once it drains, and nobody else is affected.

#include "harness.hpp"

using namespace mq;
using namespace mq::broker;
using namespace mq::broker::test;

TEST_CASE("backlog: QoS 0 dropped and counted, QoS 1 queued until drained, others unaffected") {
  Harness h;
  Client slow(h), other(h), pub(h);
  connect(slow, "slow");
  connect(other, "other");
  connect(pub, "pub");
  subscribe(slow, "t", 1);
  subscribe(other, "t", 1);

  h.broker.set_backlogged(slow.id(), true, h.now);
  pub.send(publish_packet("t", "zero", 0));
  pub.send(publish_packet("t", "one", 1, 7));
  CHECK(pub.expect<Puback>().packet_id == 7);

  CHECK(slow.packets().empty());
  auto got = other.publishes();
  REQUIRE(got.size() == 2);
  CHECK(got[0].payload.size() == 4);  // "zero"
  CHECK(got[1].qos == 1);
  CHECK(h.broker.counters().dropped_backlog == 1);
  CHECK(h.broker.counters().messages_dropped() == 1);
  CHECK(h.broker.counters().queued == 1);

  h.broker.set_backlogged(slow.id(), false, h.now);
  h.broker.flush();
  auto late = slow.publishes();
  REQUIRE(late.size() == 1);
  CHECK(late[0].qos == 1);
  CHECK(late[0].payload.size() == 3);  // "one"
  CHECK(h.broker.counters().queued == 0);
}

TEST_CASE("backlog: unknown connection ids are ignored") {
  Harness h;
  h.broker.set_backlogged(12345, true, h.now);
  h.broker.set_backlogged(12345, false, h.now);
  CHECK(h.broker.counters().dropped_backlog == 0);
}
