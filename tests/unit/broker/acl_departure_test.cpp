// Read rights checked as messages leave a session: a session resumed by
// another user, and rules changed (SIGHUP) while messages wait in the queue
// or in flight. The ACL is alice: read secret/#, bob: read public/#.

#include "harness.hpp"

namespace mq::broker::test {

namespace {

/// Per-user read prefixes, changeable between steps as a reloaded ACL file.
struct ReadRules final : Authorizer {
  std::map<std::string, std::string, std::less<>> reads{{"alice", "secret/"}, {"bob", "public/"}};
  AuthResult authenticate(const Credentials&) override { return 0; }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo& c, std::string_view topic) override {
    if (!c.username) return true;  // the anonymous publisher in these tests
    auto it = reads.find(*c.username);
    return it != reads.end() && topic.starts_with(it->second);
  }
  bool checks_reads() const override { return true; }
};

/// Connects `c` as `user` with client id dev1, clean start 0, expiry 3600.
Connack connect_as(Client& c, std::string_view user, std::uint16_t receive_max = 0) {
  Connect k = connect_packet(ProtocolVersion::v5, "dev1", false);
  k.username = user;
  k.properties.push_back(Property{PropertyId::SessionExpiryInterval, 3600, {}, {}});
  if (receive_max) k.properties.push_back(Property{PropertyId::ReceiveMaximum, receive_max, {}, {}});
  c.send(k);
  auto ps = c.packets();
  REQUIRE(!ps.empty());
  REQUIRE(std::holds_alternative<Connack>(ps[0]));
  Connack a = std::get<Connack>(ps[0]);
  REQUIRE(a.reason_code == 0);
  ps.erase(ps.begin());
  c.unread(std::move(ps));
  return a;
}

/// Publishes secret/x (and more) at QoS 1 from an anonymous client.
void publish_qos1(Harness& h, std::initializer_list<std::string_view> topics) {
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  std::uint16_t id = 1;
  for (auto t : topics) {
    pub.send(publish_packet(t, "m", 1, id++));
    REQUIRE(pub.expect<Puback>().reason_code == 0x00);
  }
}

}  // namespace

TEST_CASE("acl: a session resumed by another user starts clean; nothing queued for the owner leaks") {
  ReadRules rules;
  Harness h(test_config(), &rules);
  {
    Client alice(h, ProtocolVersion::v5);
    connect_as(alice, "alice");
    subscribe(alice, "secret/#", 1);
    alice.drop();
  }
  publish_qos1(h, {"secret/x"});
  Client bob(h, ProtocolVersion::v5);
  CHECK_FALSE(connect_as(bob, "bob").session_present);
  CHECK(bob.publishes().empty());
  // alice's subscription went with her session: a new secret/ message
  // matches nothing (0x10 No matching subscribers).
  Client pub(h, ProtocolVersion::v5);
  connect(pub, "pub");
  pub.send(publish_packet("secret/y", "m", 1, 1));
  CHECK(pub.expect<Puback>().reason_code == 0x10);
  CHECK(bob.publishes().empty());

  // The owner coming back (as bob left it) resumes it.
  bob.drop();
  Client bob2(h, ProtocolVersion::v5);
  CHECK(connect_as(bob2, "bob").session_present);
}

TEST_CASE("acl: a queued message is checked again when it leaves, after the rules changed") {
  ReadRules rules;
  Harness h(test_config(), &rules);
  {
    Client alice(h, ProtocolVersion::v5);
    connect_as(alice, "alice");
    subscribe(alice, "secret/#", 1);
    alice.drop();
  }
  publish_qos1(h, {"secret/x", "secret/y"});
  rules.reads["alice"] = "secret/y";  // reloaded: secret/x no longer readable
  const auto dropped = h.broker.counters().dropped_not_authorized;
  Client alice(h, ProtocolVersion::v5);
  CHECK(connect_as(alice, "alice").session_present);
  auto got = alice.publishes();
  REQUIRE(got.size() == 1);
  CHECK(got[0].topic == "secret/y");
  CHECK(h.broker.counters().dropped_not_authorized == dropped + 1);
}

TEST_CASE("acl: an in-flight message is not sent again once its reader lost the right") {
  ReadRules rules;
  Harness h(test_config(), &rules);
  {
    Client alice(h, ProtocolVersion::v5);
    connect_as(alice, "alice");
    subscribe(alice, "secret/#", 1);
    publish_qos1(h, {"secret/x"});
    REQUIRE(alice.publishes().size() == 1);  // sent, never acknowledged
    alice.drop();
  }
  rules.reads["alice"] = "nothing/";
  Client alice(h, ProtocolVersion::v5);
  CHECK(connect_as(alice, "alice").session_present);
  CHECK(alice.publishes().empty());
  // And it is gone, not merely held back: a later reload does not revive it.
  rules.reads["alice"] = "secret/";
  alice.drop();
  Client again(h, ProtocolVersion::v5);
  connect_as(again, "alice");
  CHECK(again.publishes().empty());
}

TEST_CASE("acl: messages waiting for room in the window are checked as the window opens") {
  ReadRules rules;
  Harness h(test_config(), &rules);
  Client alice(h, ProtocolVersion::v5);
  connect_as(alice, "alice", 1);  // Receive Maximum 1: one in flight, the rest queued
  subscribe(alice, "secret/#", 1);
  publish_qos1(h, {"secret/a", "secret/b"});
  auto first = alice.publishes();
  REQUIRE(first.size() == 1);
  rules.reads["alice"] = "nothing/";
  alice.send(Puback{first[0].packet_id, 0, {}});
  CHECK(alice.publishes().empty());
}

}  // namespace mq::broker::test
