// Keepalive with a fake clock: PINGREQ after keep_alive seconds without
// sending, the response timeout, Server Keep Alive, the connect timeout.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

namespace {
const Bytes kPingreq = {0xC0, 0x00};
const Bytes kPingresp = {0xD0, 0x00};
}  // namespace

TEST_CASE("PINGREQ when nothing was sent for keep_alive seconds; PINGRESP answers it") {
  Broker b(v5_config());
  handshake(b);
  REQUIRE(b.session.next_deadline() == b.now + 60s);
  b.advance(59s);
  b.expect_nothing();
  b.advance(1s);
  b.expect(kPingreq);
  CHECK(b.session.next_deadline() == TimePoint{} + 120s);  // the response timeout (keep alive by default)
  b.advance(10s);
  b.reply(kPingresp);
  b.expect_nothing();
  CHECK(b.session.next_deadline() == TimePoint{} + 120s);  // next PINGREQ, 60 s after the last one
  b.advance(50s);
  b.expect(kPingreq);
}

TEST_CASE("sending anything postpones the PINGREQ") {
  Broker b(v5_config());
  handshake(b);
  b.advance(30s);
  b.session.publish(msg("t", "", 0), b.now);
  b.expect({0x30, 0x04, 0x00, 0x01, 't', 0x00});
  CHECK(b.session.next_deadline() == TimePoint{} + 90s);
  b.advance(59s);
  b.expect_nothing();
  b.advance(1s);
  b.expect(kPingreq);
}

TEST_CASE("no answer within the ping timeout ends the session with KeepaliveTimeout") {
  ClientConfig c = v5_config();
  c.ping_timeout = 5s;
  Broker b(c);
  handshake(b);
  b.advance(60s);
  b.expect(kPingreq);
  CHECK(b.session.next_deadline() == TimePoint{} + 65s);
  b.advance(4999ms);
  b.expect_no_event();
  b.advance(1ms);
  b.event<KeepaliveTimeout>();
  CHECK(b.session.state() == ClientSession::State::Closed);
  CHECK_FALSE(b.session.next_deadline().has_value());
  b.expect_nothing();
}

TEST_CASE("any packet from the server counts as an answer to PINGREQ") {
  ClientConfig c = v5_config();
  c.ping_timeout = 5s;
  Broker b(c);
  handshake(b);
  b.advance(60s);
  b.expect(kPingreq);
  b.reply({0x30, 0x04, 0x00, 0x01, 't', 0x00});  // a QoS 0 PUBLISH instead of PINGRESP
  b.event<MessageReceived>();
  b.advance(10s);
  b.expect_no_event();
  CHECK(b.session.state() == ClientSession::State::Connected);
}

TEST_CASE("Server Keep Alive overrides ours") {
  Broker b(v5_config());
  handshake(b, kConnectV5, {0x20, 0x06, 0x00, 0x00, 0x03, 0x13, 0x00, 0x0A});  // Server Keep Alive 10
  CHECK(b.session.next_deadline() == b.now + 10s);
  b.advance(10s);
  b.expect(kPingreq);
}

TEST_CASE("keep alive 0 disables PINGREQ") {
  ClientConfig c = v5_config();
  c.keep_alive = 0;
  Broker b(c);
  handshake(b, {0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02,
                0x00, 0x00,  // keep alive 0
                0x00, 0x00, 0x02, 'c', '1'});
  CHECK_FALSE(b.session.next_deadline().has_value());
  b.advance(3600s);
  b.expect_nothing();
}

TEST_CASE("no CONNACK within the connect timeout ends the session with ConnectTimeout") {
  ClientConfig c = v5_config();
  c.connect_timeout = 3s;
  Broker b(c);
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(kConnectV5);
  CHECK(b.session.next_deadline() == b.now + 3s);
  b.advance(2s);
  b.expect_no_event();
  b.advance(1s);
  b.event<ConnectTimeout>();
  CHECK(b.session.state() == ClientSession::State::Closed);
  b.reply(kConnackV5);  // too late: ignored
  b.expect_no_event();
}
