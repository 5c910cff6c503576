// Outgoing PUBLISH at QoS 0 and 1: bytes, acknowledgements with reason
// codes, the in-flight window and its queue, local refusals.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

TEST_CASE("QoS 0 publish goes out at once and completes when written") {
  Broker b(v5_config());
  handshake(b);
  auto t = b.session.publish(msg("a/b", "hi", 0), b.now);
  REQUIRE(t);
  b.expect({0x30, 0x08,               // PUBLISH QoS 0, remaining length 8
            0x00, 0x03, 'a', '/', 'b',  // topic
            0x00,                     // property length 0
            'h', 'i'});               // payload
  auto done = b.event<PublishCompleted>();
  CHECK(done.token == t.token);
  CHECK(done.qos == 0);
  CHECK(done.ok());
}

TEST_CASE("QoS 1 publish at 3.1.1: PUBACK completes it") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v311;
  Broker b(c);
  handshake(b, {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 'c', '1'},
            {0x20, 0x02, 0x00, 0x00});
  auto t = b.session.publish(msg("a/b", "hi", 1, true), b.now);
  REQUIRE(t);
  b.expect({0x33, 0x09,               // PUBLISH QoS 1 retain, remaining length 9
            0x00, 0x03, 'a', '/', 'b',  // topic
            0x00, 0x01,               // packet identifier 1
            'h', 'i'});               // payload
  CHECK(b.session.in_flight() == 1);
  b.reply({0x40, 0x02, 0x00, 0x01});  // PUBACK 1
  auto done = b.event<PublishCompleted>();
  CHECK(done.token == t.token);
  CHECK(done.packet_id == 1);
  CHECK(done.qos == 1);
  CHECK(done.ok());
  CHECK(b.session.in_flight() == 0);
}

TEST_CASE("QoS 1 publish at 5.0: PUBACK reason code and reason string are passed up") {
  Broker b(v5_config());
  handshake(b);
  auto t = b.session.publish(msg("a/b", "hi", 1), b.now);
  b.expect({0x32, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x01, 0x00, 'h', 'i'});
  b.reply({0x40, 0x0A,                       // PUBACK, remaining length 10
           0x00, 0x01,                       // packet identifier 1
           0x87,                             // Not authorized
           0x06,                             // property length 6
           0x1F, 0x00, 0x03, 'n', 'o', '!'});  // Reason String "no!"
  auto done = b.event<PublishCompleted>();
  CHECK(done.token == t.token);
  CHECK(done.reason_code == 0x87);
  CHECK(done.reason_string == "no!");
  CHECK_FALSE(done.ok());
}

TEST_CASE("the in-flight window honours the server's Receive Maximum and queues the rest in order") {
  Broker b(v5_config());
  handshake(b, kConnectV5,
            {0x20, 0x06, 0x00, 0x00,
             0x03,                 // property length 3
             0x21, 0x00, 0x02});   // Receive Maximum 2
  std::vector<std::uint64_t> tokens;
  for (int i = 0; i < 4; ++i) tokens.push_back(b.session.publish(msg("t", std::string(1, char('0' + i)), 1), b.now).token);
  // Two go out, two wait.
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, '0',    // PUBLISH id 1 "0"
            0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, '1'});  // PUBLISH id 2 "1"
  b.expect_nothing();
  CHECK(b.session.in_flight() == 2);
  CHECK(b.session.queued() == 2);
  // A QoS 0 message queued behind them keeps its place.
  auto q0 = b.session.publish(msg("t", "z", 0), b.now);
  b.expect_nothing();

  b.reply({0x40, 0x02, 0x00, 0x02});  // PUBACK 2 frees one slot
  CHECK(b.event<PublishCompleted>().token == tokens[1]);
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x03, 0x00, '2'});
  b.expect_nothing();
  b.reply({0x40, 0x02, 0x00, 0x01});
  CHECK(b.event<PublishCompleted>().token == tokens[0]);
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x04, 0x00, '3',  // PUBLISH id 4 "3"
            0x30, 0x05, 0x00, 0x01, 't', 0x00, 'z'});            // then the QoS 0 one
  CHECK(b.event<PublishCompleted>().token == q0.token);
  CHECK(b.session.queued() == 0);
}

