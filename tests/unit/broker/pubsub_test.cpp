// QoS 0 publish/subscribe: the bytes on the wire, wildcards, '$' topics,
// fan-out across protocol levels, SUBACK and UNSUBACK codes.

#include "harness.hpp"

namespace mq::broker::test {

TEST_CASE("broker: QoS 0 publish reaches a 3.1.1 subscriber byte for byte") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  // SUBSCRIBE id 1, filter "a/b", options QoS 0.
  sub.send(cat({{0x82, 0x08, 0x00, 0x01, 0x00, 0x03}, text("a/b"), {0x00}}));
  CHECK(sub.take() == Bytes{0x90, 0x03, 0x00, 0x01, 0x00});  // SUBACK id 1, granted QoS 0
  Client pub(h);
  connect(pub, "pub");
  pub.send(cat({{0x30, 0x08, 0x00, 0x03}, text("a/b"), text("hi!")}));
  CHECK(pub.take().empty());  // QoS 0: no acknowledgement
  CHECK(sub.take() == cat({{0x30, 0x08, 0x00, 0x03}, text("a/b"), text("hi!")}));
  CHECK(h.broker.counters().messages_received == 1);
  CHECK(h.broker.counters().messages_sent == 1);
}

TEST_CASE("broker: one message to 3.1.1 and 5.0 subscribers gets each level's encoding") {
  Harness h;
  Client v3(h);
  connect(v3, "v3");
  subscribe(v3, "a/b");
  Client v5(h, ProtocolVersion::v5);
  connect(v5, "v5");
  subscribe(v5, "a/b");
  Client v5b(h, ProtocolVersion::v5);
  connect(v5b, "v5b");
  subscribe(v5b, "a/#");
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a/b", "hi!"));
  CHECK(v3.take() == cat({{0x30, 0x08, 0x00, 0x03}, text("a/b"), text("hi!")}));
  // 5.0 adds the property length (0).
  CHECK(v5.take() == cat({{0x30, 0x09, 0x00, 0x03}, text("a/b"), {0x00}, text("hi!")}));
  CHECK(v5b.take() == cat({{0x30, 0x09, 0x00, 0x03}, text("a/b"), {0x00}, text("hi!")}));
}

TEST_CASE("broker: '+' and '#' match by level; wildcards at the first level skip '$' topics [MQTT-4.7.2-1]") {
  Harness h;
  Client pub(h);
  connect(pub, "pub");
  struct Case {
    std::string_view filter;
    std::vector<std::string_view> matching;
  };
  const std::vector<std::string_view> topics = {"a", "a/b", "a/b/c", "x/b", "/b", "$data/x", "a/"};
  const std::vector<Case> cases = {
      {"a/+", {"a/b", "a/"}},
      {"+/b", {"a/b", "x/b", "/b"}},
      {"a/#", {"a", "a/b", "a/b/c", "a/"}},
      {"#", {"a", "a/b", "a/b/c", "x/b", "/b", "a/"}},
      {"+", {"a"}},
      {"$data/#", {"$data/x"}},
      {"+/x", {}},
      {"a/b/c", {"a/b/c"}},
  };
  for (const auto& k : cases) {
    CAPTURE(k.filter);
    Client sub(h);
    connect(sub, "sub");
    subscribe(sub, k.filter);
    for (auto t : topics) pub.send(publish_packet(t, "x"));
    std::vector<std::string_view> got;
    std::vector<Publish> ps = sub.publishes();
    for (const auto& p : ps) got.push_back(p.topic);
    CHECK(got == k.matching);
    sub.send(Bytes{0xE0, 0x00});
  }
}

