// Checks of what else MQTT 5.0 added: properties, topic aliases, flow
// control, packet size limits, CONNACK capabilities and AUTH.

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "conform/checks.hpp"
#include "conform/helpers.hpp"

namespace mq::conform::checks {

namespace {

/// User Properties with a repeated key, in an order that sorting would change.
const Property kUserProperties[] = {{PropertyId::UserProperty, 0, "k", "2"},
                                    {PropertyId::UserProperty, 0, "a", "1"},
                                    {PropertyId::UserProperty, 0, "k", "1"}};

/// Fails unless `m` carries kUserProperties unaltered and in order.
void check_user_properties(Ctx& c, const Publish& m, std::string_view whose) {
  std::vector<std::string> users;
  for (const auto& p : m.properties)
    if (p.id == PropertyId::UserProperty) users.push_back(fmt::format("{}={}", p.name, p.value));
  if (users != std::vector<std::string>{"k=2", "a=1", "k=1"})
    c.fail(fmt::format("{} User Properties arrived as [{}], sent as [k=2, a=1, k=1]", whose, fmt::join(users, ", ")));
}

/// A QoS 0 PUBLISH on this check's topic "x" carrying `property`.
Publish publish_with(Ctx& c, Property property) {
  Publish p;
  p.topic = c.keep(c.topic("x"));
  p.properties = {property};
  return p;
}

}  // namespace

void v5_publish_with_subscription_id(Ctx& c) {
  refuse(c, encode(publish_with(c, num_prop(PropertyId::SubscriptionIdentifier, 3)), c.version),
         "PUBLISH from a client with a Subscription Identifier", {0x81, 0x82});
}

void v5_topic_alias(Ctx& c) {
  std::string topic = c.topic("alias");
  auto [sub, pub] = sub_and_pub(c, topic, 0);
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
  if (max->number >= 65535) return;  // no alias lies above 65535: resolving is all there is to check
  p.properties = {num_prop(PropertyId::TopicAlias, max->number + 1u)};
  p.topic = c.keep(topic);
  pub.send(p);
  c.choose(c.expect_close(pub, "a Topic Alias above the broker's maximum", {0x94}));
}

void v5_topic_alias_zero(Ctx& c) {
  // The specification forbids alias 0 without naming the error or its code.
  refuse(c, encode(publish_with(c, num_prop(PropertyId::TopicAlias, 0)), c.version), "Topic Alias 0");
}

void v5_properties_forwarded(Ctx& c) {
  std::string topic = c.topic("props");
  auto [sub, pub] = sub_and_pub(c, topic, 0);
  Properties props = {num_prop(PropertyId::PayloadFormatIndicator, 1), str_prop(PropertyId::ContentType, "text/plain; x=1"),
           str_prop(PropertyId::ResponseTopic, c.keep(topic + "/reply")), str_prop(PropertyId::CorrelationData, std::string_view("\x01\x02\x00z", 4)),
           kUserProperties[0], kUserProperties[1], kUserProperties[2]};
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
  check_user_properties(c, m, "the message's");
}

void v5_will_user_properties(Ctx& c) {
  std::string topic = c.topic("will-props");
  Conn& obs = c.connect();
  c.subscribe_ok(obs, topic, 0);
  ConnectSpec spec;
  spec.will = Will{};
  spec.will->topic = c.keep(topic);
  spec.will->payload = as_bytes(c.keep("gone"));
  spec.will->properties = {kUserProperties[0], kUserProperties[1], kUserProperties[2],
                           str_prop(PropertyId::ContentType, "text/x")};
  Conn& dying = c.connect(spec);
  dying.drop();
  auto will = c.expect_publish(obs, "the will");
  check_user_properties(c, will, "the will's");
  const auto* type = find(will.properties, PropertyId::ContentType);
  if (!type || type->value != "text/x") c.fail("the will's Content Type was not forwarded");
}

void v5_user_property_bad_utf8(Ctx& c) {
  Property u;
  u.id = PropertyId::UserProperty;
  u.name = "key";
  u.value = c.keep("bad\xC0\xAF");
  refuse(c, encode(publish_with(c, u), c.version), "a User Property value with ill-formed UTF-8", {0x81});
}

void v5_topic_alias_per_connection(Ctx& c) {
  ConnectSpec spec;
  spec.client_id = c.client_id(5);
  Conn& first = c.connect(spec);
  const auto* max = find(c.last_connack().properties, PropertyId::TopicAliasMaximum);
  if (!max || max->number == 0) c.not_applicable("the broker accepts no topic aliases (Topic Alias Maximum 0)");
  Publish p;
  p.topic = c.keep(c.topic("alias"));
  p.properties = {num_prop(PropertyId::TopicAlias, 1)};
  first.send(p);
  c.disconnect(first);
  Conn& second = c.connect(spec);
  p.topic = {};  // alias 1 was set on the other connection only
  second.send(p);
  c.choose(c.expect_close(second, "a topic alias set on an earlier connection", {0x82, 0x94}));
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
    puback(sub, m);
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
  Auth a;
  a.reason_code = 0x19;
  refuse(c, encode(a, c.version), "AUTH on a connection without an Authentication Method", {0x82});
}

void v5_property_not_allowed(Ctx& c) {
  // Session Expiry Interval belongs to CONNECT, CONNACK and DISCONNECT.
  refuse(c, encode(publish_with(c, num_prop(PropertyId::SessionExpiryInterval, 10)), c.version),
         "PUBLISH with a Session Expiry Interval", {0x81});
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
