// ClientConfig::manual_acks: incoming QoS 1/2 messages are acknowledged only
// when the caller says so, so a caller that stops reading (mqsub -C) leaves
// the rest with the server's session instead of losing them.

#include "harness.hpp"

namespace mq::client::test {

namespace {

ClientConfig manual_config() {
  ClientConfig c = v5_config();
  c.manual_acks = true;
  return c;
}

}  // namespace

TEST_CASE("manual acks, QoS 1: PUBACK only for what the caller acknowledges, in order") {
  Broker b(manual_config());
  handshake(b);
  b.reply({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a',    // PUBLISH QoS 1, id 1, "a"
           0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b',    // PUBLISH QoS 1, id 2, "b"
           0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x03, 0x00, 'c'});  // PUBLISH QoS 1, id 3, "c"
  b.expect_nothing();  // nothing acknowledged by itself
  CHECK(b.session.unacknowledged() == 3);
  CHECK(b.event<MessageReceived>().packet_id == 1);
  CHECK(b.session.acknowledge(1, b.now));
  b.expect({0x40, 0x02, 0x00, 0x01});  // PUBACK 1
  CHECK(b.event<MessageReceived>().packet_id == 2);
  CHECK(b.session.acknowledge(2, b.now));
  b.expect({0x40, 0x02, 0x00, 0x02});  // PUBACK 2
  b.event<MessageReceived>();          // 3 is dropped by the caller
  CHECK_FALSE(b.session.acknowledge(2, b.now));  // not twice
  CHECK_FALSE(b.session.acknowledge(9, b.now));  // never received
  b.expect_nothing();
  CHECK(b.session.unacknowledged() == 1);
  REQUIRE_FALSE(b.session.disconnect(0, {}, b.now).has_value());
  b.expect({0xE0, 0x00});  // DISCONNECT: message 3 stays unacknowledged
  CHECK(b.session.unacknowledged() == 0);
}

TEST_CASE("manual acks, QoS 2: PUBREC on acknowledge, then PUBREL, PUBCOMP and MessageReleased") {
  Broker b(manual_config());
  handshake(b);
  const Bytes publish = {0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x06, 0x00, 'x'};  // PUBLISH QoS 2, id 6
  b.reply(publish);
  b.expect_nothing();  // no PUBREC yet
  CHECK(b.event<MessageReceived>().packet_id == 6);
  CHECK(b.session.awaiting_pubrel() == 0);
  CHECK(b.session.acknowledge(6, b.now));
  b.expect({0x50, 0x02, 0x00, 0x06});  // PUBREC 6
  CHECK(b.session.awaiting_pubrel() == 1);

  Bytes dup = publish;  // the server resends before our PUBREC reached it
  dup[0] = 0x3C;
  b.reply(dup);
  b.expect({0x50, 0x02, 0x00, 0x06});  // acknowledged again, not delivered again
  b.expect_no_event();

  b.reply({0x62, 0x02, 0x00, 0x06});   // PUBREL 6
  b.expect({0x70, 0x02, 0x00, 0x06});  // PUBCOMP 6
  CHECK(b.event<MessageReleased>().packet_id == 6);
  CHECK(b.session.awaiting_pubrel() == 0);
}

TEST_CASE("manual acks, QoS 2: a message never acknowledged comes again on the resumed session") {
  ClientConfig c = manual_config();
  c.clean_start = false;
  c.session_expiry_interval = 300;
  Broker b(c);
  const Bytes connect = {0x10, 0x14, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05,
                         0x00,                          // connect flags: no clean start
                         0x00, 0x3C,                    // keep alive 60
                         0x05, 0x11, 0x00, 0x00, 0x01, 0x2C,  // Session Expiry Interval 300
                         0x00, 0x02, 'c', '1'};
  handshake(b, connect);
  b.reply({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x07, 0x00, 'y'});  // PUBLISH QoS 2, id 7
  b.event<MessageReceived>();                                       // dropped by the caller
  b.session.connection_lost(b.now);
  b.expect_nothing();  // no PUBREC was ever written
  CHECK_FALSE(b.session.acknowledge(7, b.now));  // acknowledgements belong to their connection

  handshake(b, connect, {0x20, 0x03, 0x01, 0x00, 0x00});  // session present
  b.reply({0x3C, 0x07, 0x00, 0x01, 't', 0x00, 0x07, 0x00, 'y'});  // the same message, DUP
  auto again = b.event<MessageReceived>();  // delivered: it was never ours
  CHECK(again.packet_id == 7);
  CHECK(again.dup);
  CHECK(b.session.acknowledge(7, b.now));
  b.expect({0x50, 0x02, 0x00, 0x07});
}

TEST_CASE("without manual acks acknowledge() has nothing to do") {
  Broker b(v5_config());
  handshake(b);
  b.reply({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});
  b.expect({0x40, 0x02, 0x00, 0x01});
  b.event<MessageReceived>();
  CHECK_FALSE(b.session.acknowledge(1, b.now));
  b.expect_nothing();
}

}  // namespace mq::client::test
