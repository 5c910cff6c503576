// CONNECT: CONNACKs and refusals at every level, identifiers, keep alive,
// connect timeout, takeover, limits.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// A 3.1.1 CONNECT written from the spec: clean session, keep alive 60, id "a".
const Bytes kConnect311 = cat({{0x10, 0x0D, 0x00, 0x04}, text("MQTT"), {0x04, 0x02, 0x00, 0x3C, 0x00, 0x01}, text("a")});

/// A CONNECT with a level byte the broker does not support.
Bytes connect_with_level(std::uint8_t level) {
  return cat({{0x10, 0x0D, 0x00, 0x04}, text("MQTT"), {level, 0x02, 0x00, 0x3C, 0x00, 0x01}, text("a")});
}

/// Refuses everyone with a fixed reason.
struct Refuser final : Authorizer {
  AuthResult reason = 0x86;
  AuthResult authenticate(const Credentials&) override { return reason; }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo&, std::string_view) override { return true; }
};

}  // namespace

TEST_CASE("broker: 3.1.1 CONNECT gets CONNACK 0 [MQTT-3.2.2-2]") {
  Harness h;
  Client c(h);
  c.send(kConnect311);
  CHECK(c.take() == Bytes{0x20, 0x02, 0x00, 0x00});  // CONNACK, session present 0, accepted
  CHECK_FALSE(c.closed());
  CHECK(h.broker.counters().clients_connected == 1);
}

TEST_CASE("broker: 3.1 CONNECT (MQIsdp) is accepted, ids of 24 characters are refused with return code 2") {
  Harness h;
  Client ok(h, ProtocolVersion::v31);
  ok.send(cat({{0x10, 0x0F, 0x00, 0x06}, text("MQIsdp"), {0x03, 0x02, 0x00, 0x3C, 0x00, 0x01}, text("a")}));
  CHECK(ok.take() == Bytes{0x20, 0x02, 0x00, 0x00});

  Client bad(h, ProtocolVersion::v31);
  bad.send(connect_packet(ProtocolVersion::v31, "abcdefghijklmnopqrstuvwx"));
  CHECK(bad.take() == Bytes{0x20, 0x02, 0x00, 0x02});  // identifier rejected
  CHECK(bad.closed());
}

TEST_CASE("broker: 3.1.1 empty client id needs clean session [MQTT-3.1.3-7] [MQTT-3.1.3-8]") {
  Harness h;
  Client persistent(h);
  persistent.send(connect_packet(ProtocolVersion::v311, "", false));
  CHECK(persistent.take() == Bytes{0x20, 0x02, 0x00, 0x02});
  CHECK(persistent.closed());

  Client clean(h);
  clean.send(connect_packet(ProtocolVersion::v311, "", true));
  CHECK(clean.take() == Bytes{0x20, 0x02, 0x00, 0x00});
  CHECK_FALSE(clean.closed());
}

TEST_CASE("broker: 5.0 CONNACK carries the broker's limits and an assigned client id") {
  Harness h;
  Client named(h, ProtocolVersion::v5);
  named.send(connect_packet(ProtocolVersion::v5, "a"));
  // CONNACK, flags 0, reason 0, properties (3 bytes): Topic Alias Maximum 10.
  CHECK(named.take() == Bytes{0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x0A});

  Client anonymous(h, ProtocolVersion::v5);
  anonymous.send(connect_packet(ProtocolVersion::v5, ""));
  auto a = anonymous.expect<Connack>();
  CHECK(a.reason_code == 0);
  const Property* assigned = find(a.properties, PropertyId::AssignedClientIdentifier);
  REQUIRE(assigned);
  CHECK(assigned->value.starts_with("mq-"));
  CHECK(assigned->value.size() == 3 + 16);
}

TEST_CASE("broker: unsupported protocol level -> return code 1, or 0x84 above 5 [MQTT-3.1.2-2]") {
  Harness h;
  Client old(h);
  old.send(connect_with_level(2));
  CHECK(old.take() == Bytes{0x20, 0x02, 0x00, 0x01});
  CHECK(old.closed());

  Client future(h);
  future.send(connect_with_level(6));
  CHECK(future.take() == Bytes{0x20, 0x03, 0x00, 0x84, 0x00});  // 5.0 form, no properties
  CHECK(future.closed());
}

