// Enhanced authentication (MQTT 5.0 section 4.12): method and data in
// CONNECT, challenges as events, answers with auth(), re-authentication.

#include "harness.hpp"

using namespace mq;
using namespace mq::client;
using namespace mq::client::test;

namespace {

ClientConfig scram() {
  ClientConfig c = v5_config();
  c.auth_method = "SCRAM";
  c.auth_data = "c0";
  return c;
}

const Bytes kConnectScram = {
    0x10, 0x1C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C,
    0x0D,                                          // property length 13
    0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M',     //   Authentication Method "SCRAM"
    0x16, 0x00, 0x02, 'c', '0',                    //   Authentication Data "c0"
    0x00, 0x02, 'c', '1'};

/// AUTH with `reason`, method SCRAM and two bytes of data.
Bytes auth(std::uint8_t reason, char d0, char d1) {
  return {0xF0, 0x0F, reason,
          0x0D,                                       // property length 13
          0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M',  //   Authentication Method
          0x16, 0x00, 0x02, std::uint8_t(d0), std::uint8_t(d1)};  // Authentication Data
}

}  // namespace

TEST_CASE("AUTH exchange before CONNACK") {
  Broker b(scram());
  REQUIRE_FALSE(b.session.start(b.now));
  b.expect(kConnectScram);
  CHECK(b.session.auth("early", {}, b.now)->message == "the server has not sent an authentication challenge");
  b.reply(auth(0x18, 's', '1'));  // Continue authentication
  auto ch = b.event<AuthChallenge>();
  CHECK(ch.reason_code == 0x18);
  CHECK(ch.method == "SCRAM");
  CHECK(ch.data == "s1");
  REQUIRE_FALSE(b.session.auth("c1", {}, b.now));
  b.expect(auth(0x18, 'c', '1'));
  b.reply(kConnackV5);
  b.event<Connected>();
}

TEST_CASE("re-authentication: AUTH 0x19, a challenge, success") {
  Broker b(scram());
  handshake(b, kConnectScram);
  REQUIRE_FALSE(b.session.reauthenticate("r0", {}, b.now));
  b.expect(auth(0x19, 'r', '0'));  // Re-authenticate
  CHECK(b.session.reauthenticate("again", {}, b.now).has_value());  // one at a time
  b.reply(auth(0x18, 's', '2'));
  CHECK(b.event<AuthChallenge>().data == "s2");
  REQUIRE_FALSE(b.session.auth("r1", {}, b.now));
  b.expect(auth(0x18, 'r', '1'));
  b.reply({0xF0, 0x0A, 0x00, 0x08, 0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M'});  // AUTH Success
  b.event<Reauthenticated>();
  CHECK(b.session.state() == ClientSession::State::Connected);
}

TEST_CASE("AUTH errors from the server") {
  SUBCASE("AUTH although CONNECT had no method") {
    Broker b(v5_config());
    REQUIRE_FALSE(b.session.start(b.now));
    b.expect(kConnectV5);
    b.reply(auth(0x18, 's', '1'));
    b.expect({0xE0, 0x01, 0x82});
    CHECK(b.event<ProtocolViolation>().error.message ==
          "AUTH from the server although CONNECT named no authentication method");
  }
  SUBCASE("another method") {
    Broker b(scram());
    REQUIRE_FALSE(b.session.start(b.now));
    b.expect(kConnectScram);
    b.reply({0xF0, 0x0A, 0x18, 0x08, 0x15, 0x00, 0x05, 'P', 'L', 'A', 'I', 'N'});
    b.expect({0xE0, 0x01, 0x82});
    CHECK(b.event<ProtocolViolation>().error.message == "AUTH uses authentication method \"PLAIN\", CONNECT used \"SCRAM\"");
  }
  SUBCASE("a challenge nobody asked for after CONNACK") {
    Broker b(scram());
    handshake(b, kConnectScram);
    b.reply(auth(0x18, 's', '1'));
    b.expect({0xE0, 0x01, 0x82});
    CHECK(b.event<ProtocolViolation>().error.message ==
          "AUTH with reason 0x18 (Continue authentication) is not expected now");
  }
  SUBCASE("re-authentication without a method is refused locally") {
    Broker b(v5_config());
    handshake(b);
    CHECK(b.session.reauthenticate("x", {}, b.now)->code == ClientErrorCode::InvalidRequest);
    b.expect_nothing();
  }
}
