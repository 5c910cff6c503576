// Persistence in the core, without files or sockets: what the broker
// journals, and a second broker rebuilt from those records behaving as the
// first would have (queued and in-flight messages, QoS 2 receipts,
// subscriptions, retained messages).

#include "persist_tape.hpp"

namespace mq::broker::test {

namespace {

/// A 3.1.1 persistent session "sub" subscribed to `filter`, then offline.
void leave_subscribed(Harness& h, std::string_view filter, QoS qos) {
  Client sub(h);
  connect(sub, "sub", false);
  subscribe(sub, filter, qos);
  sub.send(Bytes{0xE0, 0x00});  // DISCONNECT
}

Property session_expiry(std::uint32_t seconds) { return Property{PropertyId::SessionExpiryInterval, seconds, {}, {}}; }

}  // namespace

TEST_CASE("persist: a clean session is never journaled, a persistent one is saved and deleted") {
  Harness h;
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  {
    Client c(h);
    connect(c, "clean");
    subscribe(c, "t", 1);
    c.send(Bytes{0xE0, 0x00});
  }
  CHECK(tape.names.empty());
  Client p(h, ProtocolVersion::v5);
  connect(p, "p", true, 0, {session_expiry(60)});
  subscribe(p, "t", 1);
  h.advance_s(61);  // not expired while connected
  p.drop();
  h.advance_s(61);  // expired
  CHECK(tape.names == std::vector<std::string>{"session save", "subscription add", "session delete"});
}

TEST_CASE("persist: queued messages, retained messages and subscriptions survive a restart") {
  Harness h;
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  leave_subscribed(h, "t/#", 1);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t/r", "kept", 1, 1, true));
  CHECK(pub.expect<Puback>().packet_id == 1);
  for (int i = 0; i < 3; ++i) pub.send(publish_packet("t/q", std::to_string(i), 1, static_cast<std::uint16_t>(i + 2)));

  Harness after;  // the restarted broker
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  CHECK(after.broker.counters().sessions == 1);
  CHECK(after.broker.counters().subscriptions == 1);
  CHECK(after.broker.counters().queued == 4);
  CHECK(after.broker.counters().retained == 1);

  Client back(after);
  CHECK(connect(back, "sub", false).session_present);
  auto ps = back.publishes();
  REQUIRE(ps.size() == 4);
  CHECK(payload_text(ps[0]) == "kept");
  CHECK(payload_text(ps[1]) == "0");
  CHECK(payload_text(ps[3]) == "2");
  for (const auto& p : ps) back.send(Puback{p.packet_id, 0, {}, {}});
  // Acknowledged messages are journaled as done: a second restart (both
  // journals in order, as the log after the first restart would be) has none.
  Harness again;
  Tape both(again.now);
  both.bytes = tape.bytes;
  both.bytes.insert(both.bytes.end(), next.bytes.begin(), next.bytes.end());
  Tape third(again.now);
  both.replay(again.broker, third, again.now);
  CHECK(again.broker.counters().queued == 0);
  Client other(again);
  connect(other, "other");
  other.send(subscribe_packet(1, "t/#", 0));
  auto retained = other.publishes();
  REQUIRE(retained.size() == 1);
  CHECK(payload_text(retained[0]) == "kept");
  CHECK(retained[0].retain);
}

TEST_CASE("persist: in-flight messages are resent with DUP and their identifier after a restart") {
  Harness h;
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  Client sub(h);
  connect(sub, "sub", false);
  subscribe(sub, "t", 2);
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("t", "one", 2, 1));
  pub.send(publish_packet("t", "two", 2, 2));
  auto sent = sub.publishes();
  REQUIRE(sent.size() == 2);
  sub.send(Pubrec{sent[0].packet_id, 0, {}, {}});  // the first one gets as far as PUBREL