TEST_CASE("broker: a bridge's CONNECT (level 0x84, 0x83) is answered as an unsupported level") {
  // The codec decodes the bridge bit; mqbroker serves no bridges and refuses
  // in the form the bridge reads, that of the level under the mark.
  Harness h;
  Client bridge311(h);
  bridge311.send(connect_with_level(0x84));
  CHECK(bridge311.take() == Bytes{0x20, 0x02, 0x00, 0x01});  // 3.1.1's unacceptable protocol version
  CHECK(bridge311.closed());

  Client bridge31(h);
  bridge31.send(cat({{0x10, 0x0F, 0x00, 0x06}, text("MQIsdp"), {0x83, 0x02, 0x00, 0x3C, 0x00, 0x01}, text("a")}));
  CHECK(bridge31.take() == Bytes{0x20, 0x02, 0x00, 0x01});
  CHECK(bridge31.closed());
}

TEST_CASE("broker: the first packet must be CONNECT [MQTT-3.1.0-1]") {
  Harness h;
  Client c(h);
  c.send(Bytes{0xC0, 0x00});  // PINGREQ
  CHECK(c.take().empty());
  CHECK(c.closed());
}

TEST_CASE("broker: a second CONNECT is a protocol error [MQTT-3.1.0-2]") {
  SUBCASE("5.0: DISCONNECT 0x82") {
    Harness h;
    Client c(h, ProtocolVersion::v5);
    connect(c, "a");
    c.send(connect_packet(ProtocolVersion::v5, "a"));
    CHECK(c.take() == Bytes{0xE0, 0x01, 0x82});
    CHECK(c.closed());
  }
  SUBCASE("3.1.1: closed without a word") {
    Harness h;
    Client c(h);
    connect(c, "a");
    c.send(kConnect311);
    CHECK(c.take().empty());
    CHECK(c.closed());
  }
}

TEST_CASE("broker: a malformed 5.0 CONNECT gets CONNACK 0x81, a 3.1.1 one is closed [MQTT-3.1.4-1]") {
  Harness h;
  Client v5(h, ProtocolVersion::v5);
  // Connect flags with the reserved bit set [MQTT-3.1.2-3].
  v5.send(cat({{0x10, 0x0E, 0x00, 0x04}, text("MQTT"), {0x05, 0x03, 0x00, 0x3C, 0x00, 0x00, 0x01}, text("a")}));
  CHECK(v5.take() == Bytes{0x20, 0x03, 0x00, 0x81, 0x00});
  CHECK(v5.closed());

  Client v3(h);
  v3.send(cat({{0x10, 0x0D, 0x00, 0x04}, text("MQTT"), {0x04, 0x03, 0x00, 0x3C, 0x00, 0x01}, text("a")}));
  CHECK(v3.take().empty());
  CHECK(v3.closed());
}

TEST_CASE("broker: a socket that never sends CONNECT is closed after the connect timeout") {
  Harness h;
  Client c(h);
  REQUIRE(h.broker.next_deadline());
  h.advance_s(9);
  CHECK_FALSE(c.closed());
  h.advance_s(1);
  CHECK(c.closed());
}

TEST_CASE("broker: keep alive is enforced at one and a half times [MQTT-3.1.2-24]") {
  Harness h;
  Client v5(h, ProtocolVersion::v5);
  connect(v5, "v5", true, 10);
  Client v3(h);
  connect(v3, "v3", true, 10);
  h.advance_s(10);
  v5.send(Bytes{0xC0, 0x00});  // PINGREQ at 10 s
  CHECK(v5.take() == Bytes{0xD0, 0x00});
  h.advance(std::chrono::milliseconds(4999));  // v3: 14.999 s of silence
  CHECK_FALSE(v3.closed());
  h.advance(std::chrono::milliseconds(1));  // 15 s
  CHECK(v3.closed());
  CHECK(v3.take().empty());
  CHECK_FALSE(v5.closed());
  h.advance_s(10);  // v5: 25 s, 15 s after its PINGREQ
  CHECK(v5.take() == Bytes{0xE0, 0x01, 0x8D});  // DISCONNECT Keep Alive timeout
  CHECK(v5.closed());
}

