// Shared subscriptions pick only among members that can take the message:
// allowed to read it, and within their Maximum Packet Size. A message one
// member may read is never lost to another's turn in the round-robin.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// alice may not read shared/secret; everyone else reads everything.
struct DenyAliceSecret final : Authorizer {
  AuthResult authenticate(const Credentials&) override { return 0; }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo& c, std::string_view topic) override {
    return !(c.username && *c.username == "alice" && topic == "shared/secret");
  }
  bool checks_reads() const override { return true; }
};

void connect_user(Client& c, std::string_view id, std::string_view user, Properties props = {}) {
  Connect k = connect_packet(ProtocolVersion::v5, id);
  k.username = user;
  k.properties = std::move(props);
  c.send(k);
  REQUIRE(c.expect<Connack>().reason_code == 0);
}

}  // namespace

TEST_CASE("broker: a shared subscription gives each message to a member allowed to read it") {
  DenyAliceSecret rules;
  Harness h(test_config(), &rules);
  Client alice(h, ProtocolVersion::v5), bob(h, ProtocolVersion::v5), pub(h, ProtocolVersion::v5);
  connect_user(alice, "alice", "alice");
  connect_user(bob, "bob", "bob");
  connect_user(pub, "pub", "pub");
  subscribe(alice, "$share/g/shared/#", 1);
  subscribe(bob, "$share/g/shared/#", 1);
  for (std::uint16_t i = 1; i <= 4; ++i) {
    pub.send(publish_packet("shared/secret", "s", 1, i));
    CHECK(pub.expect<Puback>().reason_code == 0x00);
  }
  CHECK(alice.publishes().empty());
  CHECK(bob.publishes().size() == 4);
  // Topics both may read still alternate between them.
  for (std::uint16_t i = 5; i <= 8; ++i) pub.send(publish_packet("shared/open", "o", 1, i));
  CHECK(alice.publishes().size() == 2);
  CHECK(bob.publishes().size() == 2);
}

TEST_CASE("broker: a shared subscription passes over a member whose Maximum Packet Size is too small") {
  Harness h;
  Client tiny(h, ProtocolVersion::v5), roomy(h, ProtocolVersion::v5), pub(h, ProtocolVersion::v5);
  connect_user(tiny, "tiny", "t", {Property{PropertyId::MaximumPacketSize, 64, {}, {}}});
  connect_user(roomy, "roomy", "r");
  connect_user(pub, "pub", "p");
  subscribe(tiny, "$share/g/big/#", 1);
  subscribe(roomy, "$share/g/big/#", 1);
  const std::string payload(200, 'x');
  for (std::uint16_t i = 1; i <= 4; ++i) pub.send(publish_packet("big/t", payload, 1, i));
  CHECK(tiny.publishes().empty());
  CHECK(roomy.publishes().size() == 4);
  CHECK(h.broker.counters().dropped_too_large == 0);
}

}  // namespace mq::broker::test
