// Checks of PUBLISH and its acknowledgements, QoS and topics.

#include <algorithm>

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "conform/checks.hpp"
#include "conform/helpers.hpp"

namespace mq::conform::checks {

namespace {

/// A raw PUBLISH at QoS 0 with `topic` bytes as given.
std::vector<std::uint8_t> raw_publish(Ctx& c, std::string_view topic, std::uint8_t first = 0x30) {
  auto body = raw_string(topic);
  if (first & 0x06) body.insert(body.end(), {0x00, 0x01});
  if (c.v5()) body.push_back(0x00);
  body.push_back('x');
  return raw_packet(first, body);
}

}  // namespace

void publish_qos0(Ctx& c) {
  std::string topic = c.topic("q0");
  auto [sub, pub] = sub_and_pub(c, topic, 2);
  c.publish(pub, topic, "hello", 0);
  auto m = c.expect_publish(sub, "the QoS 0 message");
  if (m.topic != topic) c.fail("the message arrived on another topic");
  if (m.qos != 0 || m.dup || m.retain) c.fail("the QoS 0 message arrived with QoS, DUP or RETAIN set");
  if (text_of(m) != "hello") c.fail("the payload changed");
}

void publish_qos1(Ctx& c) {
  std::string topic = c.topic("q1");
  auto [sub, pub] = sub_and_pub(c, topic, 1);
  c.publish(pub, topic, "one", 1);
  auto m = c.expect_publish(sub, "the QoS 1 message");
  if (m.qos != 1 || m.packet_id == 0 || m.dup) c.fail("the QoS 1 message arrived with a wrong QoS, packet identifier or DUP");
  puback(sub, m);
  c.barrier(sub);
}

void publish_qos2(Ctx& c) {
  std::string topic = c.topic("q2");
  auto pair = sub_and_pub(c, topic, 2);
  Conn& sub = pair.sub;  // named: the lambda below captures it
  Conn& pub = pair.pub;
  Publish p;
  p.topic = c.keep(topic);
  p.qos = 2;
  p.packet_id = 77;
  p.payload = as_bytes(c.keep("two"));
  pub.send(p);
  auto rec = c.expect<Pubrec>(pub, "PUBLISH QoS 2");
  if (rec.packet_id != 77) c.fail("PUBREC carries another packet identifier");
  // Duplicate before PUBREL: acknowledged again, never delivered twice.
  p.dup = true;
  pub.send(p);
  auto rec2 = c.expect<Pubrec>(pub, "the duplicate PUBLISH QoS 2 before PUBREL");
  if (rec2.packet_id != 77) c.fail("PUBREC for the duplicate carries another packet identifier");
  // When is the message forwarded? On PUBLISH (it is already there) or on
  // PUBREL. The subscriber's side is answered as packets come: the broker
  // may interleave PUBREL for one message with the PUBLISH of the next.
  std::size_t copies = 0;
  bool marker = false;
  auto take = [&](const Received& r) {
    if (const auto* m = r.as<Publish>()) {
      if (m->qos == 2) {
        Pubrec ack;
        ack.packet_id = m->packet_id;
        sub.send(ack);
      }
      if (text_of(*m) == "marker") marker = true;
      else ++copies;
    } else if (const auto* rel = r.as<Pubrel>()) {
      Pubcomp done;
      done.packet_id = rel->packet_id;
      sub.send(done);
    } else {
      c.fail("subscriber: expected PUBLISH or PUBREL, got " + r.describe());
    }
  };
  Received early = c.next(sub, std::chrono::milliseconds(300));
  if (early.kind == Received::Kind::Packet) {
    c.choose("forwarded on PUBLISH");
    take(early);
  } else {
    c.choose("forwarded on PUBREL");
  }
  Pubrel rel;
  rel.packet_id = 77;
  pub.send(rel);
  auto comp = c.expect<Pubcomp>(pub, "PUBREL");
  if (comp.packet_id != 77) c.fail("PUBCOMP carries another packet identifier");
  // A marker at the same QoS on the same topic: everything before it arrived.
  c.publish(pub, topic, "marker", 2);
  for (int i = 0; i < 16 && !marker; ++i) {
    Received r = c.next(sub);
    if (r.kind != Received::Kind::Packet) c.fail("subscriber: waiting for the marker, got " + r.describe());
    take(r);
  }
  if (copies != 1) c.fail(fmt::format("the QoS 2 message was delivered {} times", copies));
}

void publish_id_reuse(Ctx& c) {
  // Once acknowledged (PUBACK, or PUBCOMP at QoS 2), a packet identifier
  // names a new message: sent again, it is delivered again.
  std::string topic = c.topic("reuse");
  auto [sub, pub] = sub_and_pub(c, topic, 0);
  for (QoS qos : {QoS(1), QoS(2)}) {
    for (int round = 0; round < 2; ++round) {
      Publish p;
      p.topic = c.keep(topic);
      p.qos = qos;
      p.packet_id = 9;
      p.payload = as_bytes(c.keep(fmt::format("q{}r{}", qos, round)));
      pub.send(p);
      if (qos == 1) {
        c.expect<Puback>(pub, "PUBLISH QoS 1");
      } else {
        c.expect<Pubrec>(pub, "PUBLISH QoS 2");
        Pubrel rel;
        rel.packet_id = 9;
        pub.send(rel);
        c.expect<Pubcomp>(pub, "PUBREL");
      }
      auto m = c.expect_publish(sub, "the message sent with a packet identifier used before");
      if (text_of(m) != text_of(p)) c.fail(fmt::format("expected '{}', got '{}'", text_of(p), text_of(m)));
    }
  }
}

void publish_downgrade(Ctx& c) {
  std::string topic = c.topic("down");
  auto [sub, pub] = sub_and_pub(c, topic, 0);
  c.publish(pub, topic, "sent at QoS 1", 1);
  auto m = c.expect_publish(sub, "the message for a QoS 0 subscription");
  if (m.qos != 0) c.fail(fmt::format("delivered at QoS {} to a subscription granted QoS 0", m.qos));
}

void publish_overlap(Ctx& c) {
  std::string base = c.topic("ov");
  Conn& sub = c.connect();
  c.subscribe_ok(sub, base + "/+", 0);
  c.subscribe_ok(sub, base + "/a", 1);
  Conn& pub = c.connect();
  c.publish(pub, base + "/a", "x", 1);
  c.publish(pub, base + "/a", "marker", 1);  // same topic and QoS: delivered after the copies of "x"
  std::vector<Publish> copies;
  for (int i = 0; i < 4; ++i) {
    auto m = c.expect_publish(sub, "the message on overlapping subscriptions");
    if (m.qos == 1) {
      puback(sub, m);
    }
    if (text_of(m) == "marker") break;
    copies.push_back(m);
  }
  unsigned best = 0;
  for (const auto& m : copies) best = std::max<unsigned>(best, m.qos);
  if (best != 1) c.fail("overlapping subscriptions at QoS 0 and 1: no copy at QoS 1");
  c.choose(copies.size() == 1 ? "one copy" : fmt::format("{} copies", copies.size()));
}

void publish_order(Ctx& c) {
  std::string topic = c.topic("order");
  auto [sub, pub] = sub_and_pub(c, topic, 1);
  // Sent in windows the broker's Receive Maximum allows.
  const int window = std::min<int>(10, std::max<int>(1, c.caps.receive_max));
  for (int first = 0; first < 10; first += window) {
    const int last = std::min(10, first + window);
    for (int i = first; i < last; ++i) {
      Publish p;
      p.topic = c.keep(topic);
      p.qos = 1;
      p.packet_id = static_cast<std::uint16_t>(i + 1);
      p.payload = as_bytes(c.keep(std::to_string(i)));
      pub.send(p);
    }
    for (int i = first; i < last; ++i) c.expect<Puback>(pub, "the PUBACKs");
  }
  // Received without acknowledging while more come (the identifiers in use
  // must differ); acknowledged when the broker's own window is full.
  std::vector<std::uint16_t> in_use;
  int got = 0;
  for (int round = 0; round < 20 && got < 10; ++round) {
    auto arrived = Ctx::publishes(c.barrier(sub));
    // Nothing yet and nothing to acknowledge: the broker is still on its way.
    if (arrived.empty() && in_use.empty()) arrived.push_back(c.expect_publish(sub, "ten QoS 1 messages"));
    if (arrived.empty()) {
      for (auto id : in_use) {
        Puback a;
        a.packet_id = id;
        sub.send(a);
      }
      in_use.clear();
      continue;
    }
    for (const auto& m : arrived) {
      if (text_of(m) != std::to_string(got)) c.fail(fmt::format("message {} arrived in position {}", text_of(m), got));
      if (m.packet_id == 0 || std::find(in_use.begin(), in_use.end(), m.packet_id) != in_use.end())
        c.fail(fmt::format("the broker reused packet identifier {} while it was in use", m.packet_id));
      in_use.push_back(m.packet_id);
      ++got;
    }
  }
  if (got < 10) c.fail(fmt::format("{} of 10 QoS 1 messages arrived", got));
  for (auto id : in_use) {
    Puback a;
    a.packet_id = id;
    sub.send(a);
  }
  c.barrier(sub);
}

void publish_wildcard_topic(Ctx& c) { refuse(c, raw_publish(c, c.topic("+")), "PUBLISH to a topic name with '+'"); }
void publish_qos3(Ctx& c) { refuse(c, raw_publish(c, c.topic("q3"), 0x36), "PUBLISH with both QoS bits set"); }
void publish_empty_topic(Ctx& c) { refuse(c, raw_publish(c, ""), "PUBLISH with an empty topic name"); }
void publish_bad_utf8(Ctx& c) { refuse(c, raw_publish(c, c.topic("bad\xED\xA0\x80")), "PUBLISH topic with a UTF-16 surrogate"); }
void publish_nul(Ctx& c) { refuse(c, raw_publish(c, c.topic(std::string("n\0l", 3))), "PUBLISH topic with U+0000"); }

void publish_packet_id_zero(Ctx& c) {
  auto body = raw_string(c.topic("pid0"));
  body.insert(body.end(), {0x00, 0x00});
  if (c.v5()) body.push_back(0x00);
  refuse(c, raw_packet(0x32, body), "PUBLISH QoS 1 with packet identifier 0");
}

void publish_bom(Ctx& c) {
  std::string topic = c.topic("\xEF\xBB\xBF" "bom");
  auto [sub, pub] = sub_and_pub(c, topic, 0);
  c.publish(pub, topic, "x", 0);
  auto m = c.expect_publish(sub, "the message on a topic with U+FEFF");
  if (m.topic != topic) c.fail("the topic's U+FEFF was stripped or changed");
}

void publish_dollar_topics(Ctx& c) {
  std::string leaf = c.topic("d");
  std::string dollar = "$" + leaf.substr(0);
  // "$mqconf/<run>/<check>/d": a filter starting with '+' must not match it.
  Conn& exact = c.connect();
  c.subscribe_ok(exact, dollar, 0);
  Conn& wild = c.connect();
  c.subscribe_ok(wild, "+" + leaf.substr(leaf.find('/')), 0);
  Conn& pub = c.connect();
  c.publish(pub, dollar, "dollar", 0);
  c.barrier(pub);
  Received r = c.next(exact);
  if (!r.as<Publish>()) c.not_applicable("the broker does not deliver messages published to topics starting with '$'");
  if (!Ctx::publishes(c.barrier(wild)).empty()) c.fail("a filter starting with '+' matched a topic starting with '$'");
}

void publish_wildcards_match(Ctx& c) {
  std::string base = c.topic("w");
  Conn& plus = c.connect();
  c.subscribe_ok(plus, base + "/+/x", 0);
  Conn& hash = c.connect();
  c.subscribe_ok(hash, base + "/#", 0);
  Conn& pub = c.connect();
  c.publish(pub, base, "parent", 0);
  c.publish(pub, base + "/a/x", "one", 0);
  c.publish(pub, base + "/a/b/x", "two", 0);
  c.barrier(pub);
  auto h1 = c.expect_publish(hash, "'#' matching its parent level");
  auto h2 = c.expect_publish(hash, "'#' matching one level");
  auto h3 = c.expect_publish(hash, "'#' matching two levels");
  if (text_of(h1) != "parent" || text_of(h2) != "one" || text_of(h3) != "two") c.fail("'#' did not match its parent and every level below");
  auto p1 = c.expect_publish(plus, "'+' matching one level");
  if (text_of(p1) != "one") c.fail("'+' matched the wrong topic");
  if (!Ctx::publishes(c.barrier(plus)).empty()) c.fail("'+' matched more than one level");
}

void puback_no_subscribers(Ctx& c) {
  Conn& pub = c.connect();
  Publish p;
  p.topic = c.keep(c.topic("nobody"));
  p.qos = 1;
  p.packet_id = 5;
  pub.send(p);
  auto ack = c.expect<Puback>(pub, "PUBLISH QoS 1 without subscribers");
  if (ack.reason_code != 0x00 && ack.reason_code != 0x10)
    c.fail(fmt::format("PUBACK reason code 0x{:02x} for a message without subscribers", ack.reason_code));
  c.choose(fmt::format("PUBACK 0x{:02x}", ack.reason_code));
}

void pubrel_flags(Ctx& c) {
  Conn& conn = c.connect();
  Publish p;
  p.topic = c.keep(c.topic("rel"));
  p.qos = 2;
  p.packet_id = 3;
  conn.send(p);
  c.expect<Pubrec>(conn, "PUBLISH QoS 2");
  conn.send_raw({0x60, 0x02, 0x00, 0x03});  // PUBREL with flags 0000
  c.choose(c.expect_close(conn, "PUBREL with flags 0000", {0x81}));
}

void ack_wrong_type(Ctx& c) {
  std::string topic = c.topic("wrong-ack");
  auto [sub, pub] = sub_and_pub(c, topic, 1);
  c.publish(pub, topic, "x", 1);
  auto m = c.expect_publish(sub, "the QoS 1 message");
  Pubcomp wrong;  // a QoS 1 PUBLISH is acknowledged with PUBACK, never PUBCOMP
  wrong.packet_id = m.packet_id;
  sub.send(wrong);
  c.choose(c.expect_close(sub, "PUBCOMP for a QoS 1 PUBLISH", {0x82}));
}

void pingreq_flags(Ctx& c) { refuse(c, {0xC1, 0x00}, "PINGREQ with flags 0001", {0x81}); }

void remaining_length_long(Ctx& c) {
  // The broker's own packets are held to the shortest form by the decoder of
  // every check; a long form from the client is malformed to some readers
  // and merely unusual to others, so either answer is recorded.
  Conn& conn = c.connect();
  conn.send_raw({0xC0, 0x80, 0x00});
  Received r = c.next(conn);
  if (r.as<Pingresp>()) {
    c.choose("read it (PINGRESP)");
    return;
  }
  conn.send(Pingreq{});  // nothing more may come but the close
  c.choose(r.kind == Received::Kind::Closed ? "closed" : c.expect_close(conn, "after refusing the long form", {0x81}));
}

}  // namespace mq::conform::checks
