// What a 5.0 client asks of the packets it gets besides PUBLISH: Maximum
// Packet Size, Request Problem Information, Request Response Information.

#include "broker/diagnostics.hpp"
#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// SUBACK 1 refusing one filter (0x87), with Reason String "denied" and User Property k=v.
Packet diagnosed_suback() {
  Suback s;
  s.packet_id = 1;
  s.properties = {Property{PropertyId::ReasonString, 0, {}, "denied"}, Property{PropertyId::UserProperty, 0, "k", "v"}};
  s.reason_codes = {0x87};
  return s;
}

/// Refuses every method's first step with a Reason String, or challenges
/// with a nonce too large for small clients.
struct Challenger final : Authorizer {
  struct X final : AuthExchange {
    AuthStep step(ByteView data) override {
      if (as_chars(data) == "big") return AuthStep::challenge(std::string(40, 'x'));
      if (as_chars(data) == "ask") return AuthStep::challenge("n1", "prove it");
      return AuthStep::reject(0x87, "bad proof");
    }
  };
  AuthResult authenticate(const Credentials&) override { return 0; }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo&, std::string_view) override { return true; }
  std::unique_ptr<AuthExchange> start_exchange(std::string_view, const Credentials&, bool) override {
    return std::make_unique<X>();
  }
};

/// A 5.0 CONNECT with method "CR", data `data` and extra properties.
Connect cr_connect(std::string_view data, Properties extra) {
  Connect k = connect_packet(ProtocolVersion::v5, "w");
  k.properties = std::move(extra);
  k.properties.push_back(Property{PropertyId::AuthenticationMethod, 0, {}, "CR"});
  k.properties.push_back(Property{PropertyId::AuthenticationData, 0, {}, data});
  return k;
}

}  // namespace

TEST_CASE("diagnostics: Reason String goes first, then User Properties, until the packet fits [MQTT-3.9.2-1] [MQTT-3.9.2-2]") {
  Packet p = diagnosed_suback();
  CHECK(encode(p, ProtocolVersion::v5) == cat({{0x90, 0x14, 0x00, 0x01, 0x10},  // SUBACK, remaining 20, id 1, props 16
                                               {0x1F, 0x00, 0x06}, text("denied"),
                                               {0x26, 0x00, 0x01}, text("k"), {0x00, 0x01}, text("v"),
                                               {0x87}}));
  CHECK(fit_diagnostics(p, 22, true) == 22);
  CHECK(encode(p, ProtocolVersion::v5) == encode(diagnosed_suback(), ProtocolVersion::v5));

  CHECK(fit_diagnostics(p, 21, true) == 13);
  CHECK(encode(p, ProtocolVersion::v5) ==
        cat({{0x90, 0x0B, 0x00, 0x01, 0x07}, {0x26, 0x00, 0x01}, text("k"), {0x00, 0x01}, text("v"), {0x87}}));

  p = diagnosed_suback();
  CHECK(fit_diagnostics(p, 12, true) == 6);
  CHECK(encode(p, ProtocolVersion::v5) == Bytes{0x90, 0x04, 0x00, 0x01, 0x00, 0x87});

  p = diagnosed_suback();
  CHECK(fit_diagnostics(p, 5, true) == 6);  // does not fit at all: the caller must not send it
}

TEST_CASE("diagnostics: no problem information: none on SUBACK, kept on CONNACK and DISCONNECT [MQTT-3.1.2-29]") {
  Packet p = diagnosed_suback();
  CHECK(fit_diagnostics(p, 1000, false) == 6);
  CHECK_FALSE(has_diagnostics(p));

  Connack a;
  a.reason_code = 0x87;
  a.properties = {Property{PropertyId::ReasonString, 0, {}, "denied"}};
  Packet connack = a;
  CHECK(fit_diagnostics(connack, 1000, false) == 14);
  CHECK(has_diagnostics(connack));
  Packet disconnect = Disconnect{0x87, a.properties, {}};
  CHECK(fit_diagnostics(disconnect, 1000, false) == 13);
  CHECK(has_diagnostics(disconnect));
}

