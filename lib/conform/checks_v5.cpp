// Checks of what MQTT 5.0 added: subscription options, properties, topic
// aliases, flow control, packet size limits, shared subscriptions, AUTH.

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "conform/checks.hpp"

namespace mq::conform::checks {

namespace {

std::string_view text_of(const Publish& p) {
  return {reinterpret_cast<const char*>(p.payload.data()), p.payload.size()};
}

Subscription opts(Ctx& c, const std::string& filter, QoS qos, std::uint8_t rh = 0, bool rap = false, bool nl = false) {
  Subscription s;
  s.filter = c.keep(filter);
  s.qos = qos;
  s.retain_handling = rh;
  s.retain_as_published = rap;
  s.no_local = nl;
  return s;
}

void require_ok(Ctx& c, const std::vector<std::uint8_t>& codes) {
  for (auto code : codes)
    if (code >= 0x80) c.not_applicable(fmt::format("the broker refused the subscription (0x{:02x})", code));
}

ConnectSpec with(std::initializer_list<Property> props) {
  ConnectSpec s;
  s.properties = props;
  return s;
}

}  // namespace

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
    if (d->reason_code != 0x82) c.fail(fmt::format("DISCONNECT 0x{:02x}, expected 0x82 (protocol error)", d->reason_code));
    c.choose("DISCONNECT 0x82");
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

void v5_publish_with_subscription_id(Ctx& c) {
  Conn& conn = c.connect();
  Publish p;
  p.topic = c.keep(c.topic("x"));
  p.properties = {num_prop(PropertyId::SubscriptionIdentifier, 3)};
  conn.send(p);
  c.choose(c.expect_close(conn, "PUBLISH from a client with a Subscription Identifier", {0x81, 0x82}));
}

void v5_topic_alias(Ctx& c) {
  std::string topic = c.topic("alias");
  Conn& sub = c.connect();
  c.subscribe_ok(sub, topic, 0);
  Conn& pub = c.connect();
  const auto* max = find(c.last_connack().properties, PropertyId::TopicAliasMaximum);
  if (!max || max->number == 0) c.not_applicable("the broker accepts no topic aliases (Topic Alias Maximum 0)");
  Publish p;
  p.topic = c.keep(topic);
  p.payload = as_bytes(c.keep("set"));
  p.properties = {num_prop(PropertyId::TopicAlias, max->number)};
  pub.send(p);
  p.topic = {};
  p.payload = as_bytes(c.keep("used"));
  pub.send(p);
  auto a = c.expect_publish(sub, "the message that set the alias");
  auto b = c.expect_publish(sub, "the message that used the alias");
  if (b.topic != topic || text_of(b) != "used") c.fail("a topic alias within the maximum was not resolved");
  (void)a;
  p.properties = {num_prop(PropertyId::TopicAlias, max->number + 1u)};
  p.topic = c.keep(topic);
  pub.send(p);
  c.choose(c.expect_close(pub, "a Topic Alias above the broker's maximum", {0x94}));
}

void v5_topic_alias_zero(Ctx& c) {
  Conn& conn = c.connect();
  Publish p;
  p.topic = c.keep(c.topic("a0"));
  p.properties = {num_prop(PropertyId::TopicAlias, 0)};
  conn.send(p);
  // The specification forbids alias 0 without naming the error or its code.
  c.choose(c.expect_close(conn, "Topic Alias 0"));
}

void v5_properties_forwarded(Ctx& c) {
  std::string topic = c.topic("props");
  Conn& sub = c.connect();
  c.subscribe_ok(sub, topic, 0);
  Conn& pub = c.connect();
  Properties props;
  Property u1, u2, u3;
  u1.id = u2.id = u3.id = PropertyId::UserProperty;
  u1.name = "k";
  u1.value = "2";
  u2.name = "a";
  u2.value = "1";
  u3.name = "k";
  u3.value = "1";
  props = {num_prop(PropertyId::PayloadFormatIndicator, 1), str_prop(PropertyId::ContentType, "text/plain; x=1"),
           str_prop(PropertyId::ResponseTopic, c.keep(topic + "/reply")), str_prop(PropertyId::CorrelationData, std::string_view("\x01\x02\x00z", 4)),
           u1, u2, u3};
  c.publish(pub, topic, "p", 0, false, props);
  auto m = c.expect_publish(sub, "the message with properties");
  auto get = [&](PropertyId id) { return find(m.properties, id); };
  if (!get(PropertyId::PayloadFormatIndicator) || get(PropertyId::PayloadFormatIndicator)->number != 1)
    c.fail("Payload Format Indicator not forwarded unaltered");
  if (!get(PropertyId::ContentType) || get(PropertyId::ContentType)->value != "text/plain; x=1")
    c.fail("Content Type not forwarded unaltered");
  if (!get(PropertyId::ResponseTopic) || get(PropertyId::ResponseTopic)->value != topic + "/reply")
    c.fail("Response Topic not forwarded unaltered");
  if (!get(PropertyId::CorrelationData) || get(PropertyId::CorrelationData)->value != std::string_view("\x01\x02\x00z", 4))
    c.fail("Correlation Data not forwarded unaltered");
  std::vector<std::string> users;
  for (const auto& p : m.properties)
    if (p.id == PropertyId::UserProperty) users.push_back(fmt::format("{}={}", p.name, p.value));
  if (users != std::vector<std::string>{"k=2", "a=1", "k=1"})
    c.fail(fmt::format("User Properties forwarded as [{}], sent as [k=2, a=1, k=1]", fmt::join(users, ", ")));
}

void v5_message_expiry(Ctx& c) {
  std::string topic = c.topic("expiry");
  Conn& pub = c.connect();
  c.publish(pub, topic, "expiring", 0, true, {num_prop(PropertyId::MessageExpiryInterval, 100)});
  Conn& sub = c.connect();
  c.subscribe_ok(sub, topic, 0);
  auto m = c.expect_publish(sub, "the retained message with a Message Expiry Interval");
  const auto* e = find(m.properties, PropertyId::MessageExpiryInterval);
  if (!e) c.fail("the Message Expiry Interval was dropped");
  if (e->number == 0 || e->number > 100)
    c.fail(fmt::format("Message Expiry Interval {} forwarded for 100 s minus the time waited", e->number));
  c.publish(pub, topic, "", 0, true);
}

void v5_maximum_packet_size(Ctx& c) {
  std::string topic = c.topic("mps");
  ConnectSpec spec = with({num_prop(PropertyId::MaximumPacketSize, 128)});
  Conn& sub = c.connect(spec);
  c.subscribe_ok(sub, topic, 0);
  Conn& pub = c.connect();
  // PUBLISH size: 2 (header) + 2 + topic + 1 (property length) + payload.
  std::size_t fixed = 2 + 2 + topic.size() + 1;
  c.publish(pub, topic, std::string(129 - fixed, 'b'), 0);  // 129 bytes: one over
  c.publish(pub, topic, std::string(128 - fixed, 's'), 0);  // exactly 128: allowed
  auto m = c.expect_publish(sub, "the message that fits the Maximum Packet Size");
  if (m.payload.size() != 128 - fixed) c.fail("the packet over the Maximum Packet Size was not discarded");
}

void v5_receive_maximum(Ctx& c) {
  std::string topic = c.topic("rm");
  Conn& sub = c.connect(with({num_prop(PropertyId::ReceiveMaximum, 2)}));
  c.subscribe_ok(sub, topic, 1);
  Conn& pub = c.connect();
  for (int i = 0; i < 4; ++i) c.publish(pub, topic, std::to_string(i), 1);
  c.barrier(pub);
  auto first = Ctx::publishes(c.barrier(sub));  // PINGRESP must not wait for the quota
  std::vector<std::uint16_t> ids;
  for (const auto& m : first) ids.push_back(m.packet_id);
  while (first.size() < 2) {
    first.push_back(c.expect_publish(sub, "the first two messages"));
    ids.push_back(first.back().packet_id);
  }
  if (first.size() > 2) c.fail(fmt::format("{} QoS 1 messages in flight to a client with Receive Maximum 2", first.size()));
  if (!Ctx::publishes(c.barrier(sub)).empty()) c.fail("more than Receive Maximum messages in flight");
  for (auto id : ids) {
    Puback a;
    a.packet_id = id;
    sub.send(a);
  }
  for (int i = 2; i < 4; ++i) {
    auto m = c.expect_publish(sub, "the remaining messages once the quota returned");
    Puback a;
    a.packet_id = m.packet_id;
    sub.send(a);
  }
}

void v5_problem_information(Ctx& c) {
  Conn& conn = c.connect(with({num_prop(PropertyId::RequestProblemInformation, 0)}));
  // Answers that often carry a Reason String: an unknown unsubscription, a message nobody reads.
  c.subscribe(conn, {opts(c, c.topic("y"), 2)});
  Unsubscribe u;
  u.packet_id = c.pid();
  u.filters = {c.keep(c.topic("never"))};
  conn.send(u);
  c.expect<Unsuback>(conn, "UNSUBSCRIBE");
  Publish p;
  p.topic = c.keep(c.topic("x"));
  p.qos = 1;
  p.packet_id = c.pid();
  conn.send(p);
  c.expect<Puback>(conn, "PUBLISH QoS 1");
}

void v5_response_information(Ctx& c) {
  c.connect(with({num_prop(PropertyId::RequestResponseInformation, 0)}));
  if (find(c.last_connack().properties, PropertyId::ResponseInformation))
    c.fail("Response Information sent although Request Response Information was 0");
  c.connect();
  if (find(c.last_connack().properties, PropertyId::ResponseInformation))
    c.fail("Response Information sent although the client did not ask for it");
}

void v5_unknown_auth_method(Ctx& c) {
  ConnectSpec spec = with({str_prop(PropertyId::AuthenticationMethod, "MQCONF-NO-SUCH-METHOD")});
  Conn& conn = c.open();
  conn.auth_method = true;
  conn.send(c.connect_packet(spec));
  Received r = c.next(conn);
  if (const auto* a = r.as<Connack>()) {
    if (a->reason_code == 0) c.fail("an unknown Authentication Method was accepted");
    if (a->reason_code != 0x8C && a->reason_code != 0x87)
      c.fail(fmt::format("unknown Authentication Method refused with 0x{:02x}, expected 0x8C or 0x87", a->reason_code));
    c.choose(fmt::format("CONNACK 0x{:02x}", a->reason_code));
    if (c.next(conn).kind != Received::Kind::Closed) c.fail("the connection stayed open after refusing it");
    return;
  }
  if (r.kind == Received::Kind::Closed) {
    c.choose("closed");
    return;
  }
  c.fail("unknown Authentication Method: got " + r.describe());
}

void v5_auth_without_method(Ctx& c) {
  Conn& conn = c.connect();
  Auth a;
  a.reason_code = 0x19;
  conn.send(a);
  c.choose(c.expect_close(conn, "AUTH on a connection without an Authentication Method", {0x82}));
}

void v5_property_not_allowed(Ctx& c) {
  Conn& conn = c.connect();
  Publish p;
  p.topic = c.keep(c.topic("x"));
  p.properties = {num_prop(PropertyId::SessionExpiryInterval, 10)};  // a CONNECT/CONNACK/DISCONNECT property
  conn.send(p);
  c.choose(c.expect_close(conn, "PUBLISH with a Session Expiry Interval", {0x81}));
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
    Puback ack;
    ack.packet_id = m.packet_id;
    a.send(ack);
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

void v5_maximum_qos(Ctx& c) {
  if (c.caps.max_qos >= 2) c.not_applicable("the broker supports QoS 2");
  Conn& conn = c.connect();
  auto codes = c.subscribe(conn, {opts(c, c.topic("mq"), 2)});  // must still be accepted
  if (codes[0] >= 0x80) c.fail("a SUBSCRIBE asking for QoS 2 was refused by a broker with a lower Maximum QoS");
  Publish p;
  p.topic = c.keep(c.topic("mq"));
  p.qos = static_cast<QoS>(c.caps.max_qos + 1);
  p.packet_id = c.pid();
  conn.send(p);
  c.choose(c.expect_close(conn, "PUBLISH above the Maximum QoS", {0x9B}));
}

void v5_will_qos_over_maximum(Ctx& c) {
  if (c.caps.max_qos >= 2) c.not_applicable("the broker supports QoS 2");
  ConnectSpec spec;
  spec.will = Will{};
  spec.will->topic = c.keep(c.topic("w"));
  spec.will->qos = 2;
  Conn& conn = c.open();
  conn.send(c.connect_packet(spec));
  c.choose(c.expect_close(conn, "a will at QoS 2 above the Maximum QoS", {}, true));
}

void v5_will_retain_unavailable(Ctx& c) {
  if (c.caps.retain) c.not_applicable("the broker supports retained messages");
  ConnectSpec spec;
  spec.will = Will{};
  spec.will->topic = c.keep(c.topic("w"));
  spec.will->retain = true;
  Conn& conn = c.open();
  conn.send(c.connect_packet(spec));
  c.choose(c.expect_close(conn, "a retained will on a broker without retained messages", {}, true));
}

void v5_topic_alias_client_limit(Ctx& c) {
  // Aliases are checked on every packet received (Ctx::next): none to the
  // first client (no Topic Alias Maximum), at most 2 to the second.
  std::string base = c.topic("tam");
  Conn& none = c.connect();
  c.subscribe_ok(none, base + "/#", 0);
  Conn& two = c.connect(with({num_prop(PropertyId::TopicAliasMaximum, 2)}));
  c.subscribe_ok(two, base + "/#", 0);
  Conn& pub = c.connect();
  for (int round = 0; round < 2; ++round)
    for (int t = 0; t < 4; ++t) c.publish(pub, base + "/" + std::to_string(t), "x", 0);
  for (int i = 0; i < 8; ++i) c.expect_publish(none, "the messages on four topics");
  std::size_t aliased = 0;
  for (int i = 0; i < 8; ++i)
    if (find(c.expect_publish(two, "the messages on four topics").properties, PropertyId::TopicAlias)) ++aliased;
  c.choose(aliased ? fmt::format("{} of 8 aliased", aliased) : "no aliases");
}

}  // namespace mq::conform::checks
