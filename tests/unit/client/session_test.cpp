// Sessions over several connections: resumption with DUP retransmission and
// PUBREL resend in order, discarding when the server has no session, clean
// start choice on reconnect, requests lost with a connection.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

namespace {

ClientConfig persistent_v5() {
  ClientConfig c = v5_config();
  c.session_expiry_interval = 300;
  return c;
}

/// CONNECT for persistent_v5() with the given connect flags.
Bytes connect_persistent(std::uint8_t flags) {
  return {0x10, 0x14,                      // CONNECT, remaining length 20
          0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
          0x05, flags,                     // level 5, connect flags
          0x00, 0x3C,                      // keep alive 60
          0x05,                            // property length 5
          0x11, 0x00, 0x00, 0x01, 0x2C,    //   Session Expiry Interval 300
          0x00, 0x02, 'c', '1'};
}

/// Three messages in flight: QoS 1 id 1, QoS 2 id 2 past PUBREC, QoS 2 id 3.
std::vector<std::uint64_t> three_in_flight(Broker& b) {
  std::vector<std::uint64_t> tokens;
  tokens.push_back(b.session.publish(msg("t", "a", 1), b.now).token);
  tokens.push_back(b.session.publish(msg("t", "b", 2), b.now).token);
  tokens.push_back(b.session.publish(msg("t", "c", 2), b.now).token);
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a',
            0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b',
            0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x03, 0x00, 'c'});
  b.reply({0x50, 0x02, 0x00, 0x02});  // PUBREC 2
  b.expect({0x62, 0x02, 0x00, 0x02}); // PUBREL 2
  return tokens;
}

}  // namespace

TEST_CASE("resumed session: unacknowledged PUBLISHes go again with DUP, PUBRELs are resent, in order") {
  Broker b(persistent_v5());
  handshake(b, connect_persistent(0x02), kConnackV5);
  auto tokens = three_in_flight(b);
  b.session.connection_lost(b.now);
  CHECK(b.session.state() == ClientSession::State::Closed);
  CHECK(b.session.in_flight() == 3);

  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(connect_persistent(0x00));                 // clean start 0: resume
  b.expect_nothing();                                 // nothing before CONNACK
  b.reply({0x20, 0x03, 0x01, 0x00, 0x00});            // CONNACK, session present
  auto ev = b.event<Connected>();
  CHECK(ev.session_present);
  CHECK_FALSE(ev.session_discarded);
  b.expect({0x3A, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a',   // PUBLISH DUP QoS 1, id 1
            0x62, 0x02, 0x00, 0x02,                                // PUBREL 2
            0x3C, 0x07, 0x00, 0x01, 't', 0x00, 0x03, 0x00, 'c'});  // PUBLISH DUP QoS 2, id 3
  b.reply({0x40, 0x02, 0x00, 0x01});
  b.reply({0x70, 0x02, 0x00, 0x02});
  b.reply({0x50, 0x02, 0x00, 0x03});
  b.expect({0x62, 0x02, 0x00, 0x03});
  b.reply({0x70, 0x02, 0x00, 0x03});
  CHECK(b.event<PublishCompleted>().token == tokens[0]);
  CHECK(b.event<PublishCompleted>().token == tokens[1]);
  CHECK(b.event<PublishCompleted>().token == tokens[2]);
  CHECK(b.session.in_flight() == 0);
}

TEST_CASE("session not present: state discarded, the caller told, queued messages still sent") {
  Broker b(persistent_v5());
  handshake(b, connect_persistent(0x02), kConnackV5);
  auto tokens = three_in_flight(b);
  b.reply({0x34, 0x07, 0x00, 0x01, 'x', 0x00, 0x09, 0x00, 'q'});  // incoming QoS 2 awaiting PUBREL
  b.expect({0x50, 0x02, 0x00, 0x09});
  b.event<MessageReceived>();
  b.session.connection_lost(b.now);
  auto queued = b.session.publish(msg("t", "d", 1), b.now);  // accepted while disconnected

  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(connect_persistent(0x00));
  b.reply(kConnackV5);  // session present 0
  auto ev = b.event<Connected>();
  CHECK(ev.session_discarded);
  for (auto token : tokens) {
    auto done = b.event<PublishCompleted>();
    CHECK(done.token == token);
    REQUIRE(done.error.has_value());
    CHECK(done.error->code == ClientErrorCode::SessionDiscarded);
  }
  CHECK(b.session.awaiting_pubrel() == 0);
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x04, 0x00, 'd'});  // the queued one, next identifier
  b.reply({0x40, 0x02, 0x00, 0x04});
  CHECK(b.event<PublishCompleted>().token == queued.token);
}

