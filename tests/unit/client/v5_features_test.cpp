// MQTT 5.0 features: topic aliases both ways, Maximum Packet Size both ways,
// subscription capabilities, DISCONNECT both ways with reason strings and
// Server Reference.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

TEST_CASE("outgoing topic aliases: assigned while the server's maximum allows, then the topic is left out") {
  ClientConfig c = v5_config();
  c.topic_aliases = TopicAliasPolicy::Automatic;
  Broker b(c);
  handshake(b, kConnectV5, {0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x01});  // Topic Alias Maximum 1
  b.session.publish(msg("a/b", "x", 0), b.now);
  b.session.publish(msg("a/b", "y", 0), b.now);
  b.session.publish(msg("c", "z", 0), b.now);
  b.expect({0x30, 0x0A, 0x00, 0x03, 'a', '/', 'b',  // topic sent once, with...
            0x03, 0x23, 0x00, 0x01,                 // ...Topic Alias 1
            'x',
            0x30, 0x07, 0x00, 0x00,                 // empty topic
            0x03, 0x23, 0x00, 0x01,                 // Topic Alias 1
            'y',
            0x30, 0x05, 0x00, 0x01, 'c', 0x00,      // no alias left: full topic
            'z'});
}

TEST_CASE("outgoing topic aliases are off by default and without a server maximum") {
  Broker off(v5_config());
  handshake(off, kConnectV5, {0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x01});
  off.session.publish(msg("t", "", 0), off.now);
  off.expect({0x30, 0x04, 0x00, 0x01, 't', 0x00});

  ClientConfig c = v5_config();
  c.topic_aliases = TopicAliasPolicy::Automatic;
  Broker none(c);
  handshake(none);  // no Topic Alias Maximum: 0
  none.session.publish(msg("t", "", 0), none.now);
  none.expect({0x30, 0x04, 0x00, 0x01, 't', 0x00});
}

TEST_CASE("a retransmission after reconnect carries the full topic, not the old connection's alias") {
  ClientConfig c = v5_config();
  c.topic_aliases = TopicAliasPolicy::Automatic;
  c.session_expiry_interval = 300;
  Broker b(c);
  const Bytes connack_alias = {0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x04};  // Topic Alias Maximum 4
  REQUIRE_FALSE(b.session.start(b.now));
  b.take_written();
  b.reply(connack_alias);
  b.event<Connected>();
  b.session.publish(msg("t", "a", 0), b.now);
  b.session.publish(msg("t", "b", 1), b.now);
  b.expect({0x30, 0x08, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x01, 'a',
            0x32, 0x09, 0x00, 0x00, 0x00, 0x01, 0x03, 0x23, 0x00, 0x01, 'b'});  // alias only, id 1
  b.event<PublishCompleted>();  // the QoS 0 one
  b.session.connection_lost(b.now);
  REQUIRE_FALSE(b.session.start(b.now));
  b.take_written();
  b.reply({0x20, 0x06, 0x01, 0x00, 0x03, 0x22, 0x00, 0x04});  // session present
  b.event<Connected>();
  b.expect({0x3A, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'b'});  // DUP, full topic, no alias
  b.session.publish(msg("t", "c", 0), b.now);
  b.expect({0x30, 0x08, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x01, 'c'});  // aliases start afresh
}

namespace {
/// CONNECT for v5_config() with Topic Alias Maximum 2.
const Bytes kConnectAliases = {0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
                               0x03, 0x22, 0x00, 0x02,  // property length 3: Topic Alias Maximum 2
                               0x00, 0x02, 'c', '1'};
}  // namespace

TEST_CASE("incoming topic aliases are resolved; unknown or too large ones are DISCONNECT 0x94") {
  ClientConfig c = v5_config();
  c.topic_alias_maximum = 2;
  Broker b(c);
  handshake(b, kConnectAliases);
  b.reply({0x30, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x03, 0x23, 0x00, 0x01, 'x'});  // sets alias 1
  CHECK(b.event<MessageReceived>().message.topic == "a/b");
  b.reply({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'y'});  // uses alias 1
  auto m = b.event<MessageReceived>();
  CHECK(m.message.topic == "a/b");
  CHECK(m.message.payload == "y");
  SUBCASE("unknown alias") {
    b.reply({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x02, 'z'});
    b.expect({0xE0, 0x01, 0x94});  // DISCONNECT, Topic Alias invalid
    auto v = b.event<ProtocolViolation>();
    CHECK(v.reason_code == 0x94);
    CHECK(v.error.message == "Topic Alias 2 was never given a topic on this connection");
  }
  SUBCASE("alias above our maximum") {
    b.reply({0x30, 0x08, 0x00, 0x01, 'q', 0x03, 0x23, 0x00, 0x03, 'z'});  // Topic Alias 3
    b.expect({0xE0, 0x01, 0x94});
    CHECK(b.event<ProtocolViolation>().error.message == "Topic Alias 3 exceeds our Topic Alias Maximum of 2");
  }
  b.expect_no_event();
  CHECK(b.session.state() == ClientSession::State::Closed);
}

