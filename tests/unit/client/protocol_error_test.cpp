// The server breaking the protocol: malformed packets (0x81), packets not
// allowed in the state (0x82), at 5.0 and before; the session ends with the
// decoder's error.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

TEST_CASE("a malformed packet: DISCONNECT 0x81 and the DecodeError passed up") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0x60, 0x02, 0x00, 0x01});  // PUBREL with flags 0000 instead of 0010
  b.expect({0xE0, 0x01, 0x81});       // DISCONNECT, Malformed Packet
  auto v = b.event<ProtocolViolation>();
  CHECK(v.reason_code == 0x81);
  CHECK(v.error.kind == ErrorKind::Malformed);
  CHECK_FALSE(to_string(v.error).empty());
  CHECK(b.session.state() == ClientSession::State::Closed);
  b.reply({0x30, 0x04, 0x00, 0x01, 't', 0x00});  // anything after is ignored
  b.expect_nothing();
  b.expect_no_event();
}

TEST_CASE("a packet the server must not send: DISCONNECT 0x82") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0x82, 0x07,        // SUBSCRIBE, remaining length 7 (well formed)
           0x00, 0x01, 0x00,  // packet identifier 1, property length 0
           0x00, 0x01, 't',   // filter "t"
           0x00});            // options: QoS 0
  b.expect({0xE0, 0x01, 0x82});  // DISCONNECT, Protocol Error
  auto v = b.event<ProtocolViolation>();
  CHECK(v.reason_code == 0x82);
  CHECK(v.error.kind == ErrorKind::ProtocolError);
  CHECK(to_string(v.error) == "offset 0, SUBSCRIBE: SUBSCRIBE is sent by clients, not by a server");
}

TEST_CASE("PINGREQ from the server is a protocol error") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0xC0, 0x00});
  b.expect({0xE0, 0x01, 0x82});
  auto v = b.event<ProtocolViolation>();
  CHECK(v.error.message == "PINGREQ is sent by clients, not by a server");
  CHECK(v.error.field == "PINGREQ");
}

TEST_CASE("PUBLISH before CONNACK is a protocol error") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(kConnectV5);
  b.reply({0x30, 0x04, 0x00, 0x01, 't', 0x00});
  b.expect({0xE0, 0x01, 0x82});
  CHECK(b.event<ProtocolViolation>().error.message == "PUBLISH before CONNACK");
}

TEST_CASE("a second CONNACK is a protocol error") {
  Broker b(v5_config());
  handshake(b);
  b.reply(kConnackV5);
  b.expect({0xE0, 0x01, 0x82});
  CHECK(b.event<ProtocolViolation>().error.message == "a second CONNACK");
}

TEST_CASE("server DISCONNECT with a Session Expiry Interval is a protocol error [MQTT-3.14.2-2]") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0xE0, 0x07, 0x00, 0x05, 0x11, 0x00, 0x00, 0x00, 0x05});
  b.expect({0xE0, 0x01, 0x82});
  CHECK(b.event<ProtocolViolation>().error.rule == "MQTT-3.14.2-2");
}

TEST_CASE("3.1.1 protocol errors close without DISCONNECT") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v311;
  Broker b(c);
  handshake(b, {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 'c', '1'},
            {0x20, 0x02, 0x00, 0x00});
  SUBCASE("malformed") {
    b.reply({0x40, 0x03, 0x00, 0x01, 0x00});  // PUBACK with a 5.0 reason code at 3.1.1
    auto v = b.event<ProtocolViolation>();
    CHECK(v.reason_code == 0);
    CHECK(v.error.kind == ErrorKind::Malformed);
  }
  SUBCASE("DISCONNECT from a 3.1.1 server") {
    b.reply({0xE0, 0x00});
    CHECK(b.event<ProtocolViolation>().error.message == "a server does not send DISCONNECT before MQTT 5.0");
  }
  b.expect_nothing();
  CHECK(b.session.state() == ClientSession::State::Closed);
}

TEST_CASE("bytes split anywhere make the same conversation") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(kConnectV5);
  const Bytes stream = {0x20, 0x03, 0x00, 0x00, 0x00,                          // CONNACK
                        0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x03, 0x00, 'x',   // PUBLISH QoS 1 id 3
                        0xD0, 0x00};                                          // PINGRESP
  for (auto byte : stream) b.reply({byte});
  b.event<Connected>();
  CHECK(b.event<MessageReceived>().message.payload == "x");
  b.expect({0x40, 0x02, 0x00, 0x03});
}

TEST_CASE("a peer that answers CONNECT with text does not speak MQTT, and the message says so") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now).has_value());
  b.expect(kConnectV5);
  b.reply(text("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));  // reads as PUBACK, flags 0x8
  b.expect({0xE0, 0x01, 0x82});
  auto v = b.event<ProtocolViolation>();
  CHECK(v.error.message == "the server does not speak MQTT: it answered CONNECT with \"HTTP/1.1 400 Bad Request\"");
  CHECK(b.session.state() == ClientSession::State::Closed);
}

TEST_CASE("nothing is sent after the server's DISCONNECT, not even what its CONNACK released") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now).has_value());
  b.expect(kConnectV5);
  auto t = b.session.publish(msg("a/b", "hi", 1), b.now);  // waits for CONNACK
  REQUIRE(t);
  b.reply(cat({kConnackV5, {0xE0, 0x01, 0x8E}}));  // CONNACK and DISCONNECT 0x8E in one read
  b.expect_nothing();                               // the PUBLISH the CONNACK let out is dropped
  b.event<Connected>();
  CHECK(b.event<ServerDisconnected>().reason_code == 0x8E);
  CHECK(b.session.in_flight() == 1);  // kept for the next connection
}