TEST_CASE("resend_discarded: what the server never acknowledged goes again as new messages, first and in order") {
  ClientConfig config = persistent_v5();
  config.resend_discarded = true;
  Broker b(config);
  handshake(b, connect_persistent(0x02), kConnackV5);
  auto tokens = three_in_flight(b);  // id 2 is past PUBREC: the server has it
  b.session.connection_lost(b.now);
  auto queued = b.session.publish(msg("t", "d", 1), b.now);

  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(connect_persistent(0x00));
  b.reply(kConnackV5);  // session present 0: the server lost our session
  auto ev = b.event<Connected>();
  CHECK(ev.session_discarded);
  auto released = b.event<PublishCompleted>();  // only the one past PUBREC completes
  CHECK(released.token == tokens[1]);
  CHECK(released.error->code == ClientErrorCode::SessionDiscarded);
  CHECK(b.session.pending_events() == 0);
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x04, 0x00, 'a',   // 'a' again, no DUP, next identifier 4
            0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x05, 0x00, 'c',   // 'c' again as QoS 2, identifier 5
            0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x06, 0x00, 'd'}); // then the queued one
  b.reply({0x40, 0x02, 0x00, 0x04});  // PUBACK 4
  CHECK(b.event<PublishCompleted>().token == tokens[0]);
  b.reply({0x40, 0x02, 0x00, 0x06});  // PUBACK 6
  CHECK(b.event<PublishCompleted>().token == queued.token);
  b.reply({0x50, 0x02, 0x00, 0x05});  // PUBREC 5
  b.expect({0x62, 0x02, 0x00, 0x05});
  b.reply({0x70, 0x02, 0x00, 0x05});  // PUBCOMP 5
  auto done = b.event<PublishCompleted>();
  CHECK(done.token == tokens[2]);
  CHECK(done.ok());
}

TEST_CASE("without a session expiry interval a reconnect starts clean and drops in-flight state") {
  Broker b(v5_config());
  handshake(b);
  auto t = b.session.publish(msg("t", "a", 1), b.now);
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});
  b.session.connection_lost(b.now);
  REQUIRE_FALSE(b.session.start(b.now));
  auto done = b.event<PublishCompleted>();
  CHECK(done.token == t.token);
  CHECK(done.error->code == ClientErrorCode::SessionDiscarded);
  b.expect(kConnectV5);  // clean start 1
}

TEST_CASE("discard_session() makes the next start clean") {
  Broker b(persistent_v5());
  handshake(b, connect_persistent(0x02), kConnackV5);
  b.session.connection_lost(b.now);
  b.session.discard_session();
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(connect_persistent(0x02));
}

