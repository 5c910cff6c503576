// QoS 2 in both directions, and incoming QoS 0/1: PUBREC/PUBREL/PUBCOMP
// flows with reason codes, exactly-once delivery, our Receive Maximum.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

TEST_CASE("outgoing QoS 2: PUBLISH, PUBREC, PUBREL, PUBCOMP") {
  Broker b(v5_config());
  handshake(b);
  auto t = b.session.publish(msg("a/b", "hi", 2), b.now);
  b.expect({0x34, 0x0A,               // PUBLISH QoS 2, remaining length 10
            0x00, 0x03, 'a', '/', 'b',  // topic
            0x00, 0x01,               // packet identifier 1
            0x00,                     // property length 0
            'h', 'i'});
  b.reply({0x50, 0x02, 0x00, 0x01});  // PUBREC 1
  b.expect({0x62, 0x02, 0x00, 0x01}); // PUBREL 1 (flags 0010)
  b.expect_no_event();
  CHECK(b.session.in_flight() == 1);  // counts against Receive Maximum until PUBCOMP
  b.reply({0x50, 0x02, 0x00, 0x01});  // a repeated PUBREC is answered again
  b.expect({0x62, 0x02, 0x00, 0x01});
  b.reply({0x70, 0x02, 0x00, 0x01});  // PUBCOMP 1
  auto done = b.event<PublishCompleted>();
  CHECK(done.token == t.token);
  CHECK(done.qos == 2);
  CHECK(done.ok());
  CHECK(b.session.in_flight() == 0);
}

TEST_CASE("outgoing QoS 2: a PUBREC failure reason ends the flow") {
  Broker b(v5_config());
  handshake(b, kConnectV5, {0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x01});  // Receive Maximum 1
  auto first = b.session.publish(msg("t", "a", 2), b.now);
  b.session.publish(msg("t", "b", 2), b.now);
  b.expect({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});
  b.expect_nothing();
  b.reply({0x50, 0x03, 0x00, 0x01, 0x97});  // PUBREC 1, Quota exceeded
  auto done = b.event<PublishCompleted>();
  CHECK(done.token == first.token);
  CHECK(done.reason_code == 0x97);
  CHECK_FALSE(done.ok());
  // No PUBREL; the slot is free for the next message.
  b.expect({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'});
}

TEST_CASE("outgoing QoS 2: PUBCOMP reason code is passed up; a PUBCOMP before PUBREC is an error") {
  Broker b(v5_config());
  handshake(b);
  b.session.publish(msg("t", "a", 2), b.now);
  b.expect({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});
  SUBCASE("reason passed up") {
    b.reply({0x50, 0x02, 0x00, 0x01});
    b.expect({0x62, 0x02, 0x00, 0x01});
    b.reply({0x70, 0x03, 0x00, 0x01, 0x92});  // PUBCOMP, Packet Identifier not found
    CHECK(b.event<PublishCompleted>().reason_code == 0x92);
  }
  SUBCASE("PUBCOMP too early") {
    b.reply({0x70, 0x02, 0x00, 0x01});
    b.expect({0xE0, 0x01, 0x82});
    CHECK(b.event<ProtocolViolation>().error.message == "PUBCOMP for packet identifier 1, which is not awaiting PUBCOMP");
  }
  SUBCASE("PUBACK for a QoS 2 message") {
    b.reply({0x40, 0x02, 0x00, 0x01});
    b.expect({0xE0, 0x01, 0x82});
    b.event<ProtocolViolation>();
  }
}

TEST_CASE("incoming QoS 0 and QoS 1") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0x30, 0x08, 0x00, 0x03, 'a', '/', 'b', 0x00, 'h', 'i'});  // PUBLISH QoS 0
  b.expect_nothing();
  auto m0 = b.event<MessageReceived>();
  CHECK(m0.message.topic == "a/b");
  CHECK(m0.message.payload == "hi");
  CHECK(m0.message.qos == 0);

  b.reply({0x33, 0x0F,                         // PUBLISH QoS 1 retain, remaining length 15
           0x00, 0x03, 'a', '/', 'b',          // topic
           0x00, 0x05,                         // packet identifier 5
           0x05,                               // property length 5
           0x03, 0x00, 0x02, 't', 'x',         //   Content Type "tx"
           'h', 'i'});
  b.expect({0x40, 0x02, 0x00, 0x05});          // PUBACK 5
  auto m1 = b.event<MessageReceived>();
  CHECK(m1.packet_id == 5);
  CHECK(m1.message.retain);
  CHECK(m1.message.properties.text(PropertyId::ContentType) == "tx");
}

