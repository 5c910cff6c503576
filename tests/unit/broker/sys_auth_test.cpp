// $SYS/ figures and the authorization hooks.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// Allows only what its rules say; counts read checks.
struct Rules final : Authorizer {
  std::string deny_publish, deny_subscribe, deny_read;
  int reads = 0;
  AuthResult authenticate(const Credentials&) override { return 0; }
  bool may_publish(const ClientInfo&, std::string_view topic, QoS, bool) override { return topic != deny_publish; }
  bool may_subscribe(const ClientInfo&, std::string_view filter, QoS) override { return filter != deny_subscribe; }
  bool may_receive(const ClientInfo& c, std::string_view) override {
    ++reads;
    return c.client_id != deny_read;
  }
  bool checks_reads() const override { return true; }
};

std::string value_of(const std::vector<Publish>& ps, std::string_view topic) {
  for (const auto& p : ps)
    if (p.topic == topic) return payload_text(p);
  return "<missing>";
}

}  // namespace

TEST_CASE("broker: $SYS topics are published retained on the interval with live figures") {
  Config config = test_config();
  config.sys_interval = 10;
  Harness h(config);
  h.broker.tick(h.now);  // the first update is due at start
  Client a(h);
  connect(a, "a");
  a.send(subscribe_packet(1, "$SYS/#"));
  auto first = a.publishes();
  CHECK(value_of(first, "$SYS/broker/version") == std::string(kBrokerVersion));
  CHECK(value_of(first, "$SYS/broker/clients/connected") == "0");  // retained from before a connected
  for (const auto& p : first) CHECK(p.retain);

  Client b(h);
  connect(b, "b");
  b.send(publish_packet("x", "y"));
  h.advance_s(10);
  auto next = a.publishes();
  CHECK(value_of(next, "$SYS/broker/clients/connected") == "2");
  CHECK(value_of(next, "$SYS/broker/uptime") == "10 seconds");
  CHECK(value_of(next, "$SYS/broker/messages/received") == "1");
  CHECK(value_of(next, "$SYS/broker/subscriptions/count") == "1");
  CHECK(value_of(next, "$SYS/broker/messages/dropped") == "0");
  CHECK(value_of(next, "$SYS/broker/packets/unsent/too large") == "0");
  CHECK(std::stoul(value_of(next, "$SYS/broker/retained messages/count")) >= 14);
  CHECK(std::stoul(value_of(next, "$SYS/broker/bytes/received")) > 0);
  REQUIRE(h.broker.next_deadline());
  CHECK(*h.broker.next_deadline() == h.now + std::chrono::seconds(10));
}

TEST_CASE("broker: sys_interval 0 publishes nothing") {
  Harness h;
  CHECK_FALSE(h.broker.next_deadline());
  CHECK(h.broker.counters().retained == 0);
}

TEST_CASE("broker: authorization refuses publishes, subscriptions and single deliveries") {
  Rules rules;
  rules.deny_publish = "secret";
  rules.deny_subscribe = "private/#";
  rules.deny_read = "nosy";
  Harness h(test_config(), &rules);
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "#");
  Client nosy(h);
  connect(nosy, "nosy");
  subscribe(nosy, "#");

  pub.send(publish_packet("secret", "x", 1, 1));
  CHECK(pub.take() == Bytes{0x40, 0x03, 0x00, 0x01, 0x87});  // PUBACK Not authorized
  CHECK(sub.take().empty());

  pub.send(publish_packet("open", "x", 0));
  CHECK(sub.publishes().size() == 1);
  CHECK(nosy.take().empty());  // the read check refused this delivery
  CHECK(rules.reads == 2);

  Client v5(h, ProtocolVersion::v5);
  connect(v5, "v5");
  v5.send(subscribe_packet(1, "private/#"));
  CHECK(v5.expect<Suback>().reason_codes == std::vector<std::uint8_t>{0x87});
  sub.send(subscribe_packet(2, "private/#"));
  CHECK(sub.expect<Suback>().reason_codes == std::vector<std::uint8_t>{0x80});
  CHECK(h.broker.counters().dropped_not_authorized == 2);
}

}  // namespace mq::broker::test
