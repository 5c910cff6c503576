// A session that holds a shared subscription and other matching
// subscriptions gets the shared copy as a delivery of its own (MQTT 5.0
// section 4.8.2): never merged with its non-shared matches.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// SUBSCRIBE id `packet_id`, one filter at `qos`, Subscription Identifier `id`.
Subscribe subscribe_with_id(std::uint16_t packet_id, std::string_view filter, QoS qos, std::uint32_t id) {
  Subscribe s = subscribe_packet(packet_id, filter, qos);
  s.properties.push_back(Property{PropertyId::SubscriptionIdentifier, id, {}, {}});
  return s;
}

}  // namespace

TEST_CASE("broker: a shared subscription's copy is delivered apart from the session's own match") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub");
  sub.send(subscribe_with_id(1, "mx/#", 0, 1));
  sub.send(subscribe_with_id(2, "$share/g/mx/a", 1, 2));
  sub.take();
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("mx/a", "x", 1, 7));
  // Two PUBLISH packets, each with its own subscription's QoS and identifier
  // (the order of the two is not specified).
  const Bytes own = {0x30, 0x0A, 0x00, 0x04, 'm', 'x', '/', 'a',  // QoS 0, "mx/a"
                     0x02, 0x0B, 0x01,                           // properties: Subscription Identifier 1
                     'x'};
  const Bytes shared = {0x32, 0x0C, 0x00, 0x04, 'm', 'x', '/', 'a',  // QoS 1, "mx/a"
                        0x00, 0x01,                                 // packet identifier 1
                        0x02, 0x0B, 0x02,                           // Subscription Identifier 2
                        'x'};
  const Bytes got = sub.take();
  CHECK((got == cat({own, shared}) || got == cat({shared, own})));
}

TEST_CASE("broker: a session in two shared groups gets one copy from each, at 3.1.1 too") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "$share/a/t", 0, 1);
  subscribe(sub, "$share/b/t", 1, 2);
  subscribe(sub, "t", 0, 3);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "x", 1, 7));
  auto ps = sub.publishes();
  REQUIRE(ps.size() == 3);
  int qos1 = 0;
  for (const auto& p : ps) qos1 += p.qos == 1;
  CHECK(qos1 == 1);  // only group b's copy is at QoS 1
}

}  // namespace mq::broker::test