  Harness after;
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  Client back(after);
  connect(back, "sub", false);
  auto ps = back.packets();
  REQUIRE(ps.size() == 2);
  REQUIRE(std::holds_alternative<Pubrel>(ps[0]));
  CHECK(std::get<Pubrel>(ps[0]).packet_id == sent[0].packet_id);
  REQUIRE(std::holds_alternative<Publish>(ps[1]));
  CHECK(std::get<Publish>(ps[1]).dup);
  CHECK(std::get<Publish>(ps[1]).packet_id == sent[1].packet_id);
  CHECK(payload_text(std::get<Publish>(ps[1])) == "two");
}

TEST_CASE("persist: a QoS 2 PUBLISH received before a restart is not delivered again [MQTT-4.3.3-10]") {
  Harness h;
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  leave_subscribed(h, "t", 2);
  Client pub(h);
  connect(pub, "pub", false);
  pub.send(publish_packet("t", "once", 2, 7));
  CHECK(pub.expect<Pubrec>().packet_id == 7);

  Harness after;
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  Client again(after);
  connect(again, "pub", false);
  Publish dup = publish_packet("t", "once", 2, 7);
  dup.dup = true;
  again.send(dup);
  CHECK(again.expect<Pubrec>().packet_id == 7);
  again.send(Pubrel{7, 0, {}, {}});
  CHECK(again.expect<Pubcomp>().reason_code == 0);

  Client back(after);
  connect(back, "sub", false);
  auto ps = back.publishes();
  REQUIRE(ps.size() == 1);  // one copy, from before the restart
  CHECK(payload_text(ps[0]) == "once");
}

TEST_CASE("persist: a snapshot restores the same state as the journal it replaces") {
  Harness h;
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  {
    Client sub(h, ProtocolVersion::v5);
    connect(sub, "sub", true, 0, {session_expiry(0xFFFFFFFF)});
    subscribe(sub, "a/+", 1);
    sub.drop();
  }
  Client pub(h);
  connect(pub, "pub");
  pub.send(publish_packet("a/1", "x", 1, 1, true));
  pub.send(publish_packet("a/2", "y", 1, 2));

  Tape snapshot(h.now);
  h.broker.save(snapshot);
  CHECK(snapshot.names == std::vector<std::string>{"retain set", "session save", "subscription add", "outgoing add",
                                                   "outgoing add"});
  Harness after;
  Tape next(after.now);
  snapshot.replay(after.broker, next, after.now);
  Client back(after, ProtocolVersion::v5);
  CHECK(connect(back, "sub", false, 0, {session_expiry(0xFFFFFFFF)}).session_present);
  auto ps = back.publishes();
  REQUIRE(ps.size() == 2);
  CHECK(payload_text(ps[0]) == "x");
  CHECK(payload_text(ps[1]) == "y");
}

namespace {

/// Reads allowed by listener, as the server's FileAuthorizer does: on
/// listener "test" everyone may read data/, on an unknown listener nothing.
struct ListenerRules final : Authorizer {
  AuthResult authenticate(const Credentials&) override { return 0; }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo& c, std::string_view topic) override {
    return c.listener == "test" && topic.starts_with("data/");
  }
  bool checks_reads() const override { return true; }
};

}  // namespace

TEST_CASE("persist: a message acknowledged after a restart reaches the restored session under read rules") {
  ListenerRules rules;
  Harness h(test_config(), &rules);
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  leave_subscribed(h, "#", 1);

  Harness after(test_config(), &rules);  // restarted: the session has no listener yet
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  Client pub(after);
  connect(pub, "pub");
  pub.send(publish_packet("data/2", "two", 1, 1));
  CHECK(pub.expect<Puback>().reason_code == 0x00);
  pub.send(publish_packet("secret/1", "no", 1, 2));
  CHECK(pub.expect<Puback>().reason_code == 0x00);
  Client back(after);
  CHECK(connect(back, "sub", false).session_present);
  auto ps = back.publishes();
  REQUIRE(ps.size() == 1);  // secret/1 was queued unchecked, and stopped as it left
  CHECK(ps[0].topic == "data/2");
  CHECK(payload_text(ps[0]) == "two");
}

}  // namespace mq::broker::test
