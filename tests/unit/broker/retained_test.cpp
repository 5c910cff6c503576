// Retained messages: store, replace, delete, retain handling, retain as
// published, the retain_available switch.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

Subscribe subscribe_with(std::string_view filter, std::uint8_t retain_handling, bool rap = false) {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions.push_back(Subscription{filter, 0, false, rap, retain_handling, 0});
  return s;
}

}  // namespace

TEST_CASE("broker: a retained message is stored and sent to new subscribers with RETAIN set [MQTT-3.3.1-5]") {
  Harness h;
  Client pub(h);
  connect(pub, "pub");
  pub.send(cat({{0x31, 0x08, 0x00, 0x03}, text("a/b"), text("old")}));  // PUBLISH retain
  pub.send(cat({{0x31, 0x08, 0x00, 0x03}, text("a/b"), text("new")}));  // replaces it
  pub.send(cat({{0x31, 0x06, 0x00, 0x03}, text("a/c"), text("c")}));
  CHECK(h.broker.counters().retained == 2);
  Client sub(h);
  connect(sub, "sub");
  sub.send(cat({{0x82, 0x08, 0x00, 0x01, 0x00, 0x03}, text("a/b"), {0x00}}));
  // SUBACK, then the retained message with RETAIN 1 [MQTT-3.3.1-8].
  CHECK(sub.take() == cat({{0x90, 0x03, 0x00, 0x01, 0x00}, {0x31, 0x08, 0x00, 0x03}, text("a/b"), text("new")}));
  // Live messages to an existing subscription go with RETAIN 0 [MQTT-3.3.1-9].
  pub.send(cat({{0x31, 0x08, 0x00, 0x03}, text("a/b"), text("3rd")}));
  CHECK(sub.take() == cat({{0x30, 0x08, 0x00, 0x03}, text("a/b"), text("3rd")}));
}

TEST_CASE("broker: an empty retained payload deletes the stored message [MQTT-3.3.1-6]") {
  Harness h;
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a/b", "x", 0, 0, true));
  CHECK(h.broker.counters().retained == 1);
  pub.send(publish_packet("a/b", "", 0, 0, true));
  CHECK(h.broker.counters().retained == 0);
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "#");
  CHECK(sub.take().empty());
}

TEST_CASE("broker: wildcard subscriptions get every matching retained message, not '$' ones") {
  Harness h;
  Client pub(h);
  connect(pub, "pub");
  for (auto t : {"a/b", "a/c/d", "x", "$internal/y"}) pub.send(publish_packet(t, "v", 0, 0, true));
  auto topics = [&](std::string_view filter) {
    Client sub(h);
    connect(sub, "sub");
    sub.send(subscribe_packet(1, filter));
    std::vector<std::string> got;
    for (const auto& p : sub.publishes()) {
      CHECK(p.retain);
      got.emplace_back(p.topic);
    }
    std::sort(got.begin(), got.end());
    return got;
  };
  CHECK(topics("#") == std::vector<std::string>{"a/b", "a/c/d", "x"});
  CHECK(topics("a/+") == std::vector<std::string>{"a/b"});
  CHECK(topics("+/+/d") == std::vector<std::string>{"a/c/d"});
  CHECK(topics("$internal/#") == std::vector<std::string>{"$internal/y"});
}

TEST_CASE("broker: retain handling 0 sends always, 1 only on a new subscription, 2 never [MQTT-3.3.1-9..11]") {
  Harness h;
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "v", 0, 0, true));
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub");
  auto retained_count = [&](std::uint8_t rh) {
    sub.send(subscribe_with("t", rh));
    return sub.publishes().size();
  };
  CHECK(retained_count(2) == 0);
  CHECK(retained_count(1) == 0);  // the subscription exists already
  CHECK(retained_count(0) == 1);
  CHECK(retained_count(0) == 1);
  Unsubscribe u;
  u.packet_id = 9;
  u.filters = {"t"};
  sub.send(u);
  sub.take();
  CHECK(retained_count(1) == 1);  // new again
}

TEST_CASE("broker: retain as published keeps RETAIN on live delivery (5.0)") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub");
  sub.send(subscribe_with("t", 0, true));
  sub.take();
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "v", 0, 0, true));
  pub.send(publish_packet("t", "w", 0, 0, false));
  auto ps = sub.publishes();
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].retain);
  CHECK_FALSE(ps[1].retain);
}

TEST_CASE("broker: retain_available off: 5.0 RETAIN gets DISCONNECT 0x9A, 3.1.1 RETAIN is ignored") {
  Config config = test_config();
  config.retain_available = false;
  Harness h(config);
  Client v5(h, ProtocolVersion::v5);
  auto a = connect(v5, "v5");
  CHECK(find(a.properties, PropertyId::RetainAvailable)->number == 0);
  v5.send(publish_packet("t", "v", 0, 0, true));
  CHECK(v5.take() == Bytes{0xE0, 0x01, 0x9A});
  CHECK(v5.closed());
  Client v3(h);
  connect(v3, "v3");
  v3.send(publish_packet("t", "v", 0, 0, true));
  CHECK_FALSE(v3.closed());
  CHECK(h.broker.counters().retained == 0);
}

TEST_CASE("broker: max_retained stops new topics but still replaces and deletes") {
  Config config = test_config();
  config.max_retained = 1;
  Harness h(config);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a", "1", 0, 0, true));
  pub.send(publish_packet("b", "1", 0, 0, true));
  CHECK(h.broker.counters().retained == 1);
  CHECK(h.broker.counters().retained_dropped == 1);
  pub.send(publish_packet("a", "2", 0, 0, true));
  pub.send(publish_packet("a", "", 0, 0, true));
  pub.send(publish_packet("b", "1", 0, 0, true));
  CHECK(h.broker.counters().retained == 1);
  CHECK(h.broker.counters().retained_dropped == 1);
}

TEST_CASE("broker: a retained message read near its expiry carries the time left rounded up, never 0") {
  Harness h;
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  Publish p = publish_packet("t", "x", 0, 0, true);
  p.properties = {Property{PropertyId::MessageExpiryInterval, 5, {}, {}}};
  pub.send(p);
  h.advance(std::chrono::milliseconds(2'500));
  Client a(h, ProtocolVersion::v5);
  connect(a, "a");
  a.send(subscribe_packet(1, "t"));
  // SUBACK, then PUBLISH retain "t" with Message Expiry Interval 3 (2.5 s left, rounded up).
  CHECK(a.take() == Bytes{0x90, 0x04, 0x00, 0x01, 0x00, 0x00,
                          0x31, 0x0A, 0x00, 0x01, 't', 0x05, 0x02, 0x00, 0x00, 0x00, 0x03, 'x'});
  h.advance(std::chrono::milliseconds(2'100));  // 0.4 s left
  Client b(h, ProtocolVersion::v5);
  connect(b, "b");
  b.send(subscribe_packet(1, "t"));
  CHECK(b.take() == Bytes{0x90, 0x04, 0x00, 0x01, 0x00, 0x00,
                          0x31, 0x0A, 0x00, 0x01, 't', 0x05, 0x02, 0x00, 0x00, 0x00, 0x01, 'x'});
}

}  // namespace mq::broker::test