TEST_CASE("broker: max_keepalive becomes Server Keep Alive at 5.0 and refuses 3.1.1") {
  Config config = test_config();
  config.max_keepalive = 30;
  Harness h(config);
  Client v5(h, ProtocolVersion::v5);
  auto a = connect(v5, "v5", true, 0);
  const Property* ska = find(a.properties, PropertyId::ServerKeepAlive);
  REQUIRE(ska);
  CHECK(ska->number == 30);
  h.advance_s(45);
  CHECK(v5.closed());  // the server's keep alive is enforced

  Client v3(h);
  v3.send(connect_packet(ProtocolVersion::v311, "v3", true, 60));
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x02});
}

TEST_CASE("broker: client id takeover closes the old connection, 5.0 with DISCONNECT 0x8E [MQTT-3.1.4-3]") {
  Harness h;
  Client first(h, ProtocolVersion::v5);
  connect(first, "same");
  Client second(h, ProtocolVersion::v5);
  connect(second, "same");
  CHECK(first.take() == Bytes{0xE0, 0x01, 0x8E});
  CHECK(first.closed());
  CHECK_FALSE(second.closed());
  CHECK(h.broker.counters().clients_connected == 1);
  CHECK(h.broker.counters().connections == 1);
}

TEST_CASE("broker: authentication refusals map to each level's code") {
  Refuser refuse;
  Harness h(test_config(), &refuse);
  Client v5(h, ProtocolVersion::v5);
  v5.send(connect_packet(ProtocolVersion::v5, "a"));
  CHECK(v5.take() == Bytes{0x20, 0x03, 0x00, 0x86, 0x00});  // Bad User Name or Password
  Client v3(h);
  v3.send(connect_packet(ProtocolVersion::v311, "b"));
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x04});
  refuse.reason = 0x87;
  Client v3b(h);
  v3b.send(connect_packet(ProtocolVersion::v311, "c"));
  CHECK(v3b.take() == Bytes{0x20, 0x02, 0x00, 0x05});  // not authorized
  CHECK(h.broker.counters().connections_refused == 3);
}

TEST_CASE("broker: anonymous clients refused when allow_anonymous is off") {
  Config config = test_config();
  config.allow_anonymous = false;
  Harness h(config);
  Client anon(h);
  anon.send(connect_packet(ProtocolVersion::v311, "a"));
  CHECK(anon.take() == Bytes{0x20, 0x02, 0x00, 0x05});
  Client named(h);
  Connect k = connect_packet(ProtocolVersion::v311, "b");
  k.username = "user";
  named.send(k);
  CHECK(named.take() == Bytes{0x20, 0x02, 0x00, 0x00});
}

TEST_CASE("broker: connections over max_connections are refused at CONNECT (0x97 / return code 3)") {
  Config config = test_config();
  config.max_connections = 1;
  Harness h(config);
  Client first(h);
  connect(first, "a");
  Client v3(h);
  v3.send(kConnect311);
  CHECK(v3.take() == Bytes{0x20, 0x02, 0x00, 0x03});
  Client v5(h, ProtocolVersion::v5);
  v5.send(connect_packet(ProtocolVersion::v5, "c"));
  CHECK(v5.take() == Bytes{0x20, 0x03, 0x00, 0x97, 0x00});
}

TEST_CASE("broker: packets over max_packet_size end a 5.0 connection with DISCONNECT 0x95") {
  Config config = test_config();
  config.max_packet_size = 32;
  Harness h(config);
  Client c(h, ProtocolVersion::v5);
  auto a = connect(c, "a");
  const Property* mps = find(a.properties, PropertyId::MaximumPacketSize);
  REQUIRE(mps);
  CHECK(mps->number == 32);
  // A PUBLISH declaring 40 bytes is refused from its fixed header alone.
  c.send(Bytes{0x30, 0x26, 0x00, 0x01});
  CHECK(c.take() == Bytes{0xE0, 0x01, 0x95});
  CHECK(c.closed());
}

}  // namespace mq::broker::test
