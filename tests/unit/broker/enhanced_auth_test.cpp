// Enhanced authentication (MQTT 5.0 section 4.12): a challenge/response
// method implemented here drives the AUTH exchange before CONNACK and
// re-authentication; the bytes the broker sends are written from the spec.

#include "cr_method.hpp"
#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// A 5.0 CONNECT with Authentication Method `method` and Data `data` (none when empty).
Connect cr_connect(std::string_view id, std::string_view method, std::string_view data) {
  Connect k = connect_packet(ProtocolVersion::v5, id);
  k.properties.push_back(Property{PropertyId::AuthenticationMethod, 0, {}, method});
  if (!data.empty()) k.properties.push_back(Property{PropertyId::AuthenticationData, 0, {}, data});
  return k;
}

/// AUTH `reason` naming `method` with `data`.
Auth auth_packet(std::uint8_t reason, std::string_view method, std::string_view data) {
  Auth a;
  a.reason_code = reason;
  a.properties.push_back(Property{PropertyId::AuthenticationMethod, 0, {}, method});
  if (!data.empty()) a.properties.push_back(Property{PropertyId::AuthenticationData, 0, {}, data});
  return a;
}

/// AUTH 0x18 from the server: method "CR", data `nonce` (2 bytes), Reason String "prove it".
Bytes challenge_bytes(std::string_view nonce) {
  return cat({{0xF0, 0x17, 0x18, 0x15},               // AUTH, remaining 23, Continue, properties 21
              {0x15, 0x00, 0x02}, text("CR"),          // Authentication Method "CR"
              {0x16, 0x00, 0x02}, text(nonce),         // Authentication Data
              {0x1F, 0x00, 0x08}, text("prove it")});  // Reason String
}

/// CONNACK 0 with Topic Alias Maximum 10 (the default) and method "CR", data "ok".
const Bytes kConnackCrOk = cat({{0x20, 0x10, 0x00, 0x00, 0x0D},  // CONNACK, remaining 16, no session, success, props 13
                                {0x22, 0x00, 0x0A},              // Topic Alias Maximum 10
                                {0x15, 0x00, 0x02}, text("CR"),  // Authentication Method
                                {0x16, 0x00, 0x02}, text("ok")});

/// CONNACK 0x87 with Reason String "bad proof".
const Bytes kConnackBadProof = cat({{0x20, 0x0F, 0x00, 0x87, 0x0C}, {0x1F, 0x00, 0x09}, text("bad proof")});

/// Connects `c` through the two-step exchange.
void cr_login(Client& c, std::string_view id, std::string_view nonce) {
  c.send(cr_connect(id, "CR", "t1"));
  REQUIRE(c.take() == challenge_bytes(nonce));
  c.send(auth_packet(0x18, "CR", "t1:" + std::string(nonce)));
  REQUIRE(c.take() == kConnackCrOk);
}

}  // namespace

TEST_CASE("broker: enhanced auth, two steps: AUTH 0x18 then CONNACK 0 with method and data [MQTT-4.12.0-2] [MQTT-4.12.0-5]") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  Connect k = cr_connect("cr-client", "CR", "t1");
  k.will = Will{"wills/cr", as_bytes("gone"), 0, false, {}};
  c.send(k);
  CHECK(c.take() == challenge_bytes("n1"));
  CHECK_FALSE(h.broker.client_id(c.id()));  // not connected until the exchange ends
  c.send(auth_packet(0x18, "CR", "t1:n1"));
  CHECK(c.take() == kConnackCrOk);
  CHECK(auth.last_client_id == "cr-client");
  CHECK_FALSE(auth.last_reauth);
  // The CONNECT kept through the exchange is the one that was sent.
  CHECK(h.broker.client_id(c.id()) == std::optional<std::string_view>("cr-client"));
  Client watcher(h);
  connect(watcher, "watcher");
  subscribe(watcher, "wills/#");
  c.drop();
  auto ps = watcher.publishes();
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].topic == "wills/cr");
  CHECK(payload_text(ps[0]) == "gone");
}

TEST_CASE("broker: enhanced auth, one step: CONNACK 0 names the method, an assigned id is kept") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  c.send(cr_connect("", "CR", "single"));
  auto a = c.expect<Connack>();
  CHECK(a.reason_code == 0);
  const Property* id = find(a.properties, PropertyId::AssignedClientIdentifier);
  REQUIRE(id);
  CHECK(auth.last_client_id == id->value);
  CHECK(find(a.properties, PropertyId::AuthenticationMethod)->value == "CR");
  CHECK_FALSE(find(a.properties, PropertyId::AuthenticationData));
}

TEST_CASE("broker: enhanced auth, a wrong answer is refused with the method's reason [MQTT-4.12.0-4]") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  c.send(cr_connect("cr", "CR", "t1"));
  CHECK(c.take() == challenge_bytes("n1"));
  c.send(auth_packet(0x18, "CR", "t1:n0"));
  CHECK(c.take() == kConnackBadProof);
  CHECK(c.closed());
  CHECK(h.broker.counters().connections_refused == 1);
}

TEST_CASE("broker: enhanced auth, a method nobody offers gets CONNACK 0x8C [MQTT-4.12.0-1]") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  c.send(cr_connect("cr", "SCRAM-SHA-1", "x"));
  CHECK(c.take() == Bytes{0x20, 0x03, 0x00, 0x8C, 0x00});
  CHECK(c.closed());

  Harness plain;  // the default authorizer offers no method
  Client d(plain, ProtocolVersion::v5);
  d.send(cr_connect("cr", "CR", "single"));
  CHECK(d.take() == Bytes{0x20, 0x03, 0x00, 0x8C, 0x00});
  CHECK(d.closed());
}

