// CONNECT at 3.1, 3.1.1 and 5.0, and what the session makes of CONNACK.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

TEST_CASE("3.1 CONNECT uses protocol name MQIsdp and level 3") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v31;
  Broker b(c);
  handshake(b,
            {0x10, 0x10,                                  // CONNECT, remaining length 16
             0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',    // protocol name "MQIsdp"
             0x03,                                        // protocol level 3
             0x02,                                        // clean session
             0x00, 0x3C,                                  // keep alive 60
             0x00, 0x02, 'c', '1'},                       // client identifier
            {0x20, 0x02, 0x00, 0x00});                    // CONNACK: accepted
}

TEST_CASE("3.1.1 CONNECT with will, user name and password") {
  ClientConfig c = v5_config();
  c.version = ProtocolVersion::v311;
  c.will = msg("w", "bye", 1);
  c.username = "u";
  c.password = "pw";
  Broker b(c);
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect({0x10, 0x1D,                          // CONNECT, remaining length 29
            0x00, 0x04, 'M', 'Q', 'T', 'T',      // protocol name
            0x04,                                // protocol level 4
            0xCE,                                // user name, password, will QoS 1, will, clean session
            0x00, 0x3C,                          // keep alive 60
            0x00, 0x02, 'c', '1',                // client identifier
            0x00, 0x01, 'w',                     // will topic
            0x00, 0x03, 'b', 'y', 'e',           // will message
            0x00, 0x01, 'u',                     // user name
            0x00, 0x02, 'p', 'w'});              // password
  SUBCASE("accepted") {
    b.reply({0x20, 0x02, 0x00, 0x00});
    auto ev = b.event<Connected>();
    CHECK_FALSE(ev.session_present);
    CHECK(ev.keep_alive == 60);
    CHECK(ev.client_id == "c1");
    CHECK(ev.limits.maximum_qos == 2);
  }
  SUBCASE("refused with return code 5, not authorized") {
    b.reply({0x20, 0x02, 0x00, 0x05});
    auto ev = b.event<ConnectRefused>();
    CHECK(ev.reason_code == 5);
    CHECK(b.session.state() == ClientSession::State::Closed);
    b.expect_nothing();  // no DISCONNECT before 5.0
  }
}

TEST_CASE("5.0 CONNECT with session expiry, limits, will properties, user name and password") {
  ClientConfig c = v5_config();
  c.session_expiry_interval = 120;
  c.receive_maximum = 10;
  c.maximum_packet_size = 1024;
  c.topic_alias_maximum = 5;
  Message will = msg("w", "bye", 1, true);
  will.properties.add(PropertyId::WillDelayInterval, 5)
      .add(PropertyId::PayloadFormatIndicator, 1)
      .add(PropertyId::MessageExpiryInterval, 60)
      .add(PropertyId::ContentType, "text")
      .add(PropertyId::ResponseTopic, "r")
      .add(PropertyId::CorrelationData, std::string("\x01\x02", 2))
      .add_user("k", "v");
  c.will = will;
  c.username = "u";
  c.password = "pw";
  Broker b(c);
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect({0x10, 0x52,                          // CONNECT, remaining length 82
            0x00, 0x04, 'M', 'Q', 'T', 'T',      // protocol name
            0x05,                                // protocol level 5
            0xEE,                                // user name, password, will retain, will QoS 1, will, clean start
            0x00, 0x3C,                          // keep alive 60
            0x10,                                // property length 16
            0x11, 0x00, 0x00, 0x00, 0x78,        //   Session Expiry Interval 120
            0x21, 0x00, 0x0A,                    //   Receive Maximum 10
            0x27, 0x00, 0x00, 0x04, 0x00,        //   Maximum Packet Size 1024
            0x22, 0x00, 0x05,                    //   Topic Alias Maximum 5
            0x00, 0x02, 'c', '1',                // client identifier
            0x23,                                // will property length 35
            0x18, 0x00, 0x00, 0x00, 0x05,        //   Will Delay Interval 5
            0x01, 0x01,                          //   Payload Format Indicator 1
            0x02, 0x00, 0x00, 0x00, 0x3C,        //   Message Expiry Interval 60
            0x03, 0x00, 0x04, 't', 'e', 'x', 't',  // Content Type "text"
            0x08, 0x00, 0x01, 'r',               //   Response Topic "r"
            0x09, 0x00, 0x02, 0x01, 0x02,        //   Correlation Data 01 02
            0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',  // User Property k=v
            0x00, 0x01, 'w',                     // will topic
            0x00, 0x03, 'b', 'y', 'e',           // will payload
            0x00, 0x01, 'u',                     // user name
            0x00, 0x02, 'p', 'w'});              // password
}

