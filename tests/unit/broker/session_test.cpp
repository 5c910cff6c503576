// Persistent sessions: queueing while away, resumption with DUP, clean
// start, session expiry, queue limits and the drop policy, message expiry.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

Property expiry(std::uint32_t seconds) { return Property{PropertyId::SessionExpiryInterval, seconds, {}, {}}; }

}  // namespace

TEST_CASE("broker: 3.1.1 clean session 0 keeps subscriptions and QoS 1 messages while away") {
  Harness h;
  {
    Client sub(h);
    CHECK_FALSE(connect(sub, "sub", false).session_present);
    subscribe(sub, "t", 1);
    sub.send(Bytes{0xE0, 0x00});  // DISCONNECT
    CHECK(sub.closed());
  }
  Client pub(h);
  connect(pub, "pub");
  for (int i = 0; i < 3; ++i) pub.send(publish_packet("t", std::to_string(i), 1, static_cast<std::uint16_t>(i + 1)));
  pub.send(publish_packet("t", "q0", 0));  // QoS 0 is not queued for offline sessions
  CHECK(h.broker.counters().queued == 3);
  CHECK(h.broker.counters().dropped_qos0_offline == 1);

  Client back(h);
  back.send(connect_packet(ProtocolVersion::v311, "sub", false));
  auto bytes = back.take();
  // CONNACK with Session Present 1, then the three messages in order.
  REQUIRE(bytes.size() > 4);
  CHECK(Bytes(bytes.begin(), bytes.begin() + 4) == Bytes{0x20, 0x02, 0x01, 0x00});
  std::vector<Publish> ps;
  {
    // Decode what followed the CONNACK.
    Bytes rest(bytes.begin() + 4, bytes.end());
    std::size_t at = 0;
    while (at < rest.size()) {
      auto hdr = decode_fixed_header(ByteView(rest).subspan(at));
      REQUIRE(hdr.ok());
      auto p = decode_packet(ByteView(rest).subspan(at, hdr->packet_size()), ProtocolVersion::v311);
      REQUIRE(p.ok());
      ps.push_back(std::get<Publish>(*p));
      at += hdr->packet_size();
    }
    REQUIRE(ps.size() == 3);
    CHECK(payload_text(ps[0]) == "0");
    CHECK(payload_text(ps[1]) == "1");
    CHECK(payload_text(ps[2]) == "2");
    for (const auto& p : ps) CHECK_FALSE(p.dup);  // never sent before
  }
  CHECK(h.broker.counters().queued == 0);
}

TEST_CASE("broker: unacknowledged messages are sent again with DUP on reconnection [MQTT-4.4.0-1]") {
  Harness h;
  Client sub(h);
  connect(sub, "sub", false);
  subscribe(sub, "t", 2);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "one", 1, 1));
  pub.send(publish_packet("t", "two", 2, 2));
  auto first = sub.publishes();
  REQUIRE(first.size() == 2);
  // The second reached PUBREC: it must come back as PUBREL, not PUBLISH.
  sub.send(Bytes{0x50, 0x02, 0x00, 0x02});
  CHECK(sub.take() == Bytes{0x62, 0x02, 0x00, 0x02});
  sub.drop();

  Client back(h);
  back.send(connect_packet(ProtocolVersion::v311, "sub", false));
  // CONNACK session present, PUBLISH QoS 1 with DUP and the same identifier, PUBREL.
  CHECK(back.take() == cat({{0x20, 0x02, 0x01, 0x00},
                            {0x3A, 0x08, 0x00, 0x01},
                            text("t"),
                            {0x00, 0x01},
                            text("one"),
                            {0x62, 0x02, 0x00, 0x02}}));
}

TEST_CASE("broker: Clean Start discards the old session [MQTT-3.1.2-4]") {
  Harness h;
  Client sub(h);
  connect(sub, "sub", false);
  subscribe(sub, "t", 1);
  sub.drop();
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "x", 1, 1));
  Client back(h);
  CHECK_FALSE(connect(back, "sub", true).session_present);
  CHECK(back.take().empty());
  CHECK(h.broker.counters().subscriptions == 0);
  CHECK(h.broker.counters().queued == 0);
}

TEST_CASE("broker: a 5.0 session lasts its Session Expiry Interval after the connection closes") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub", true, 0, {expiry(10)});
  subscribe(sub, "t", 1);
  sub.drop();
  CHECK(h.broker.counters().sessions == 1);
  h.advance_s(9);
  Client back(h, ProtocolVersion::v5);
  CHECK(connect(back, "sub", false, 0, {expiry(10)}).session_present);
  back.drop();
  h.advance_s(10);
  CHECK(h.broker.counters().sessions == 0);
  Client late(h, ProtocolVersion::v5);
  CHECK_FALSE(connect(late, "sub", false).session_present);
}

TEST_CASE("broker: session expiry 0 (the 5.0 default) ends the session with the connection") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub", false);
  subscribe(sub, "t");
  sub.drop();
  CHECK(h.broker.counters().sessions == 0);
  CHECK(h.broker.counters().subscriptions == 0);
}