TEST_CASE("broker: UNSUBSCRIBE stops delivery; 5.0 UNSUBACK says 0x11 when there was none") {
  Harness h;
  Client v5(h, ProtocolVersion::v5);
  connect(v5, "v5");
  subscribe(v5, "a/b");
  Unsubscribe u;
  u.packet_id = 7;
  u.filters = {"a/b", "c"};
  v5.send(u);
  // UNSUBACK id 7, no properties, Success then No subscription existed.
  CHECK(v5.take() == Bytes{0xB0, 0x05, 0x00, 0x07, 0x00, 0x00, 0x11});
  Client v3(h);
  connect(v3, "v3");
  subscribe(v3, "a/b");
  u.filters = {"a/b"};
  v3.send(u);
  CHECK(v3.take() == Bytes{0xB0, 0x02, 0x00, 0x07});
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a/b", "x"));
  CHECK(v5.take().empty());
  CHECK(v3.take().empty());
  CHECK(h.broker.counters().subscriptions == 0);
}

TEST_CASE("broker: SUBACK codes: QoS capped by maximum_qos, invalid filters, features switched off") {
  Config config = test_config();
  config.maximum_qos = 1;
  config.max_topic_levels = 3;
  config.wildcard_subscriptions = false;
  config.shared_subscriptions = false;
  Harness h(config);
  Client v5(h, ProtocolVersion::v5);
  auto a = connect(v5, "v5");
  CHECK(find(a.properties, PropertyId::MaximumQoS)->number == 1);
  CHECK(find(a.properties, PropertyId::WildcardSubscriptionAvailable)->number == 0);
  CHECK(find(a.properties, PropertyId::SharedSubscriptionAvailable)->number == 0);
  Subscribe s;
  s.packet_id = 2;
  s.subscriptions = {{"a", 2, false, false, 0, 0},
                     {"a/b/c/d", 0, false, false, 0, 0},
                     {"a/+", 0, false, false, 0, 0},
                     {"$share/g/a", 0, false, false, 0, 0}};
  v5.send(s);
  // SUBACK id 2, no properties: Granted QoS 1, 0x8F, 0xA2, 0x9E.
  CHECK(v5.take() == Bytes{0x90, 0x07, 0x00, 0x02, 0x00, 0x01, 0x8F, 0xA2, 0x9E});
  Client v3(h);
  connect(v3, "v3");
  v3.send(s);
  CHECK(v3.take() == Bytes{0x90, 0x06, 0x00, 0x02, 0x01, 0x80, 0x80, 0x80});
}

TEST_CASE("broker: a subscription to the same filter replaces the old one [MQTT-3.8.4-3]") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "a", 0);
  subscribe(sub, "a", 1);
  CHECK(h.broker.counters().subscriptions == 1);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a", "x", 1, 1));
  auto ps = sub.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].qos == 1);
}

TEST_CASE("broker: publishing to $SYS is refused") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "$SYS/#");
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  pub.send(publish_packet("$SYS/broker/uptime", "forever", 1, 3));
  CHECK(pub.take() == Bytes{0x40, 0x03, 0x00, 0x03, 0x87});  // PUBACK Not authorized
  CHECK(sub.take().empty());
}

TEST_CASE("broker: a payload over max_payload_size (message_size_limit) is acknowledged and dropped") {
  Config config = test_config();
  config.max_payload_size = 4;
  Harness h(config);
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "t", 1);
  Client v5(h, ProtocolVersion::v5);
  connect(v5, "v5");
  v5.send(publish_packet("t", "12345", 1, 3));
  CHECK(v5.take() == Bytes{0x40, 0x03, 0x00, 0x03, 0x97});  // PUBACK Quota exceeded
  Client v3(h);
  connect(v3, "v3");
  v3.send(publish_packet("t", "12345", 2, 4));
  CHECK(v3.take() == Bytes{0x50, 0x02, 0x00, 0x04});  // PUBREC: 3.1.1 cannot refuse
  CHECK(sub.take().empty());
  CHECK(h.broker.counters().refused_payload_size == 2);
  v5.send(publish_packet("t", "1234", 1, 5));  // at the limit: delivered
  CHECK(sub.publishes().size() == 1);
}

}  // namespace mq::broker::test
