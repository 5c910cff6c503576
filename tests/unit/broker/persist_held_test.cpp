// QoS 2 messages held until their PUBREL (qos2_forward_on_publish false, the
// mosquitto profile) in a persistent session: PUBREC promised them, so they
// are journaled with their receipt and forwarded, once, by a PUBREL after a
// restart; PUBREL, expiry and a clean start remove them.

#include <algorithm>

#include "persist_tape.hpp"

namespace mq::broker::test {

namespace {

Config holding() {
  Config config = test_config();
  config.behaviour.qos2_forward_on_publish = false;
  return config;
}

/// "sub" holds `filter` at QoS 2 and goes offline; "pub" (clean session 0)
/// sends a QoS 2 PUBLISH with identifier 7 and gets PUBREC.
void hold_one(Harness& h) {
  Client sub(h);
  connect(sub, "sub", false);
  subscribe(sub, "t", 2);
  sub.send(Bytes{0xE0, 0x00});
  Client pub(h);
  connect(pub, "pub", false);
  pub.send(publish_packet("t", "held", 2, 7));
  CHECK(pub.take() == Bytes{0x50, 0x02, 0x00, 0x07});
}

/// The payloads "sub" receives when it comes back.
std::vector<std::string> received(Harness& h) {
  Client back(h);
  CHECK(connect(back, "sub", false).session_present);
  std::vector<std::string> out;
  for (const Publish& p : back.publishes()) out.push_back(payload_text(p));
  return out;
}

}  // namespace

TEST_CASE("persist held: a QoS 2 message held at a restart is forwarded once by the PUBREL after it") {
  Harness h(holding());
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  hold_one(h);
  CHECK(tape.names.back() == "incoming held");

  Harness after(holding());
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  Client pub(after);
  CHECK(connect(pub, "pub", false).session_present);
  Publish dup = publish_packet("t", "held", 2, 7);
  dup.dup = true;
  pub.send(dup);  // its PUBREC was lost: acknowledged again, not held twice
  CHECK(pub.take() == Bytes{0x50, 0x02, 0x00, 0x07});
  pub.send(Pubrel{7, 0, {}, {}});
  CHECK(pub.take() == Bytes{0x70, 0x02, 0x00, 0x07});
  CHECK(next.names == std::vector<std::string>{"session save", "outgoing add", "incoming released"});
  pub.send(Pubrel{7, 0, {}, {}});  // released already: PUBCOMP, nothing forwarded
  CHECK(pub.take() == Bytes{0x70, 0x02, 0x00, 0x07});
  CHECK(received(after) == std::vector<std::string>{"held"});

  // Both tapes together: the released message is not held again.
  Tape both(h.now);
  both.bytes = tape.bytes;
  both.bytes.insert(both.bytes.end(), next.bytes.begin(), next.bytes.end());
  Harness third(holding());
  Tape last(third.now);
  both.replay(third.broker, last, third.now);
  Client again(third);
  connect(again, "pub", false);
  again.send(Pubrel{7, 0, {}, {}});
  CHECK(again.take() == Bytes{0x70, 0x02, 0x00, 0x07});
  CHECK(received(third) == std::vector<std::string>{"held"});  // the one copy queued, not a second
}

TEST_CASE("persist held: a log cut inside a turn keeps the message, never a receipt without it") {
  // Forwarded on PUBLISH: the copy for "sub" is journaled before the receipt.
  Harness h;
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  hold_one(h);  // the turn ends with its two records: the copy and the receipt
  tape.cut(tape.names.size() - 1);  // torn between them (the PUBREC never left)
  Harness after;
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  Client pub(after);
  connect(pub, "pub", false);
  pub.send(publish_packet("t", "held", 2, 7));  // resent: no PUBREC had left
  CHECK(pub.take() == Bytes{0x50, 0x02, 0x00, 0x07});
  CHECK_FALSE(received(after).empty());  // once or twice, never lost

  // Held until PUBREL: the copy made by the PUBREL is journaled before the release.
  Harness held(holding());
  Tape log(held.now);
  held.broker.set_journal(&log);
  hold_one(held);
  Client rel(held);
  connect(rel, "pub", false);
  rel.send(Pubrel{7, 0, {}, {}});  // a turn of two records: the copy and the release
  log.cut(log.names.size() - 1);
  Harness again(holding());
  Tape more(again.now);
  log.replay(again.broker, more, again.now);
  Client resent(again);
  connect(resent, "pub", false);
  resent.send(Pubrel{7, 0, {}, {}});  // resent: no PUBCOMP had left
  CHECK(resent.take() == Bytes{0x70, 0x02, 0x00, 0x07});
  CHECK_FALSE(received(again).empty());
}

TEST_CASE("persist held: a snapshot keeps the held message, and a broker forwarding on PUBLISH still releases it") {
  Harness h(holding());
  hold_one(h);
  Tape snapshot(h.now);
  h.broker.save(snapshot);
  CHECK(std::count(snapshot.names.begin(), snapshot.names.end(), "incoming held") == 1);
  CHECK(std::count(snapshot.names.begin(), snapshot.names.end(), "incoming received") == 0);

  Harness after;  // restarted with the other profile
  Tape next(after.now);
  snapshot.replay(after.broker, next, after.now);
  Client pub(after);
  connect(pub, "pub", false);
  pub.send(Pubrel{7, 0, {}, {}});
  CHECK(pub.take() == Bytes{0x70, 0x02, 0x00, 0x07});
  CHECK(received(after) == std::vector<std::string>{"held"});
}

TEST_CASE("persist held: a clean start discards the held message, on disk too") {
  Harness h(holding());
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  hold_one(h);
  Client pub(h, ProtocolVersion::v5);
  CHECK_FALSE(connect(pub, "pub", true).session_present);
  CHECK(tape.names.back() == "session delete");

  Harness after(holding());
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  Client back(after, ProtocolVersion::v5);
  CHECK_FALSE(connect(back, "pub", false).session_present);
  back.send(Pubrel{7, 0, {}, {}});
  CHECK(back.expect<Pubcomp>().reason_code == 0x92);  // Packet Identifier not found
  CHECK(received(after).empty());
}

TEST_CASE("persist held: Receive Maximum bounds the held messages restored") {
  Config config = holding();
  config.receive_maximum = 2;
  Harness h(config);
  Tape tape(h.now);
  h.broker.set_journal(&tape);
  {
    Client pub(h);
    connect(pub, "pub", false);
    pub.send(publish_packet("t", "1", 2, 1));
    pub.send(publish_packet("t", "2", 2, 2));
    CHECK(pub.take() == Bytes{0x50, 0x02, 0x00, 0x01, 0x50, 0x02, 0x00, 0x02});
    pub.drop();
  }
  Harness after(config);
  Tape next(after.now);
  tape.replay(after.broker, next, after.now);
  Client pub(after, ProtocolVersion::v5);
  connect(pub, "pub", false);
  pub.send(publish_packet("t", "3", 2, 3));  // a third awaiting PUBREL
  auto d = pub.expect<Disconnect>();
  CHECK(d.reason_code == 0x93);  // Receive Maximum exceeded
  CHECK(pub.closed());
}

}  // namespace mq::broker::test