TEST_CASE("broker: AUTH and CONNACK drop their Reason String to fit the client's Maximum Packet Size [MQTT-3.15.2-2] [MQTT-3.2.2-19]") {
  Challenger auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  c.send(cr_connect("ask", {Property{PropertyId::MaximumPacketSize, 16, {}, {}}}));
  // 25 bytes with "prove it": sent as 14 without it.
  CHECK(c.take() == cat({{0xF0, 0x0C, 0x18, 0x0A}, {0x15, 0x00, 0x02}, text("CR"), {0x16, 0x00, 0x02}, text("n1")}));
  Auth answer;
  answer.reason_code = 0x18;
  answer.properties = {Property{PropertyId::AuthenticationMethod, 0, {}, "CR"}};
  c.send(answer);
  CHECK(c.take() == Bytes{0x20, 0x03, 0x00, 0x87, 0x00});  // 17 bytes with "bad proof"
  CHECK(c.closed());
}

TEST_CASE("broker: a packet over the client's Maximum Packet Size even without diagnostics is not sent [MQTT-3.1.2-24]") {
  Challenger auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  CHECK(h.broker.counters().packets_too_large == 0);
  c.send(cr_connect("big", {Property{PropertyId::MaximumPacketSize, 32, {}, {}}}));
  CHECK(c.take().empty());  // AUTH with 40 bytes of data
  CHECK(h.broker.counters().packets_too_large == 1);
  CHECK_FALSE(c.closed());  // the connect timeout ends it
}

TEST_CASE("broker: Request Problem Information 0: no Reason String on AUTH, kept on CONNACK [MQTT-3.1.2-29]") {
  Challenger auth;
  Harness h(test_config(), &auth);
  Client c(h, ProtocolVersion::v5);
  c.send(cr_connect("ask", {Property{PropertyId::RequestProblemInformation, 0, {}, {}}}));
  CHECK(c.take() == cat({{0xF0, 0x0C, 0x18, 0x0A}, {0x15, 0x00, 0x02}, text("CR"), {0x16, 0x00, 0x02}, text("n1")}));
  Auth answer;
  answer.reason_code = 0x18;
  answer.properties = {Property{PropertyId::AuthenticationMethod, 0, {}, "CR"}};
  c.send(answer);
  CHECK(c.take() == cat({{0x20, 0x0F, 0x00, 0x87, 0x0C}, {0x1F, 0x00, 0x09}, text("bad proof")}));
}

TEST_CASE("broker: Response Information only when requested [MQTT-3.1.2-28]") {
  Config config = test_config();
  config.response_information = "reply/%c/%u/%%";
  Harness h(config);
  Client asks(h, ProtocolVersion::v5);
  Connect k = connect_packet(ProtocolVersion::v5, "ri");
  k.username = "ann";
  k.properties = {Property{PropertyId::RequestResponseInformation, 1, {}, {}}};
  asks.send(k);
  CHECK(asks.take() == cat({{0x20, 0x17, 0x00, 0x00, 0x14},        // CONNACK, remaining 23, props 20
                            {0x22, 0x00, 0x0A},                    // Topic Alias Maximum 10
                            {0x1A, 0x00, 0x0E}, text("reply/ri/ann/%")}));  // Response Information

  Client silent(h, ProtocolVersion::v5);
  connect(silent, "quiet");
  Client zero(h, ProtocolVersion::v5);
  auto a = connect(zero, "zero", true, 0, {Property{PropertyId::RequestResponseInformation, 0, {}, {}}});
  CHECK_FALSE(find(a.properties, PropertyId::ResponseInformation));

  Harness none;  // not configured: nothing even when asked
  Client c(none, ProtocolVersion::v5);
  auto b = connect(c, "x", true, 0, {Property{PropertyId::RequestResponseInformation, 1, {}, {}}});
  CHECK_FALSE(find(b.properties, PropertyId::ResponseInformation));
}

TEST_CASE("broker: response information pattern") {
  CHECK(expand_response_information("r/%c", "id", std::nullopt) == "r/id");
  CHECK(expand_response_information("r/%u/x", "id", std::nullopt) == "r//x");
  CHECK(expand_response_information("%u%c", "id", "me") == "meid");
  CHECK(expand_response_information("100%%/%x/%", "id", "me") == "100%/%x/%");
}

}  // namespace mq::broker::test