TEST_CASE("broker: enhanced auth, before CONNACK only AUTH 0x18 with the same method is accepted [MQTT-3.1.2-30]") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  SUBCASE("another method") {
    Client c(h, ProtocolVersion::v5);
    c.send(cr_connect("cr", "CR", "t1"));
    c.take();
    c.send(auth_packet(0x18, "XX", "t1:n1"));
    CHECK(c.take() == Bytes{0x20, 0x03, 0x00, 0x82, 0x00});  // Protocol Error
    CHECK(c.closed());
  }
  SUBCASE("re-authenticate before CONNACK") {
    Client c(h, ProtocolVersion::v5);
    c.send(cr_connect("cr", "CR", "t1"));
    c.take();
    c.send(auth_packet(0x19, "CR", "t1:n1"));
    CHECK(c.take() == Bytes{0x20, 0x03, 0x00, 0x82, 0x00});
    CHECK(c.closed());
  }
  SUBCASE("SUBSCRIBE") {
    Client c(h, ProtocolVersion::v5);
    c.send(cr_connect("cr", "CR", "t1"));
    c.take();
    c.send(subscribe_packet(1, "a"));
    CHECK(c.take() == Bytes{0x20, 0x03, 0x00, 0x82, 0x00});
    CHECK(c.closed());
  }
  SUBCASE("DISCONNECT ends it quietly") {
    Client c(h, ProtocolVersion::v5);
    c.send(cr_connect("cr", "CR", "t1"));
    c.take();
    c.send(Bytes{0xE0, 0x00});
    CHECK(c.take().empty());
    CHECK(c.closed());
  }
}

TEST_CASE("broker: enhanced auth, the connect timeout runs through the exchange") {
  Config config = test_config();
  config.connect_timeout = 5;
  CrAuthorizer auth;
  Harness h(config, &auth);
  Client c(h, ProtocolVersion::v5);
  c.send(cr_connect("cr", "CR", "t1"));
  CHECK(c.take() == challenge_bytes("n1"));
  h.advance_s(4);
  CHECK_FALSE(c.closed());
  h.advance_s(2);
  CHECK(c.closed());
  CHECK(c.take().empty());
  CHECK(h.broker.counters().connections_refused == 1);
}

TEST_CASE("broker: AUTH without a method in CONNECT is a Protocol Error [MQTT-4.12.0-7]") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  connect(c, "plain");
  c.send(auth_packet(0x19, "CR", "t1"));
  CHECK(c.take() == Bytes{0xE0, 0x01, 0x82});  // DISCONNECT Protocol Error
  CHECK(c.closed());
}

TEST_CASE("broker: AUTH at 3.1.1 is not a packet of that level: closed without an answer") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h);
  connect(c, "old");
  c.send(Bytes{0xF0, 0x00});
  CHECK(c.take().empty());
  CHECK(c.closed());
}

TEST_CASE("broker: re-authentication succeeds with AUTH 0x00 [MQTT-4.12.1-1]") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  cr_login(c, "cr", "n1");
  c.send(auth_packet(0x19, "CR", "t2"));
  CHECK(c.take() == challenge_bytes("n2"));
  CHECK(auth.last_reauth);
  CHECK(auth.last_client_id == "cr");
  c.send(auth_packet(0x18, "CR", "t2:n2"));
  CHECK(c.take() == cat({{0xF0, 0x0C, 0x00, 0x0A},  // AUTH, remaining 12, Success, properties 10
                         {0x15, 0x00, 0x02}, text("CR"),
                         {0x16, 0x00, 0x02}, text("ok")}));
  CHECK_FALSE(c.closed());
  // Still connected, and a second re-authentication may follow.
  c.send(Pingreq{});
  CHECK(c.take() == Bytes{0xD0, 0x00});
  c.send(auth_packet(0x19, "CR", "single"));
  CHECK(c.take() == cat({{0xF0, 0x07, 0x00, 0x05}, {0x15, 0x00, 0x02}, text("CR")}));
}

TEST_CASE("broker: failed re-authentication sends DISCONNECT with the reason and closes [MQTT-4.12.1-2]") {
  CrAuthorizer auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  cr_login(c, "cr", "n1");
  SUBCASE("wrong proof") {
    c.send(auth_packet(0x19, "CR", "t2"));
    CHECK(c.take() == challenge_bytes("n2"));
    c.send(auth_packet(0x18, "CR", "t2:n1"));
    CHECK(c.take() == cat({{0xE0, 0x0E, 0x87, 0x0C}, {0x1F, 0x00, 0x09}, text("bad proof")}));
    CHECK(c.closed());
  }
  SUBCASE("a reason DISCONNECT cannot carry becomes 0x87") {
    c.send(auth_packet(0x19, "CR", ""));  // the method rejects with 0x86, a CONNACK-only code
    CHECK(c.take() == cat({{0xE0, 0x0D, 0x87, 0x0B}, {0x1F, 0x00, 0x08}, text("no token")}));
    CHECK(c.closed());
  }
  SUBCASE("another method") {
    c.send(auth_packet(0x19, "XX", "t2"));
    CHECK(c.take() == Bytes{0xE0, 0x01, 0x82});
    CHECK(c.closed());
  }
  SUBCASE("AUTH 0x18 with no exchange under way") {
    c.send(auth_packet(0x18, "CR", "t2"));
    CHECK(c.take() == Bytes{0xE0, 0x01, 0x82});
    CHECK(c.closed());
  }
}

}  // namespace mq::broker::test