TEST_CASE("incoming packet above our Maximum Packet Size: DISCONNECT 0x95 as soon as its header arrives") {
  ClientConfig c = v5_config();
  c.maximum_packet_size = 16;
  Broker b(c);
  handshake(b, {0x10, 0x14, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
                0x05, 0x27, 0x00, 0x00, 0x00, 0x10,  // property length 5: Maximum Packet Size 16
                0x00, 0x02, 'c', '1'});
  b.reply({0x30, 0x0E, 0x00, 0x01, 't', 0x00});  // exactly 16 bytes in all: accepted
  b.reply(Bytes(10, 'p'));
  CHECK(b.event<MessageReceived>().message.payload == std::string(10, 'p'));
  b.reply({0x30, 0x0F});  // 17 bytes announced
  b.expect({0xE0, 0x01, 0x95});  // DISCONNECT, Packet too large
  auto v = b.event<ProtocolViolation>();
  CHECK(v.error.kind == ErrorKind::TooLarge);
  CHECK(v.error.message == "packet of 17 bytes exceeds the maximum packet size of 16");
}

TEST_CASE("subscriptions the server says it does not support are refused locally") {
  Broker b(v5_config());
  handshake(b, kConnectV5,
            {0x20, 0x09, 0x00, 0x00,
             0x06,                 // property length 6
             0x28, 0x00,           //   Wildcard Subscription Available 0
             0x29, 0x00,           //   Subscription Identifiers Available 0
             0x2A, 0x00});         //   Shared Subscription Available 0
  CHECK(b.session.subscribe({{"a/+", 0}}, {}, b.now).error->code == ClientErrorCode::WildcardNotSupported);
  CHECK(b.session.subscribe({{"$share/g/a", 0}}, {}, b.now).error->code == ClientErrorCode::SharedNotSupported);
  OwnedProperties sub_id;
  sub_id.add(PropertyId::SubscriptionIdentifier, 7);
  CHECK(b.session.subscribe({{"a", 0}}, sub_id, b.now).error->code == ClientErrorCode::SubscriptionIdNotSupported);
  CHECK(b.session.subscribe({{"", 0}}, {}, b.now).error->code == ClientErrorCode::InvalidRequest);
  b.expect_nothing();
  CHECK(b.session.subscribe({{"a", 0}}, {}, b.now));
}

TEST_CASE("server DISCONNECT passes reason code and reason string up") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0xE0, 0x08,                           // DISCONNECT, remaining length 8
           0x8B,                                 // Server shutting down
           0x06, 0x1F, 0x00, 0x03, 'b', 'y', 'e'});  // Reason String "bye"
  auto d = b.event<ServerDisconnected>();
  CHECK(d.reason_code == 0x8B);
  CHECK(d.reason_string == "bye");
  CHECK(b.session.state() == ClientSession::State::Closed);
  b.expect_nothing();
}

TEST_CASE("server DISCONNECT 0x9D Server moved with a Server Reference is a redirection") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0xE0, 0x08, 0x9D, 0x06, 0x1C, 0x00, 0x03, 'h', ':', '1'});  // Server Reference "h:1"
  auto r = b.event<Redirected>();
  CHECK(r.server_reference == "h:1");
  CHECK(r.permanent);
  CHECK(b.event<ServerDisconnected>().reason_code == 0x9D);
}

TEST_CASE("client DISCONNECT with a reason code; session expiry rules") {
  ClientConfig c = v5_config();
  Broker b(c);
  handshake(b);
  OwnedProperties raise;
  raise.add(PropertyId::SessionExpiryInterval, 10);
  auto err = b.session.disconnect(0x00, raise, b.now);
  REQUIRE(err.has_value());
  CHECK(err->code == ClientErrorCode::InvalidRequest);
  CHECK(b.session.state() == ClientSession::State::Connected);
  REQUIRE_FALSE(b.session.disconnect(0x04, {}, b.now));  // Disconnect with Will Message
  b.expect({0xE0, 0x01, 0x04});
  CHECK(b.session.state() == ClientSession::State::Closed);
  CHECK(b.session.disconnect(0, {}, b.now)->code == ClientErrorCode::NotConnected);
}

TEST_CASE("3.1.1 DISCONNECT has no variable header") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v311;
  Broker b(c);
  handshake(b, {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 'c', '1'},
            {0x20, 0x02, 0x00, 0x00});
  REQUIRE_FALSE(b.session.disconnect(0x04, {}, b.now));
  b.expect({0xE0, 0x00});
}
