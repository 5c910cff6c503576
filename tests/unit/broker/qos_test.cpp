// QoS 1 and 2 in both directions, exactly-once receipt, in-flight windows.

#include "harness.hpp"

namespace mq::broker::test {

TEST_CASE("broker: QoS 1 publish is acknowledged and delivered at the granted QoS") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "t", 1);
  Client low(h);
  connect(low, "low");
  subscribe(low, "t", 0);
  Client pub(h);
  connect(pub, "pub");
  // PUBLISH QoS 1, id 0x1234, "t", payload "x".
  pub.send(cat({{0x32, 0x06, 0x00, 0x01}, text("t"), {0x12, 0x34}, text("x")}));
  CHECK(pub.take() == Bytes{0x40, 0x02, 0x12, 0x34});  // PUBACK
  // The subscriber gets the broker's own packet identifier (1).
  CHECK(sub.take() == cat({{0x32, 0x06, 0x00, 0x01}, text("t"), {0x00, 0x01}, text("x")}));
  CHECK(low.take() == cat({{0x30, 0x04, 0x00, 0x01}, text("t"), text("x")}));  // downgraded to QoS 0
  sub.send(Bytes{0x40, 0x02, 0x00, 0x01});  // PUBACK
  CHECK(sub.take().empty());
}

TEST_CASE("broker: 5.0 PUBACK says 0x10 when nobody subscribed") {
  Harness h;
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  pub.send(publish_packet("nobody", "x", 1, 5));
  CHECK(pub.take() == Bytes{0x40, 0x03, 0x00, 0x05, 0x10});
}

TEST_CASE("broker: QoS 2 receipt is exactly once: a duplicate before PUBREL is not delivered [MQTT-4.3.3-10]") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "t", 0);
  Client pub(h);
  connect(pub, "pub");
  const Bytes publish = cat({{0x34, 0x06, 0x00, 0x01}, text("t"), {0x00, 0x07}, text("x")});
  pub.send(publish);
  CHECK(pub.take() == Bytes{0x50, 0x02, 0x00, 0x07});  // PUBREC
  CHECK(sub.publishes().size() == 1);
  Bytes dup = publish;
  dup[0] = 0x3C;  // DUP set
  pub.send(dup);
  CHECK(pub.take() == Bytes{0x50, 0x02, 0x00, 0x07});  // PUBREC again
  CHECK(sub.take().empty());                          // but no second delivery
  pub.send(Bytes{0x62, 0x02, 0x00, 0x07});             // PUBREL
  CHECK(pub.take() == Bytes{0x70, 0x02, 0x00, 0x07});  // PUBCOMP
  pub.send(publish);  // the identifier is free again: a new message
  CHECK(sub.publishes().size() == 1);
  pub.send(Bytes{0x62, 0x02, 0x00, 0x07});
  pub.take();
}

TEST_CASE("broker: PUBREL for an unknown identifier gets PUBCOMP 0x92 at 5.0") {
  Harness h;
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  pub.send(Bytes{0x62, 0x02, 0x00, 0x09});
  CHECK(pub.take() == Bytes{0x70, 0x03, 0x00, 0x09, 0x92});
}

TEST_CASE("broker: QoS 2 delivery: PUBLISH, PUBREC, PUBREL, PUBCOMP") {
  Harness h;
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "t", 2);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "x", 2, 1));
  pub.take();
  CHECK(sub.take() == cat({{0x34, 0x06, 0x00, 0x01}, text("t"), {0x00, 0x01}, text("x")}));
  sub.send(Bytes{0x50, 0x02, 0x00, 0x01});             // PUBREC
  CHECK(sub.take() == Bytes{0x62, 0x02, 0x00, 0x01});  // PUBREL
  sub.send(Bytes{0x70, 0x02, 0x00, 0x01});             // PUBCOMP
  CHECK(sub.take().empty());
  // The window is free: next message uses identifier 2.
  pub.send(publish_packet("t", "y", 2, 2));
  CHECK(sub.expect<Publish>().packet_id == 2);
}