TEST_CASE("5.0 CONNACK: assigned client identifier, server keep alive and limits") {
  ClientConfig c = v5_config();
  c.client_id = "";
  Broker b(c);
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect({0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, 0x00,
            0x00, 0x00});  // empty client identifier
  b.reply({0x20, 0x1F,                       // CONNACK, remaining length 31
           0x00, 0x00,                       // no session, Success
           0x1C,                             // property length 28
           0x12, 0x00, 0x03, 'i', 'd', '9',  //   Assigned Client Identifier "id9"
           0x13, 0x00, 0x0A,                 //   Server Keep Alive 10
           0x21, 0x00, 0x02,                 //   Receive Maximum 2
           0x24, 0x01,                       //   Maximum QoS 1
           0x25, 0x00,                       //   Retain Available 0
           0x27, 0x00, 0x00, 0x00, 0x40,     //   Maximum Packet Size 64
           0x22, 0x00, 0x03,                 //   Topic Alias Maximum 3
           0x28, 0x00,                       //   Wildcard Subscription Available 0
           0x29, 0x00});                     //   Subscription Identifiers Available 0
  auto ev = b.event<Connected>();
  CHECK(ev.client_id == "id9");
  CHECK(ev.client_id_assigned);
  CHECK(ev.keep_alive == 10);
  CHECK(b.session.keep_alive() == 10);
  CHECK(b.session.client_id() == "id9");
  CHECK(ev.limits.receive_maximum == 2);
  CHECK(ev.limits.maximum_qos == 1);
  CHECK_FALSE(ev.limits.retain_available);
  CHECK(ev.limits.maximum_packet_size == 64);
  CHECK(ev.limits.topic_alias_maximum == 3);
  CHECK_FALSE(ev.limits.wildcard_available);
  CHECK_FALSE(ev.limits.subscription_ids_available);
  CHECK(ev.limits.shared_available);
  CHECK(ev.properties.size() == 9);
  CHECK(b.session.window() == 2);
}

TEST_CASE("5.0 CONNACK refusal passes the reason code and reason string up") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(kConnectV5);
  b.reply({0x20, 0x0A,                            // CONNACK, remaining length 10
           0x00, 0x87,                            // Not authorized
           0x07,                                  // property length 7
           0x1F, 0x00, 0x04, 'n', 'o', 'p', 'e'});  // Reason String "nope"
  auto ev = b.event<ConnectRefused>();
  CHECK(ev.reason_code == 0x87);
  CHECK(ev.reason_string == "nope");
  CHECK(b.session.state() == ClientSession::State::Closed);
  b.expect_nothing();
  b.expect_no_event();
}

TEST_CASE("5.0 CONNACK redirection: Use another server with a Server Reference") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(kConnectV5);
  b.reply({0x20, 0x0C,                                      // CONNACK, remaining length 12
           0x00, 0x9C,                                      // Use another server
           0x09,                                            // property length 9
           0x1C, 0x00, 0x06, 'h', 'o', 's', 't', ':', '1'});  // Server Reference "host:1"
  auto r = b.event<Redirected>();
  CHECK(r.server_reference == "host:1");
  CHECK_FALSE(r.permanent);
  CHECK(b.event<ConnectRefused>().reason_code == 0x9C);
}

TEST_CASE("a configuration that would make an invalid CONNECT is refused by start()") {
  ClientConfig c = v5_config();
  c.auth_data = "x";  // Authentication Data without Authentication Method
  Broker b(c);
  auto err = b.session.start(b.now);
  REQUIRE(err.has_value());
  CHECK(err->code == ClientErrorCode::InvalidRequest);
  CHECK(b.session.state() == ClientSession::State::Idle);
  b.expect_nothing();

  ClientConfig old = v5_config();
  old.version = ProtocolVersion::v311;
  old.auth_method = "SCRAM";
  Broker b2(old);
  auto err2 = b2.session.start(b2.now);
  REQUIRE(err2.has_value());
  CHECK(err2->message == "enhanced authentication needs MQTT 5.0");
}

TEST_CASE("a client identifier or user name over 65,535 bytes is refused, not sent malformed") {
  ClientConfig long_id = v5_config();
  long_id.client_id = std::string(65536, 'i');
  Broker b(long_id);
  auto err = b.session.start(b.now);
  REQUIRE(err.has_value());
  CHECK(err->message == "invalid CONNECT: offset 0, client identifier: longer than 65,535 bytes");
  b.expect_nothing();

  ClientConfig long_user = v5_config();
  long_user.username = std::string(65536, 'u');
  Broker b2(long_user);
  auto err2 = b2.session.start(b2.now);
  REQUIRE(err2.has_value());
  CHECK(err2->message == "invalid CONNECT: offset 0, user name: longer than 65,535 bytes");

  ClientConfig longest = v5_config();
  longest.client_id = std::string(65535, 'i');  // the longest that fits
  Broker b3(longest);
  CHECK_FALSE(b3.session.start(b3.now).has_value());
}

TEST_CASE("session present after a clean start is a protocol error [MQTT-3.2.2-4]") {
  Broker b(v5_config());
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(kConnectV5);
  b.reply({0x20, 0x03, 0x01, 0x00, 0x00});  // CONNACK with session present
  b.expect({0xE0, 0x01, 0x82});             // DISCONNECT, Protocol Error (property length omitted)
  auto ev = b.event<ProtocolViolation>();
  CHECK(ev.reason_code == 0x82);
  CHECK(ev.error.rule == "MQTT-3.2.2-4");
  CHECK(b.session.state() == ClientSession::State::Closed);
}