TEST_CASE("incoming QoS 2 is delivered once, on PUBLISH, and its identifier remembered until PUBREL") {
  Broker b(v5_config());
  handshake(b);
  const Bytes publish = {0x34, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x06, 0x00, 'h', 'i'};  // QoS 2, id 6
  b.reply(publish);
  b.expect({0x50, 0x02, 0x00, 0x06});  // PUBREC 6
  auto m = b.event<MessageReceived>();
  CHECK(m.message.qos == 2);
  CHECK(b.session.awaiting_pubrel() == 1);

  // The server did not see our PUBREC and sends the PUBLISH again with DUP.
  Bytes dup = publish;
  dup[0] = 0x3C;
  b.reply(dup);
  b.expect({0x50, 0x02, 0x00, 0x06});  // acknowledged again...
  b.expect_no_event();                  // ...but not delivered again

  b.reply({0x62, 0x02, 0x00, 0x06});   // PUBREL 6
  b.expect({0x70, 0x02, 0x00, 0x06});  // PUBCOMP 6
  CHECK(b.session.awaiting_pubrel() == 0);
  CHECK(b.event<MessageReleased>().packet_id == 6);

  b.reply({0x62, 0x02, 0x00, 0x06});         // PUBREL 6 once more
  b.expect({0x70, 0x03, 0x00, 0x06, 0x92});  // PUBCOMP, Packet Identifier not found
  b.expect_no_event();                       // nothing was released this time

  b.reply(publish);                     // after PUBCOMP the identifier starts a new message
  b.expect({0x50, 0x02, 0x00, 0x06});
  b.event<MessageReceived>();
}

TEST_CASE("our Receive Maximum is enforced: one QoS 2 too many is DISCONNECT 0x93") {
  ClientConfig c = v5_config();
  c.receive_maximum = 1;
  Broker b(c);
  handshake(b,
            {0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
             0x03, 0x21, 0x00, 0x01,  // property length 3: Receive Maximum 1
             0x00, 0x02, 'c', '1'});
  b.reply({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});
  b.expect({0x50, 0x02, 0x00, 0x01});
  b.event<MessageReceived>();
  b.reply({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'});  // a second before PUBREL 1
  b.expect({0xE0, 0x01, 0x93});  // DISCONNECT, Receive Maximum exceeded
  auto v = b.event<ProtocolViolation>();
  CHECK(v.reason_code == 0x93);
  b.expect_no_event();
}

TEST_CASE("3.1.1 incoming QoS 2 and an unknown PUBREL") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v311;
  Broker b(c);
  handshake(b, {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 'c', '1'},
            {0x20, 0x02, 0x00, 0x00});
  b.reply({0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x09, 'x'});  // PUBLISH QoS 2, id 9, no properties
  b.expect({0x50, 0x02, 0x00, 0x09});
  b.event<MessageReceived>();
  b.reply({0x62, 0x02, 0x00, 0x09});
  b.expect({0x70, 0x02, 0x00, 0x09});
  b.reply({0x62, 0x02, 0x00, 0x09});
  b.expect({0x70, 0x02, 0x00, 0x09});  // no reason codes before 5.0
}