TEST_CASE("broker: a 5.0 PUBREC with a failure code ends the QoS 2 flow [MQTT-4.3.3-4]") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub", true, 0, {Property{PropertyId::ReceiveMaximum, 1, {}, {}}});
  subscribe(sub, "t", 2);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "1", 2, 1));
  pub.send(publish_packet("t", "2", 2, 2));
  CHECK(sub.publishes().size() == 1);                    // window of one
  sub.send(Bytes{0x50, 0x03, 0x00, 0x01, 0x80});          // PUBREC Unspecified error
  auto ps = sub.publishes();                              // no PUBREL; the next message goes
  REQUIRE(ps.size() == 1);
  CHECK(payload_text(ps[0]) == "2");
}

TEST_CASE("broker: the client's Receive Maximum bounds messages in flight; the rest wait in order") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub", true, 0, {Property{PropertyId::ReceiveMaximum, 2, {}, {}}});
  subscribe(sub, "t", 1);
  Client pub(h);
  connect(pub, "pub");
  for (int i = 0; i < 5; ++i) pub.send(publish_packet("t", std::to_string(i), 1, static_cast<std::uint16_t>(i + 1)));
  auto first = sub.publishes();
  REQUIRE(first.size() == 2);
  CHECK(payload_text(first[0]) == "0");
  CHECK(payload_text(first[1]) == "1");
  CHECK(h.broker.counters().queued == 3);
  Puback ack;
  ack.packet_id = first[0].packet_id;
  sub.send(ack);
  auto next = sub.publishes();
  REQUIRE(next.size() == 1);
  CHECK(payload_text(next[0]) == "2");
  ack.packet_id = first[1].packet_id;
  sub.send(ack);
  ack.packet_id = next[0].packet_id;
  sub.send(ack);
  auto rest = sub.publishes();
  REQUIRE(rest.size() == 2);
  CHECK(payload_text(rest[0]) == "3");
  CHECK(payload_text(rest[1]) == "4");
  CHECK(h.broker.counters().queued == 0);
}

TEST_CASE("broker: max_inflight bounds the window for 3.1.1 clients too") {
  Config config = test_config();
  config.max_inflight = 1;
  Harness h(config);
  Client sub(h);
  connect(sub, "sub");
  subscribe(sub, "t", 1);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "a", 1, 1));
  pub.send(publish_packet("t", "b", 1, 2));
  CHECK(sub.publishes().size() == 1);
  sub.send(Bytes{0x40, 0x02, 0x00, 0x01});
  CHECK(sub.publishes().size() == 1);
}

TEST_CASE("broker: a client exceeding our Receive Maximum gets DISCONNECT 0x93 [MQTT-3.3.4-9]") {
  Config config = test_config();
  config.receive_maximum = 2;
  Harness h(config);
  Client pub(h, ProtocolVersion::v5);
  auto a = connect(pub, "pub");
  CHECK(find(a.properties, PropertyId::ReceiveMaximum)->number == 2);
  pub.send(publish_packet("t", "1", 2, 1));
  pub.send(publish_packet("t", "2", 2, 2));
  pub.take();
  pub.send(publish_packet("t", "3", 2, 3));
  CHECK(pub.take() == Bytes{0xE0, 0x01, 0x93});
  CHECK(pub.closed());
}

TEST_CASE("broker: a 5.0 PUBLISH above maximum_qos gets DISCONNECT 0x9B [MQTT-3.2.2-11]") {
  Config config = test_config();
  config.maximum_qos = 1;
  Harness h(config);
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  pub.send(publish_packet("t", "x", 2, 1));
  CHECK(pub.take() == Bytes{0xE0, 0x01, 0x9B});
}

TEST_CASE("broker: a malformed packet after CONNECT: 5.0 DISCONNECT 0x81, 3.1.1 closed") {
  Harness h;
  Client v5(h, ProtocolVersion::v5);
  connect(v5, "v5");
  v5.send(Bytes{0x36, 0x04, 0x00, 0x01, 't', 0x00});  // QoS 3
  CHECK(v5.take() == Bytes{0xE0, 0x01, 0x81});
  CHECK(v5.closed());
  Client v3(h);
  connect(v3, "v3");
  v3.send(Bytes{0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00});  // packet identifier 0
  CHECK(v3.take().empty());
  CHECK(v3.closed());
}

TEST_CASE("broker: packets only a server sends are protocol errors") {
  Harness h;
  Client v5(h, ProtocolVersion::v5);
  connect(v5, "v5");
  v5.send(Bytes{0xD0, 0x00});  // PINGRESP
  CHECK(v5.take() == Bytes{0xE0, 0x01, 0x82});
}

}  // namespace mq::broker::test