TEST_CASE("3.1.1 persistent session: clean session 0 on every connection, resumption with DUP") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v311;
  c.clean_start = false;
  Broker b(c);
  const Bytes connect = {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04,
                         0x00,  // clean session 0
                         0x00, 0x3C, 0x00, 0x02, 'c', '1'};
  handshake(b, connect, {0x20, 0x02, 0x01, 0x00});  // session present is fine: we asked to resume
  b.session.publish(msg("t", "a", 1), b.now);
  b.expect({0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a'});
  b.session.connection_lost(b.now);
  handshake(b, connect, {0x20, 0x02, 0x01, 0x00});
  b.expect({0x3A, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a'});  // DUP
}

TEST_CASE("SUBSCRIBE and UNSUBSCRIBE with their acknowledgements") {
  Broker b(v5_config());
  handshake(b);
  auto sub = b.session.subscribe({{"a/b", 1}, {"c/#", 2, true, true, 2}}, {}, b.now);
  REQUIRE(sub);
  b.expect({0x82, 0x0F,                // SUBSCRIBE, remaining length 15
            0x00, 0x01,                // packet identifier 1
            0x00,                      // property length 0
            0x00, 0x03, 'a', '/', 'b',  // filter
            0x01,                      // options: QoS 1
            0x00, 0x03, 'c', '/', '#',  // filter
            0x2E});                    // options: retain handling 2, retain as published, no local, QoS 2
  b.reply({0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x80});  // SUBACK: granted QoS 1, Unspecified error
  auto s = b.event<Subscribed>();
  CHECK(s.token == sub.token);
  CHECK(s.reason_codes == std::vector<std::uint8_t>{0x01, 0x80});
  CHECK_FALSE(s.error.has_value());

  auto unsub = b.session.unsubscribe({"a/b"}, {}, b.now);
  b.expect({0xA2, 0x08, 0x00, 0x02, 0x00, 0x00, 0x03, 'a', '/', 'b'});  // UNSUBSCRIBE id 2
  b.reply({0xB0, 0x09, 0x00, 0x02,  // UNSUBACK, remaining length 9, id 2
           0x05, 0x1F, 0x00, 0x02, 'o', 'k',  // Reason String "ok"
           0x11});                            // No subscription existed
  auto u = b.event<Unsubscribed>();
  CHECK(u.token == unsub.token);
  CHECK(u.reason_codes == std::vector<std::uint8_t>{0x11});
  CHECK(u.reason_string == "ok");
}

TEST_CASE("a SUBACK with the wrong number of reason codes is a protocol error") {
  Broker b(v5_config());
  handshake(b);
  b.session.subscribe({{"a", 0}, {"b", 0}}, {}, b.now);
  b.take_written();
  b.reply({0x90, 0x04, 0x00, 0x01, 0x00, 0x00});  // one code for two filters
  b.expect({0xE0, 0x01, 0x82});
  auto v = b.event<ProtocolViolation>();
  CHECK(v.error.message == "SUBACK has 1 reason codes for 2 topic filters");
  auto lost = b.event<Subscribed>();  // the request ends with the connection
  CHECK(lost.error->code == ClientErrorCode::ConnectionLost);
}

TEST_CASE("requests need a connection; unanswered ones end with it") {
  Broker b(v5_config());
  CHECK(b.session.subscribe({{"a", 0}}, {}, b.now).error->code == ClientErrorCode::NotConnected);
  handshake(b);
  auto sub = b.session.subscribe({{"a", 0}}, {}, b.now);
  b.take_written();
  b.session.connection_lost(b.now);
  auto s = b.event<Subscribed>();
  CHECK(s.token == sub.token);
  CHECK(s.error->code == ClientErrorCode::ConnectionLost);
  CHECK(b.session.unsubscribe({"a"}, {}, b.now).error->code == ClientErrorCode::NotConnected);
}

TEST_CASE("3.1.1 UNSUBACK has no reason codes") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v311;
  Broker b(c);
  handshake(b, {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 'c', '1'},
            {0x20, 0x02, 0x00, 0x00});
  b.session.unsubscribe({"a", "b"}, {}, b.now);
  b.expect({0xA2, 0x08, 0x00, 0x01, 0x00, 0x01, 'a', 0x00, 0x01, 'b'});
  b.reply({0xB0, 0x02, 0x00, 0x01});
  CHECK(b.event<Unsubscribed>().reason_codes.empty());
}

TEST_CASE("SUBSCRIBE and PUBLISH share the packet identifiers; ids in use are skipped") {
  Broker b(v5_config());
  handshake(b);
  b.session.subscribe({{"a", 0}}, {}, b.now);                // id 1, pending
  b.session.publish(msg("t", "x", 1), b.now);                // id 2
  b.expect({0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 'a', 0x00,
            0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'x'});
  b.reply({0x40, 0x02, 0x00, 0x02});                         // PUBACK 2: id 2 free again
  b.event<PublishCompleted>();
  b.session.publish(msg("t", "y", 1), b.now);                // id 3: allocation moves on
  b.expect({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x03, 0x00, 'y'});
  b.reply({0x90, 0x04, 0x00, 0x01, 0x00, 0x00});             // SUBACK 1
  CHECK(b.event<Subscribed>().reason_codes == std::vector<std::uint8_t>{0x00});
}