TEST_CASE("our own max_inflight caps the window below the server's") {
  ClientConfig c = v5_config();
  c.max_inflight = 1;
  Broker b(c);
  handshake(b);
  CHECK(b.session.window() == 1);
  b.session.publish(msg("t", "a", 1), b.now);
  b.session.publish(msg("t", "b", 1), b.now);
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});
  b.expect_nothing();
  b.reply({0x40, 0x02, 0x00, 0x01});
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'});
}

TEST_CASE("publishes accepted before CONNACK are sent after it, and checked against its limits") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now));
  auto ok = b.session.publish(msg("t", "a", 1), b.now);
  auto too_high = b.session.publish(msg("t", "b", 2), b.now);
  REQUIRE(ok);
  REQUIRE(too_high);
  b.expect(kConnectV5);
  b.expect_nothing();
  b.reply({0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x01});  // CONNACK, Maximum QoS 1
  b.event<Connected>();
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});
  auto refused = b.event<PublishCompleted>();
  CHECK(refused.token == too_high.token);
  REQUIRE(refused.error.has_value());
  CHECK(refused.error->code == ClientErrorCode::QoSNotSupported);
}

TEST_CASE("local refusals: Maximum QoS, Retain Available, Maximum Packet Size, bad topics") {
  Broker b(v5_config());
  handshake(b, kConnectV5,
            {0x20, 0x0C, 0x00, 0x00,
             0x09,                            // property length 9
             0x24, 0x00,                      //   Maximum QoS 0
             0x25, 0x00,                      //   Retain Available 0
             0x27, 0x00, 0x00, 0x00, 0x0A});  //   Maximum Packet Size 10
  auto qos = b.session.publish(msg("t", "x", 1), b.now);
  REQUIRE(qos.error.has_value());
  CHECK(qos.error->code == ClientErrorCode::QoSNotSupported);
  CHECK(qos.error->message == "QoS 1 exceeds the server's Maximum QoS of 0 [MQTT-3.2.2-11]");

  auto retain = b.session.publish(msg("t", "x", 0, true), b.now);
  REQUIRE(retain.error.has_value());
  CHECK(retain.error->code == ClientErrorCode::RetainNotSupported);

  // 2 + 3 (topic) + 1 (property length) + 4 = 10 bytes: fits exactly.
  CHECK(b.session.publish(msg("t", "1234", 0), b.now));
  auto big = b.session.publish(msg("t", "12345", 0), b.now);
  REQUIRE(big.error.has_value());
  CHECK(big.error->code == ClientErrorCode::PacketTooLarge);
  CHECK(big.error->message ==
        "PUBLISH of 11 bytes exceeds the server's Maximum Packet Size of 10 bytes [MQTT-3.2.2-15]");

  auto wildcard = b.session.publish(msg("a/+", "", 0), b.now);
  REQUIRE(wildcard.error.has_value());
  CHECK(wildcard.error->code == ClientErrorCode::InvalidRequest);
  auto qos3 = b.session.publish(msg("t", "", 3), b.now);
  REQUIRE(qos3.error.has_value());
  CHECK(qos3.error->message == "QoS 3 does not exist");
  Message with_sub_id = msg("t", "", 0);
  with_sub_id.properties.add(PropertyId::SubscriptionIdentifier, 1);
  CHECK(b.session.publish(with_sub_id, b.now).error->code == ClientErrorCode::InvalidRequest);

  b.expect({0x30, 0x08, 0x00, 0x01, 't', 0x00, '1', '2', '3', '4'});  // only the one that fits
  b.expect_nothing();
}

TEST_CASE("a PUBACK for an identifier not in flight is a protocol error") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0x40, 0x02, 0x00, 0x07});  // PUBACK 7, never sent
  b.expect({0xE0, 0x01, 0x82});       // DISCONNECT, Protocol Error
  auto v = b.event<ProtocolViolation>();
  CHECK(v.error.message == "PUBACK for packet identifier 7, which is not a QoS 1 PUBLISH in flight");
  CHECK(b.session.state() == ClientSession::State::Closed);
}