TEST_CASE("broker: DISCONNECT may change the session expiry, but not from 0 [MQTT-3.14.2-2]") {
  Harness h;
  Client a(h, ProtocolVersion::v5);
  connect(a, "a", true, 0, {expiry(60)});
  Disconnect d;
  d.properties.push_back(expiry(0));
  a.send(d);
  CHECK(h.broker.counters().sessions == 0);

  Client b(h, ProtocolVersion::v5);
  connect(b, "b");
  d.properties = {expiry(60)};
  b.send(d);
  CHECK(b.take() == Bytes{0xE0, 0x01, 0x82});
}

TEST_CASE("broker: max_session_expiry lowers the granted interval and says so in CONNACK") {
  Config config = test_config();
  config.max_session_expiry = 100;
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  auto a = connect(c, "c", true, 0, {expiry(1000)});
  const Property* granted = find(a.properties, PropertyId::SessionExpiryInterval);
  REQUIRE(granted);
  CHECK(granted->number == 100);
}

TEST_CASE("broker: queue limit by count: new QoS 0 dropped first, QoS 1 evicts the oldest QoS 0") {
  Config config = test_config();
  config.max_queued_messages = 2;
  config.queue_qos0_offline = true;
  Harness h(config);
  Client sub(h);
  connect(sub, "sub", false);
  subscribe(sub, "t", 1);
  sub.drop();
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "a0", 0));
  pub.send(publish_packet("t", "b1", 1, 1));
  pub.send(publish_packet("t", "c0", 0));  // full: the newest QoS 0 is dropped
  CHECK(h.broker.counters().dropped_queue_full == 1);
  pub.send(publish_packet("t", "d1", 1, 2));  // full: evicts a0
  CHECK(h.broker.counters().dropped_queue_full == 2);
  pub.send(publish_packet("t", "e1", 1, 3));  // full of QoS 1: dropped
  CHECK(h.broker.counters().dropped_queue_full == 3);
  CHECK(h.broker.counters().messages_dropped() == 3);
  Client back(h);
  connect(back, "sub", false);
  auto ps = back.publishes();
  REQUIRE(ps.size() == 2);
  CHECK(payload_text(ps[0]) == "b1");
  CHECK(payload_text(ps[1]) == "d1");
}

TEST_CASE("broker: queue limit by bytes") {
  Config config = test_config();
  config.max_queued_messages = 0;
  config.max_queued_bytes = 10;  // topic + payload bytes
  Harness h(config);
  Client sub(h);
  connect(sub, "sub", false);
  subscribe(sub, "t", 1);
  sub.drop();
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "1234", 1, 1));  // 5 bytes
  pub.send(publish_packet("t", "5678", 1, 2));  // 10 bytes
  pub.send(publish_packet("t", "9", 1, 3));     // 12: dropped
  CHECK(h.broker.counters().dropped_queue_full == 1);
  Client back(h);
  connect(back, "sub", false);
  CHECK(back.publishes().size() == 2);
}

TEST_CASE("broker: message expiry: dropped if it runs out while queued, the remaining interval otherwise") {
  Harness h;
  Client sub(h, ProtocolVersion::v5);
  connect(sub, "sub", true, 0, {expiry(1000)});
  subscribe(sub, "t", 1);
  sub.drop();
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  Publish p = publish_packet("t", "short", 1, 1);
  p.properties = {Property{PropertyId::MessageExpiryInterval, 5, {}, {}}};
  pub.send(p);
  p = publish_packet("t", "long", 1, 2);
  p.properties = {Property{PropertyId::MessageExpiryInterval, 20, {}, {}}};
  pub.send(p);
  h.advance_s(6);
  Client back(h, ProtocolVersion::v5);
  connect(back, "sub", false, 0, {expiry(1000)});
  auto ps = back.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(payload_text(ps[0]) == "long");
  const Property* left = find(ps[0].properties, PropertyId::MessageExpiryInterval);
  REQUIRE(left);
  CHECK(left->number == 14);  // [MQTT-3.3.2-6]
  CHECK(h.broker.counters().dropped_expired == 1);
}

TEST_CASE("broker: a retained message with an expiry is not sent after it expired") {
  Harness h;
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  Publish p = publish_packet("t", "x", 0, 0, true);
  p.properties = {Property{PropertyId::MessageExpiryInterval, 5, {}, {}}};
  pub.send(p);
  h.advance_s(2);
  Client early(h, ProtocolVersion::v5);
  connect(early, "early");
  early.send(subscribe_packet(1, "t"));
  auto ps = early.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(find(ps[0].properties, PropertyId::MessageExpiryInterval)->number == 3);
  h.advance_s(3);
  Client late(h, ProtocolVersion::v5);
  connect(late, "late");
  late.send(subscribe_packet(1, "t"));
  CHECK(late.publishes().empty());
  CHECK(h.broker.counters().retained == 0);
}

}  // namespace mq::broker::test
