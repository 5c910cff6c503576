// Wills: when they are published and when not, and the will delay.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// A CONNECT with a will on "will/topic" saying "gone".
Connect with_will(ProtocolVersion v, std::string_view id, std::uint32_t delay = 0, std::uint32_t session_expiry = 0,
                  std::uint16_t keep_alive = 0) {
  Connect k = connect_packet(v, id, true, keep_alive);
  Will w;
  w.topic = "will/topic";
  w.payload = as_bytes("gone");
  w.qos = 1;
  if (delay) w.properties.push_back(Property{PropertyId::WillDelayInterval, delay, {}, {}});
  if (session_expiry) k.properties.push_back(Property{PropertyId::SessionExpiryInterval, session_expiry, {}, {}});
  k.will = w;
  return k;
}

struct Watcher {
  Client client;
  explicit Watcher(Harness& h) : client(h) {
    connect(client, "watcher");
    subscribe(client, "will/#", 1);
  }
  std::size_t wills() { return client.publishes().size(); }
};

}  // namespace

TEST_CASE("broker: the will is published when the connection drops, not after DISCONNECT [MQTT-3.1.2-8] [MQTT-3.1.2-10]") {
  Harness h;
  Watcher w(h);
  Client dropped(h);
  dropped.send(with_will(ProtocolVersion::v311, "dropped"));
  dropped.take();
  dropped.drop();
  auto ps = w.client.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].topic == "will/topic");
  CHECK(payload_text(ps[0]) == "gone");
  CHECK(ps[0].qos == 1);
  CHECK(h.broker.counters().wills_published == 1);

  Client polite(h);
  polite.send(with_will(ProtocolVersion::v311, "polite"));
  polite.send(Bytes{0xE0, 0x00});
  CHECK(polite.closed());
  CHECK(w.wills() == 0);
}

TEST_CASE("broker: 5.0 DISCONNECT 0x04 publishes the will") {
  Harness h;
  Watcher w(h);
  Client c(h, ProtocolVersion::v5);
  c.send(with_will(ProtocolVersion::v5, "c"));
  c.send(Bytes{0xE0, 0x01, 0x04});
  CHECK(w.wills() == 1);
}

TEST_CASE("broker: keep alive timeout, protocol error and takeover publish the will") {
  Harness h;
  Watcher w(h);
  Client idle(h);
  idle.send(with_will(ProtocolVersion::v311, "idle", 0, 0, 2));
  h.advance_s(3);
  CHECK(idle.closed());
  CHECK(w.wills() == 1);

  Client bad(h);
  bad.send(with_will(ProtocolVersion::v311, "bad"));
  bad.send(Bytes{0x20, 0x02, 0x00, 0x00});  // a CONNACK from a client
  CHECK(bad.closed());
  CHECK(w.wills() == 1);

  Client first(h);
  first.send(with_will(ProtocolVersion::v311, "same"));
  Client second(h);
  connect(second, "same");
  CHECK(first.closed());
  CHECK(w.wills() == 1);
}

TEST_CASE("broker: will delay: cancelled by a reconnection in time, published when it passes [MQTT-3.1.3-9]") {
  Harness h;
  Watcher w(h);
  Client c(h, ProtocolVersion::v5);
  c.send(with_will(ProtocolVersion::v5, "c", 5, 100));
  c.drop();
  h.advance_s(3);
  CHECK(w.wills() == 0);
  Client back(h, ProtocolVersion::v5);
  Connect k = with_will(ProtocolVersion::v5, "c", 5, 100);
  k.clean_start = false;
  back.send(k);
  CHECK(back.expect<Connack>().session_present);
  h.advance_s(10);
  CHECK(w.wills() == 0);  // the first will was cancelled
  back.drop();
  h.advance_s(4);
  CHECK(w.wills() == 0);
  h.advance_s(1);
  CHECK(w.wills() == 1);
}

TEST_CASE("broker: a delayed will is published when the session ends first") {
  Harness h;
  Watcher w(h);
  Client c(h, ProtocolVersion::v5);
  c.send(with_will(ProtocolVersion::v5, "c", 60, 5));
  c.drop();
  h.advance_s(4);
  CHECK(w.wills() == 0);
  h.advance_s(1);
  CHECK(w.wills() == 1);
  CHECK(h.broker.counters().sessions == 1);  // only the watcher's
}

TEST_CASE("broker: a takeover with Clean Start 0 cancels a delayed will") {
  Harness h;
  Watcher w(h);
  Client c(h, ProtocolVersion::v5);
  c.send(with_will(ProtocolVersion::v5, "c", 5, 100));
  Client again(h, ProtocolVersion::v5);
  connect(again, "c", false, 0, {Property{PropertyId::SessionExpiryInterval, 100, {}, {}}});
  CHECK(c.closed());
  h.advance_s(10);
  CHECK(w.wills() == 0);
}

TEST_CASE("broker: a retained will is stored") {
  Harness h;
  Client c(h);
  Connect k = with_will(ProtocolVersion::v311, "c");
  k.will->retain = true;
  c.send(k);
  c.drop();
  CHECK(h.broker.counters().retained == 1);
  Client late(h);
  connect(late, "late");
  late.send(subscribe_packet(1, "will/topic", 1));
  auto ps = late.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].retain);
}

namespace mq::broker::test {

TEST_CASE("broker: a 5.0 will is published without its Will Delay Interval, other will properties kept") {
  Harness h;
  Client watcher(h, ProtocolVersion::v5);
  connect(watcher, "watcher");
  subscribe(watcher, "will/#", 1);
  Client c(h, ProtocolVersion::v5);
  Connect k = with_will(ProtocolVersion::v5, "c", 1);
  k.will->properties.push_back(Property{PropertyId::UserProperty, 0, "k", "v"});
  c.send(k);
  c.drop();
  h.advance_s(2);
  // Decoding at 5.0 fails on a PUBLISH that carries Will Delay Interval.
  auto ps = watcher.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(find(ps[0].properties, PropertyId::WillDelayInterval) == nullptr);
  REQUIRE(ps[0].properties.size() == 1);
  CHECK(ps[0].properties[0].id == PropertyId::UserProperty);
}

}  // namespace mq::broker::test

TEST_CASE("broker: a will payload over message_size_limit refuses the CONNECT (5.0: 0x95, 3.x: return code 5)") {
  Config config = test_config();
  config.max_payload_size = 3;  // "gone" has 4 bytes
  Harness h(config);
  Watcher w(h);
  Client v311(h);
  v311.send(with_will(ProtocolVersion::v311, "a"));
  CHECK(v311.take() == Bytes{0x20, 0x02, 0x00, 0x05});  // CONNACK return code 5, as mosquitto answers
  CHECK(v311.closed());
  Client v5(h, ProtocolVersion::v5);
  v5.send(with_will(ProtocolVersion::v5, "b"));
  CHECK(v5.take() == Bytes{0x20, 0x03, 0x00, 0x95, 0x00});  // CONNACK 0x95 Packet too large
  CHECK(v5.closed());
  v311.drop();
  v5.drop();
  CHECK(w.wills() == 0);  // never admitted, so never published
  CHECK(h.broker.counters().refused_payload_size == 2);

  Client fits(h);
  Connect k = with_will(ProtocolVersion::v311, "c");
  k.will->payload = as_bytes("bye");  // exactly the limit
  fits.send(k);
  CHECK(fits.take() == Bytes{0x20, 0x02, 0x00, 0x00});
}

}  // namespace mq::broker::test
