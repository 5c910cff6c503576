// Checks of MQTT 5.0 subscriptions: retain handling, Retain As Published,
// No Local, subscription identifiers and shared subscriptions.

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "conform/checks.hpp"
#include "conform/helpers.hpp"

namespace mq::conform::checks {

void v5_retain_handling(Ctx& c) {
  std::string topic = c.topic("rh");
  Conn& conn = c.connect();
  c.publish(conn, topic, "retained", 0, true);
  require_ok(c, c.subscribe(conn, {opts(c, topic, 0, 1)}));  // new: sent
  if (text_of(c.expect_publish(conn, "the retained message (Retain Handling 1, new subscription)")) != "retained")
    c.fail("wrong retained message");
  require_ok(c, c.subscribe(conn, {opts(c, topic, 0, 1)}));  // existed: not sent
  if (!Ctx::publishes(c.barrier(conn)).empty()) c.fail("Retain Handling 1 re-sent retained messages for an existing subscription");
  require_ok(c, c.subscribe(conn, {opts(c, topic, 0, 0)}));  // 0: always sent
  c.expect_publish(conn, "the retained message (Retain Handling 0, existing subscription)");
  Conn& other = c.connect();
  require_ok(c, c.subscribe(other, {opts(c, topic, 0, 2)}));  // 2: never
  if (!Ctx::publishes(c.barrier(other)).empty()) c.fail("Retain Handling 2 sent retained messages");
  c.publish(conn, topic, "", 0, true);
}

void v5_retain_as_published(Ctx& c) {
  std::string topic = c.topic("rap");
  Conn& sub = c.connect();
  require_ok(c, c.subscribe(sub, {opts(c, topic, 0, 0, true)}));
  Conn& pub = c.connect();
  c.publish(pub, topic, "r", 0, true);
  if (!c.expect_publish(sub, "the message with RETAIN 1").retain) c.fail("Retain As Published 1 forwarded RETAIN 0");
  c.publish(pub, topic, "n", 0, false);
  if (c.expect_publish(sub, "the message with RETAIN 0").retain) c.fail("Retain As Published 1 forwarded RETAIN 1 for RETAIN 0");
  c.publish(pub, topic, "", 0, true);
}

void v5_no_local(Ctx& c) {
  std::string topic = c.topic("nl");
  Conn& conn = c.connect();
  require_ok(c, c.subscribe(conn, {opts(c, topic, 0, 0, false, true)}));
  c.publish(conn, topic, "own", 0);
  if (!Ctx::publishes(c.barrier(conn)).empty()) c.fail("No Local 1: the client received its own message");
}

void v5_shared_no_local(Ctx& c) {
  Conn& conn = c.connect();
  Subscribe s;
  s.packet_id = c.pid();
  s.subscriptions = {opts(c, "$share/g/" + c.topic("x"), 0, 0, false, true)};
  conn.send(s);
  Received r = c.next(conn);
  if (const auto* ack = r.as<Suback>()) {
    if (ack->reason_codes.empty() || ack->reason_codes[0] < 0x80) c.fail("No Local on a shared subscription was accepted");
    c.choose(fmt::format("SUBACK 0x{:02x}", ack->reason_codes[0]));
    return;
  }
  if (const auto* d = r.as<Disconnect>()) {
    // A Protocol Error by the text; mosquitto reads it as malformed (0x81).
    if (d->reason_code != 0x82 && d->reason_code != 0x81)
      c.fail(fmt::format("DISCONNECT 0x{:02x}, expected 0x82 (protocol error) or 0x81", d->reason_code));
    c.choose(fmt::format("DISCONNECT 0x{:02x}", d->reason_code));
    return;
  }
  if (r.kind == Received::Kind::Closed) {
    c.choose("closed");
    return;
  }
  c.fail("No Local on a shared subscription: got " + r.describe());
}

void v5_subscription_ids(Ctx& c) {
  std::string base = c.topic("sid");
  Conn& sub = c.connect();
  require_ok(c, c.subscribe(sub, {opts(c, base + "/+", 0)}, {num_prop(PropertyId::SubscriptionIdentifier, 7)}));
  require_ok(c, c.subscribe(sub, {opts(c, base + "/a", 0)}, {num_prop(PropertyId::SubscriptionIdentifier, 9)}));
  Conn& pub = c.connect();
  c.publish(pub, base + "/a", "x", 0);
  c.publish(pub, base + "/a", "marker", 0);
  std::vector<std::uint32_t> ids;
  std::size_t copies = 0;
  for (int i = 0; i < 4; ++i) {
    auto m = c.expect_publish(sub, "the message on two subscriptions with identifiers");
    if (text_of(m) == "marker") break;
    ++copies;
    for (const auto& p : m.properties)
      if (p.id == PropertyId::SubscriptionIdentifier) ids.push_back(p.number);
  }
  std::sort(ids.begin(), ids.end());
  if (ids != std::vector<std::uint32_t>{7, 9}) c.fail(fmt::format("the copies carried subscription identifiers [{}], expected 7 and 9", fmt::join(ids, ",")));
  c.choose(copies == 1 ? "one copy with both identifiers" : fmt::format("{} copies", copies));
}

void v5_subscription_id_zero(Ctx& c) {
  Conn& conn = c.connect();
  Subscribe s;
  s.packet_id = c.pid();
  s.subscriptions = {opts(c, c.topic("z"), 0)};
  s.properties = {num_prop(PropertyId::SubscriptionIdentifier, 0)};
  conn.send(s);
  c.choose(c.expect_close(conn, "SUBSCRIBE with Subscription Identifier 0", {0x81, 0x82}));
}

void v5_shared_delivery(Ctx& c) {
  std::string topic = c.topic("shared");
  std::string filter = "$share/g" + std::to_string(c.pid()) + "/" + topic;
  Conn& a = c.connect();
  c.subscribe_ok(a, filter, 1);
  Conn& b = c.connect();
  c.subscribe_ok(b, filter, 0);
  c.subscribe_ok(b, topic, 0);  // b also has a non-shared subscription: it gets its own copy of each
  Conn& pub = c.connect();
  for (int i = 0; i < 4; ++i) c.publish(pub, topic, std::to_string(i), 1);
  auto from_a = Ctx::publishes(c.barrier(a));
  for (const auto& m : from_a) {
    if (m.qos != 1) c.fail("a shared subscription granted QoS 1 delivered at another QoS");
    puback(a, m);
  }
  auto from_b = Ctx::publishes(c.barrier(b));
  std::size_t shared_b = 0, own_b = 0;
  for (const auto& m : from_b) {
    if (m.qos != 0) c.fail("a subscription granted QoS 0 delivered at QoS 1");
    (void)m;
  }
  // b's copies: 4 from its own subscription plus its share of the group's.
  if (from_b.size() < 4) c.fail(fmt::format("the client with a shared and a non-shared subscription got {} copies of 4 messages", from_b.size()));
  own_b = 4;
  shared_b = from_b.size() - own_b;
  if (from_a.size() + shared_b != 4)
    c.fail(fmt::format("the shared group received {} copies of 4 messages", from_a.size() + shared_b));
  c.choose(fmt::format("split {}+{}", from_a.size(), shared_b));
}

void v5_shared_refused_not_resent(Ctx& c) {
  // A member answering PUBACK 0x80 ends the message: no other member gets it.
  std::string topic = c.topic("shared-refused");
  std::string filter = "$share/r" + std::to_string(c.pid()) + "/" + topic;
  Conn& a = c.connect();
  c.subscribe_ok(a, filter, 1);
  Conn& b = c.connect();
  c.subscribe_ok(b, filter, 1);
  Conn& pub = c.connect();
  c.publish(pub, topic, "once", 1);
  auto from_a = Ctx::publishes(c.barrier(a));
  Conn& got = from_a.empty() ? b : a;
  Conn& other = from_a.empty() ? a : b;
  Publish m = from_a.empty() ? c.expect_publish(b, "the message for one member") : from_a.front();
  Puback no;
  no.packet_id = m.packet_id;
  no.reason_code = 0x80;
  got.send(no);
  c.barrier(got);
  if (!Ctx::publishes(c.barrier(other)).empty())
    c.fail("a message refused with PUBACK 0x80 by one shared subscriber was sent to another");
}

void v5_shared_bad_filter(Ctx& c) {
  Conn& conn = c.connect();
  Subscription s;
  s.filter = c.keep("$share/g+x/" + c.topic("t"));
  Subscribe sub;
  sub.packet_id = c.pid();
  sub.subscriptions = {s};
  conn.send(sub);
  Received r = c.next(conn);
  if (const auto* ack = r.as<Suback>()) {
    if (ack->reason_codes.empty() || ack->reason_codes[0] < 0x80) c.fail("a ShareName with '+' was accepted");
    c.choose(fmt::format("SUBACK 0x{:02x}", ack->reason_codes[0]));
    return;
  }
  if (r.kind == Received::Kind::Closed || r.as<Disconnect>()) {
    c.choose(r.kind == Received::Kind::Closed ? "closed" : "DISCONNECT");
    return;
  }
  c.fail("an invalid shared subscription got " + r.describe());
}

}  // namespace mq::conform::checks
