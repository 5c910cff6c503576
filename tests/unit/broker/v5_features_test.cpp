// MQTT 5.0 features: overlapping subscriptions with identifiers, shared
// subscriptions, No Local, topic aliases both ways, Maximum Packet Size,
// properties passed through.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

std::vector<std::uint32_t> ids_of(const Publish& p) {
  std::vector<std::uint32_t> out;
  for (const auto& q : p.properties)
    if (q.id == PropertyId::SubscriptionIdentifier) out.push_back(q.number);
  return out;
}

}  // namespace

TEST_CASE("broker: overlapping subscriptions: one copy at the highest QoS with every identifier [MQTT-3.3.4-5]") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub");
  sub.send(subscribe_id(1, "a/+", 0, 1));
  sub.send(subscribe_id(2, "a/#", 1, 2));
  sub.send(subscribe_id(3, "a/b", 0, 0));
  sub.take();
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a/b", "x", 1, 1));
  auto ps = sub.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].qos == 1);
  // The order of the identifiers is not specified; "a/b" (id 0) adds none.
  auto ids = ids_of(ps[0]);
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::uint32_t>{1, 2});
}

TEST_CASE("broker: 3.1.1 overlapping subscriptions also get one copy at the highest QoS") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "a/+", 1, 1);
  subscribe(sub, "#", 0, 2);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a/b", "x", 1, 1));
  auto ps = sub.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].qos == 1);
}

TEST_CASE("broker: subscription identifiers switched off: DISCONNECT 0xA1") {
  Config config = test_config();
  config.subscription_identifiers = false;
  Harness h(config);
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub");
  sub.send(subscribe_id(1, "a", 0, 5));
  CHECK(sub.take() == Bytes{0xE0, 0x01, 0xA1});
}

TEST_CASE("broker: shared subscriptions are served round-robin across the group's online members") {
  Harness h;
  std::vector<std::unique_ptr<Client>> members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(std::make_unique<Client>(h, ProtocolVersion::v5));
    connect(*members.back(), "m" + std::to_string(i));
    subscribe(*members.back(), "$share/g/jobs/+", 1);
  }
  Client other(h);
  connect(other, "other");
  subscribe(other, "$share/h/jobs/#", 0);  // another group gets its own copy
  Client pub(h);
  connect(pub, "pub");
  for (int i = 0; i < 6; ++i) pub.send(publish_packet("jobs/x", std::to_string(i), 0));
  std::vector<std::string> got[3];
  for (int i = 0; i < 3; ++i)
    for (auto& p : members[i]->publishes()) got[i].push_back(payload_text(p));
  CHECK(got[0] == std::vector<std::string>{"0", "3"});
  CHECK(got[1] == std::vector<std::string>{"1", "4"});
  CHECK(got[2] == std::vector<std::string>{"2", "5"});
  CHECK(other.publishes().size() == 6);

  members[1]->drop();  // offline members are skipped
  for (int i = 0; i < 4; ++i) pub.send(publish_packet("jobs/x", "y", 0));
  CHECK(members[0]->publishes().size() == 2);
  CHECK(members[2]->publishes().size() == 2);
}

TEST_CASE("broker: shared subscriptions do not receive retained messages") {
  Harness h;
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("jobs/x", "r", 0, 0, true));
  Client m(h, ProtocolVersion::v5);
  connect(m, "m");
  subscribe(m, "$share/g/jobs/#");
  CHECK(m.take().empty());
}

TEST_CASE("broker: No Local keeps a client's own messages from it [MQTT-3.8.3-3]") {
  Harness h;
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  c.send(subscribe_id(1, "chat", 0, 0, true));
  c.take();
  Client other(h, ProtocolVersion::v5);
  connect(other, "other");
  subscribe(other, "chat");
  c.send(publish_packet("chat", "hello", 0));
  CHECK(c.take().empty());
  CHECK(other.publishes().size() == 1);
  other.send(publish_packet("chat", "hi", 0));
  CHECK(c.publishes().size() == 1);
}

TEST_CASE("broker: topic aliases from a client: set, used, out of range 0x94, never set 0x82") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "a/b");
  Client pub(h, ProtocolVersion::v5);
  auto a = connect(pub, "pub");
  CHECK(find(a.properties, PropertyId::TopicAliasMaximum)->number == 10);
  // PUBLISH "a/b" with Topic Alias 1, then an empty topic with alias 1.
  pub.send(cat({{0x30, 0x0A, 0x00, 0x03}, text("a/b"), {0x03, 0x23, 0x00, 0x01}, text("1")}));
  pub.send(cat({{0x30, 0x07, 0x00, 0x00}, {0x03, 0x23, 0x00, 0x01}, text("2")}));
  auto ps = sub.publishes();
  REQUIRE(ps.size() == 2);
  CHECK(ps[1].topic == "a/b");
  CHECK(payload_text(ps[1]) == "2");

  pub.send(cat({{0x30, 0x07, 0x00, 0x00}, {0x03, 0x23, 0x00, 0x02}, text("3")}));  // alias 2 never set
  CHECK(pub.take() == Bytes{0xE0, 0x01, 0x82});

  Client over(h, ProtocolVersion::v5);
  connect(over, "over");
  over.send(cat({{0x30, 0x0A, 0x00, 0x03}, text("a/b"), {0x03, 0x23, 0x00, 0x0B}, text("1")}));  // alias 11 > 10
  CHECK(over.take() == Bytes{0xE0, 0x01, 0x94});
  CHECK(over.closed());
}

