// Checks of SUBSCRIBE, UNSUBSCRIBE and retained messages.

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "conform/checks.hpp"
#include "conform/helpers.hpp"

namespace mq::conform::checks {

namespace {

/// A raw SUBSCRIBE or UNSUBSCRIBE (first byte given) for one entry.
std::vector<std::uint8_t> raw_sub(Ctx& c, std::uint8_t first, std::string_view filter, std::optional<std::uint8_t> options) {
  std::vector<std::uint8_t> body{0x00, 0x09};
  if (c.v5()) body.push_back(0x00);
  if (!filter.empty() || options) {
    auto f = raw_string(filter);
    body.insert(body.end(), f.begin(), f.end());
  }
  if (options) body.push_back(*options);
  return raw_packet(first, body);
}

/// Clears the retained message of `topic`.
void clear_retained(Ctx& c, Conn& conn, const std::string& topic) { c.publish(conn, topic, "", 0, true); }

}  // namespace

void subscribe_suback(Ctx& c) {
  Conn& conn = c.connect();
  auto codes = c.subscribe(conn, {opts(c, c.topic("s0"), 0), opts(c, c.topic("s1"), 1), opts(c, c.topic("s2"), 2)});
  for (std::size_t i = 0; i < codes.size(); ++i) {
    bool ok = codes[i] <= i || codes[i] >= 0x80;
    bool defined = codes[i] <= 2 || (c.v5() ? (codes[i] == 0x80 || codes[i] == 0x83 || codes[i] == 0x87 || codes[i] == 0x8F ||
                                                codes[i] == 0x91 || codes[i] == 0x97 || codes[i] == 0x9E || codes[i] == 0xA1 ||
                                                codes[i] == 0xA2)
                                             : codes[i] == 0x80);
    if (!defined) c.fail(fmt::format("SUBACK code 0x{:02x} is not a defined code", codes[i]));
    if (!ok) c.fail(fmt::format("SUBACK grants QoS {} for a request of QoS {} (or codes out of order)", codes[i], i));
    if (codes[i] >= 0x80) c.fail(fmt::format("the broker refused a plain subscription at QoS {} (0x{:02x})", i, codes[i]));
  }
  c.choose(fmt::format("granted {}", fmt::join(codes, ",")));
}

void subscribe_flags(Ctx& c) { refuse(c, raw_sub(c, 0x80, c.topic("f"), 0), "SUBSCRIBE with flags 0000", {0x81}); }
void subscribe_empty(Ctx& c) { refuse(c, raw_sub(c, 0x82, "", std::nullopt), "SUBSCRIBE without topic filters"); }
void subscribe_reserved_bits(Ctx& c) {
  refuse(c, raw_sub(c, 0x82, c.topic("r"), c.v5() ? 0xC0 : 0x04), "SUBSCRIBE options with reserved bits set", {0x81});
}
void subscribe_qos3(Ctx& c) { refuse(c, raw_sub(c, 0x82, c.topic("q3"), 0x03), "SUBSCRIBE asking for QoS 3", {0x82, 0x81}); }
void subscribe_bad_utf8(Ctx& c) {
  refuse(c, raw_sub(c, 0x82, c.topic("bad\xC3"), 0x00), "SUBSCRIBE filter with ill-formed UTF-8", {0x81});
}

void subscribe_bad_filter(Ctx& c) {
  Conn& conn = c.connect();
  Subscribe s;
  s.packet_id = c.pid();
  s.subscriptions = {opts(c, c.topic("#/x"), 0)};
  conn.send(s);
  Received r = c.next(conn);
  if (const auto* ack = r.as<Suback>()) {
    if (ack->reason_codes.size() != 1 || ack->reason_codes[0] < 0x80)
      c.fail("a topic filter with '#' before its last level was accepted [MQTT-4.7.1-1]");
    c.choose(fmt::format("SUBACK 0x{:02x}", ack->reason_codes[0]));
    return;
  }
  if (r.kind == Received::Kind::Closed) {
    c.choose("closed");
    return;
  }
  if (const auto* d = r.as<Disconnect>()) {
    c.choose(fmt::format("DISCONNECT 0x{:02x}", d->reason_code));
    c.expect_close(conn, "after DISCONNECT");
    return;
  }
  c.fail("an invalid topic filter got " + r.describe());
}

void subscribe_replace(Ctx& c) {
  std::string topic = c.topic("replace");
  Conn& conn = c.connect();
  c.subscribe_ok(conn, topic, 0);
  c.subscribe_ok(conn, topic, 1);
  Conn& pub = c.connect();
  c.publish(pub, topic, "x", 1);
  auto m = c.expect_publish(conn, "the message after re-subscribing at QoS 1");
  if (m.qos != 1) c.fail("the second SUBSCRIBE did not replace the first (message at QoS 0)");
  puback(conn, m);
  if (!Ctx::publishes(c.barrier(conn)).empty()) c.fail("the message was delivered twice: the subscription was added, not replaced");
}

void unsubscribe_flow(Ctx& c) {
  std::string topic = c.topic("unsub");
  Conn& conn = c.connect();
  c.subscribe_ok(conn, topic, 0);
  c.subscribe_ok(conn, topic + "/+", 0);
  Unsubscribe u;
  u.packet_id = 4242;
  u.filters = {c.keep(topic), c.keep(topic + "/x")};
  conn.send(u);
  auto ack = c.expect<Unsuback>(conn, "UNSUBSCRIBE");
  if (ack.packet_id != 4242) c.fail("UNSUBACK carries another packet identifier");
  if (c.v5()) {
    if (ack.reason_codes.size() != 2) c.fail("UNSUBACK needs one reason code per topic filter, in order");
    if (ack.reason_codes[0] != 0x00) c.fail(fmt::format("unsubscribing an existing subscription gave 0x{:02x}", ack.reason_codes[0]));
    if (ack.reason_codes[1] != 0x11 && ack.reason_codes[1] != 0x00)
      c.fail(fmt::format("unsubscribing a filter never subscribed gave 0x{:02x}", ack.reason_codes[1]));
    c.choose(fmt::format("no subscription: 0x{:02x}", ack.reason_codes[1]));
  }
  Conn& pub = c.connect();
  c.publish(pub, topic, "gone", 0);
  c.publish(pub, topic + "/x", "kept", 0);
  // "x" was compared character by character with "+": the subscription stays.
  auto m = c.expect_publish(conn, "the message on the remaining subscription");
  if (text_of(m) != "kept") c.fail("a message arrived on a subscription that was removed");
}

void unsubscribe_bad_utf8(Ctx& c) {
  refuse(c, raw_sub(c, 0xA2, c.topic("bad\xC3"), std::nullopt), "UNSUBSCRIBE filter with ill-formed UTF-8", {0x81});
}

void unsubscribe_in_flight(Ctx& c) {
  // A QoS 2 delivery under way when its subscription goes is still completed.
  std::string topic = c.topic("inflight");
  auto [sub, pub] = sub_and_pub(c, topic, 2);
  c.publish(pub, topic, "x", 2);
  auto m = c.expect_publish(sub, "the QoS 2 message");
  if (m.qos != 2) c.not_applicable("the broker granted less than QoS 2");
  Pubrec rec;
  rec.packet_id = m.packet_id;
  sub.send(rec);
  Unsubscribe u;
  u.packet_id = c.pid();
  u.filters = {c.keep(topic)};
  sub.send(u);
  bool released = false, unsubscribed = false;
  for (int i = 0; i < 4 && !(released && unsubscribed); ++i) {
    Received r = c.next(sub);
    if (const auto* rel = r.as<Pubrel>()) {
      if (rel->packet_id != m.packet_id) c.fail("PUBREL for another packet identifier");
      released = true;
      Pubcomp done;
      done.packet_id = rel->packet_id;
      sub.send(done);
    } else if (r.as<Unsuback>()) {
      unsubscribed = true;
    } else {
      c.fail("expected PUBREL and UNSUBACK, got " + r.describe());
    }
  }
  if (!released) c.fail("the QoS 2 delivery was abandoned when its subscription was removed");
  c.barrier(sub);
}

void unsubscribe_flags(Ctx& c) { refuse(c, raw_sub(c, 0xA0, c.topic("f"), std::nullopt), "UNSUBSCRIBE with flags 0000", {0x81}); }
void unsubscribe_empty(Ctx& c) { refuse(c, raw_sub(c, 0xA2, "", std::nullopt), "UNSUBSCRIBE without topic filters"); }

void retain_deliver(Ctx& c) {
  std::string topic = c.topic("ret");
  {
    Conn& pub = c.connect();
    c.publish(pub, topic, "kept", 1, true);
    c.disconnect(pub);  // its session ends; the retained message stays
  }
  Conn& sub = c.connect();
  c.subscribe_ok(sub, topic, 1);
  auto m = c.expect_publish(sub, "the retained message for a new subscription");
  if (!m.retain) c.fail("a retained message sent for a new subscription has RETAIN 0");
  if (text_of(m) != "kept") c.fail("the retained message changed");
  if (m.qos == 1) {
    puback(sub, m);
  }
  c.publish(sub, topic, "live", 0, true);
  auto live = c.expect_publish(sub, "a retained message on an established subscription");
  if (live.retain && !c.v5()) c.fail("a message for an established subscription was sent with RETAIN 1");
  if (live.retain && c.v5()) c.fail("RETAIN 1 forwarded on a subscription with Retain As Published 0");
  clear_retained(c, sub, topic);
}

void retain_replace_and_keep(Ctx& c) {
  std::string topic = c.topic("ret2");
  Conn& pub = c.connect();
  c.publish(pub, topic, "first", 1, true);
  c.publish(pub, topic, "second", 0, true);   // replaces
  c.publish(pub, topic, "not retained", 0, false);  // changes nothing
  c.barrier(pub);  // the broker has read all three before the subscription below
  Conn& sub = c.connect();
  c.subscribe_ok(sub, topic, 0);
  auto m = c.expect_publish(sub, "the retained message");
  if (text_of(m) != "second") c.fail(fmt::format("retained message '{}' instead of the last retained one", text_of(m)));
  if (!Ctx::publishes(c.barrier(sub)).empty()) c.fail("more than one retained message for one topic");
  clear_retained(c, pub, topic);
}

void retain_clear(Ctx& c) {
  std::string topic = c.topic("ret3");
  Conn& pub = c.connect();
  c.publish(pub, topic, "to clear", 0, true);
  Conn& live = c.connect();
  c.subscribe_ok(live, topic, 0);
  c.expect_publish(live, "the retained message");
  c.publish(pub, topic, "", 0, true);
  auto empty = c.expect_publish(live, "the zero-byte retained PUBLISH, forwarded as normal");
  if (!empty.payload.empty()) c.fail("the zero-byte message arrived with a payload");
  Conn& sub = c.connect();
  c.subscribe_ok(sub, topic, 0);
  if (!Ctx::publishes(c.barrier(sub)).empty()) c.fail("a zero-byte retained message did not remove the retained message, or was stored");
}

}  // namespace mq::conform::checks
