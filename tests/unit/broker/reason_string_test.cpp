// The broker's own refusals and errors tell a 5.0 client why in a Reason
// String: only when it did not set Request Problem Information to 0, and
// only when the packet still fits its Maximum Packet Size.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

Config with_reason_strings() {
  Config c = test_config();
  c.behaviour.reason_strings = true;
  return c;
}

/// A 5.0 packet `first` with reason code `code` and one property, Reason String `text`.
Bytes with_reason(std::uint8_t first, Bytes before_code, std::uint8_t code, std::string_view text) {
  const auto n = static_cast<std::uint8_t>(text.size());
  Bytes body = cat({before_code, {code, static_cast<std::uint8_t>(n + 3), 0x1F, 0x00, n}, mq::broker::test::text(text)});
  return cat({{first, static_cast<std::uint8_t>(body.size())}, body});
}

/// A 5.0 subscriber sent one QoS 1 PUBLISH (packet identifier 1), connected with `props`.
struct QoS1InFlight {
  Harness h{with_reason_strings()};
  Client sub{h, ProtocolVersion::v5};
  Client pub{h};
  explicit QoS1InFlight(Properties props = {}) {
    connect(sub, "sub", true, 0, std::move(props));
    subscribe(sub, "t", 1);
    connect(pub, "pub");
    pub.send(publish_packet("t", "x", 1, 9));
    REQUIRE(sub.publishes().size() == 1);
  }
};

const Bytes kPubrec1 = {0x50, 0x02, 0x00, 0x01};  // PUBREC for the QoS 1 message

}  // namespace

TEST_CASE("broker: a protocol error's DISCONNECT says why") {
  QoS1InFlight f;
  f.sub.send(kPubrec1);
  CHECK(f.sub.take() == with_reason(0xE0, {}, 0x82, "PUBREC for a QoS 1 message (packet identifier 1)"));
}

TEST_CASE("broker: no Reason String for a client that set Request Problem Information to 0") {
  QoS1InFlight f({Property{PropertyId::RequestProblemInformation, 0, {}, {}}});
  f.sub.send(kPubrec1);
  CHECK(f.sub.take() == Bytes{0xE0, 0x01, 0x82});
}

TEST_CASE("broker: no Reason String where it would not fit the client's Maximum Packet Size") {
  QoS1InFlight f({Property{PropertyId::MaximumPacketSize, 20, {}, {}}});
  f.sub.send(kPubrec1);
  CHECK(f.sub.take() == Bytes{0xE0, 0x01, 0x82});
}

TEST_CASE("broker: a malformed packet's DISCONNECT names the field and the rule broken") {
  Harness h(with_reason_strings());
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  // PUBLISH "t" with Session Expiry Interval, a CONNECT property.
  c.send(Bytes{0x30, 0x0A, 0x00, 0x01, 't', 0x05, 0x11, 0x00, 0x00, 0x00, 0x01, 'x'});
  CHECK(c.take() == with_reason(0xE0, {}, 0x81,
                                "offset 6, properties/Session Expiry Interval: Session Expiry Interval is not "
                                "allowed in PUBLISH"));
}

TEST_CASE("broker: a refused PUBLISH's PUBACK or PUBREC and a refused CONNECT's CONNACK say why") {
  Config config = with_reason_strings();
  config.max_payload_size = 3;
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  c.send(publish_packet("$SYS/x", "x", 1, 4));
  CHECK(c.take() == with_reason(0x40, {0x00, 0x04}, 0x87, "$SYS topics are the broker's"));
  c.send(publish_packet("t", "long", 2, 5));
  CHECK(c.take() == with_reason(0x50, {0x00, 0x05}, 0x97, "payload of 4 bytes over message_size_limit 3"));
  Client w(h, ProtocolVersion::v5);
  Connect k = connect_packet(ProtocolVersion::v5, "w");
  Will will;
  will.topic = "w";
  will.payload = as_bytes("gone");
  k.will = will;
  w.send(k);
  // CONNACK: acknowledge flags 0, reason 0x95, Reason String.
  CHECK(w.take() == with_reason(0x20, {0x00}, 0x95, "will payload of 4 bytes over message_size_limit 3"));
}

TEST_CASE("broker: a SUBACK names its first refused filter") {
  Config config = with_reason_strings();
  config.wildcard_subscriptions = false;
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  Subscribe s = subscribe_packet(6, "ok", 1);
  s.subscriptions.push_back(Subscription{"w/#", 0, false, false, 0, 0});
  c.send(s);
  const std::string_view text = "topic filter w/#: wildcard subscriptions are not available";
  // SUBACK id 6, properties (Reason String), then the codes: QoS 1 granted, 0xA2.
  CHECK(c.take() == cat({{0x90, static_cast<std::uint8_t>(2 + 1 + 3 + text.size() + 2), 0x00, 0x06,
                          static_cast<std::uint8_t>(3 + text.size()), 0x1F, 0x00,
                          static_cast<std::uint8_t>(text.size())},
                         mq::broker::test::text(text), {0x01, 0xA2}}));
}

TEST_CASE("broker: a long refused filter is not quoted in the SUBACK's Reason String") {
  Config config = with_reason_strings();
  config.wildcard_subscriptions = false;
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  const std::string filter = std::string(65'000, 'a') + "/#";
  c.send(subscribe_packet(6, filter));
  Suback ack = c.expect<Suback>();
  REQUIRE(ack.properties.size() == 1);
  CHECK(ack.properties[0].value == "a topic filter of 65002 bytes: wildcard subscriptions are not available");
}

TEST_CASE("broker: reason_strings off sends none") {
  Harness h;  // test_config: off
  Client c(h, ProtocolVersion::v5);
  connect(c, "c");
  c.send(publish_packet("$SYS/x", "x", 1, 4));
  CHECK(c.take() == Bytes{0x40, 0x03, 0x00, 0x04, 0x87});
}

}  // namespace mq::broker::test