TEST_CASE("broker: topic aliases towards a client that allows them") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub", true, 0, {Property{PropertyId::TopicAliasMaximum, 1, {}, {}}});
  subscribe(sub, "#");
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a/b", "1"));
  pub.send(publish_packet("a/b", "2"));
  pub.send(publish_packet("c", "3"));  // no alias left: full topic, no alias
  // First: topic and Topic Alias 1; then an empty topic with alias 1.
  CHECK(sub.take() == cat({{0x30, 0x0A, 0x00, 0x03}, text("a/b"), {0x03, 0x23, 0x00, 0x01}, text("1"),
                           {0x30, 0x07, 0x00, 0x00}, {0x03, 0x23, 0x00, 0x01}, text("2"),
                           {0x30, 0x05, 0x00, 0x01}, text("c"), {0x00}, text("3")}));
}

TEST_CASE("broker: the outgoing alias table holds at most max_alias_bytes_out of topics per connection") {
  Config config = test_config();
  config.max_alias_bytes_out = 100;
  Harness h(config);
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub", true, 0, {Property{PropertyId::TopicAliasMaximum, 65535, {}, {}}});
  subscribe(sub, "#");
  Client pub(h);
  connect(pub, "pub");
  const std::string t1(60, 'a'), t2(60, 'b'), t3(30, 'c');
  for (const auto& t : {t1, t2, t3, t1, t2, t3}) pub.send(publish_packet(t, "x"));
  auto ps = sub.publishes();
  REQUIRE(ps.size() == 6);
  auto alias = [](const Publish& p) {
    const Property* a = find(p.properties, PropertyId::TopicAlias);
    return a ? a->number : 0u;
  };
  // 60 bytes fit; 60 more would not (120 > 100): sent in full without an
  // alias; 30 more fit (90).
  CHECK(alias(ps[0]) == 1);
  CHECK(alias(ps[1]) == 0);
  CHECK(ps[1].topic == t2);
  CHECK(alias(ps[2]) == 2);
  CHECK((alias(ps[3]) == 1 && ps[3].topic.empty()));
  CHECK((alias(ps[4]) == 0 && ps[4].topic == t2));
  CHECK((alias(ps[5]) == 2 && ps[5].topic.empty()));
}

TEST_CASE("broker: a message over the client's Maximum Packet Size is not sent to it [MQTT-3.1.2-24]") {
  Harness h;
  Client small(h, ProtocolVersion::v5);
  connect(small, "small", true, 0, {Property{PropertyId::MaximumPacketSize, 16, {}, {}}});
  subscribe(small, "t", 1);
  Client big(h, ProtocolVersion::v5);
  connect(big, "big");
  subscribe(big, "t", 1);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "0123456789", 1, 1));  // 5.0 PUBLISH of 18 bytes
  pub.send(publish_packet("t", "01234567", 1, 2));    // 16 bytes: fits
  auto ps = small.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(payload_text(ps[0]) == "01234567");
  CHECK(big.publishes().size() == 2);
  CHECK(h.broker.counters().dropped_too_large == 1);
}

TEST_CASE("broker: payload format, content type, response topic, correlation data and user properties pass through in order") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub");
  subscribe(sub, "req");
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  Publish p = publish_packet("req", "{}");
  p.properties = {
      Property{PropertyId::UserProperty, 0, "k", "1"},
      Property{PropertyId::PayloadFormatIndicator, 1, {}, {}},
      Property{PropertyId::ContentType, 0, {}, "application/json"},
      Property{PropertyId::UserProperty, 0, "k", "2"},
      Property{PropertyId::ResponseTopic, 0, {}, "resp/1"},
      Property{PropertyId::CorrelationData, 0, {}, std::string_view("\x00\x01", 2)},
      Property{PropertyId::UserProperty, 0, "a", "3"},
  };
  pub.send(p);
  auto got = sub.expect<Publish>();
  CHECK(got.properties == p.properties);
  CHECK(payload_text(got) == "{}");
}

TEST_CASE("broker: a client must not send a Subscription Identifier in PUBLISH [MQTT-3.3.4-6]") {
  Harness h;
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  Publish p = publish_packet("t", "x");
  p.properties = {Property{PropertyId::SubscriptionIdentifier, 3, {}, {}}};
  pub.send(p);
  CHECK(pub.take() == Bytes{0xE0, 0x01, 0x82});
}

TEST_CASE("broker: topic limits: a 5.0 QoS 1 PUBLISH over max_topic_length gets PUBACK 0x90") {
  Config config = test_config();
  config.max_topic_length = 4;
  Harness h(config);
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  pub.send(publish_packet("toolong", "x", 1, 1));
  CHECK(pub.take() == Bytes{0x40, 0x03, 0x00, 0x01, 0x90});
  Client v3(h);
  connect(v3, "v3");
  v3.send(publish_packet("toolong", "x", 1, 1));
  CHECK(v3.closed());
}

}  // namespace mq::broker::test
