// Maximum QoS, retained messages, wildcard and shared subscriptions,
// subscription identifiers and $SYS: each asked with a subscription and a
// message that must arrive, not read from CONNACK alone.

#include <fmt/format.h>

#include "probe/prober.hpp"

namespace mq::probe {

namespace {

constexpr std::string_view kPayload = "mqbench probe";

ByteView payload(std::string_view s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

/// A QoS 0 PUBLISH of the probe payload.
void send_qos0(Link& link, std::string_view topic, bool retain = false, std::string_view body = kPayload) {
  Publish pub;
  pub.topic = topic;
  pub.retain = retain;
  pub.payload = payload(body);
  link.send(pub);
}

/// Completes an accepted QoS 2 PUBLISH (PUBREL, then PUBCOMP).
void release(Prober& p, Link& link, std::uint16_t id) {
  link.send(Pubrel{id, 0, {}, TailForm::Shortest});
  Received r;
  p.await(link, [id](const Packet& pk) { return std::holds_alternative<Pubcomp>(pk) && std::get<Pubcomp>(pk).packet_id == id; }, r);
}

/// Subscribes `filter`, publishes on `topic` from a second client and says
/// whether the message came: yes, no (refused or not delivered), unknown.
struct Delivery {
  Answer suback;
  bool delivered = false;
  std::string text;
};

Delivery subscribe_and_deliver(Prober& p, std::string_view filter, std::string_view topic, const Properties& props = {},
                               Received* got = nullptr) {
  Delivery d;
  auto sub = p.client("sub");
  auto pub = p.client("pub");
  if (!sub || !pub) {
    d.text = "a probe connection was refused";
    return d;
  }
  d.suback = p.subscribe(*sub, filter, 0, props);
  if (d.suback.kind != Answer::Ok) {
    d.text = fmt::format("'{}': {}", filter, d.suback.text());
    return d;
  }
  send_qos0(*pub, topic);
  Received r;
  d.delivered = p.receive(*sub, topic, r);
  d.text = fmt::format("'{}': {}, message on '{}' {}", filter, d.suback.text(), topic,
                       d.delivered ? "delivered" : "not delivered");
  if (got) *got = std::move(r);
  p.close(sub);
  p.close(pub);
  return d;
}

/// Yes when delivered, no when refused, unknown when nothing answered.
void add_delivery(Prober& p, const char* key, const char* label, const Delivery& d) {
  if (!d.suback.answered()) {
    p.report.add(key, label, Status::Unknown, {}, d.text.empty() ? d.suback.text() : d.text);
    return;
  }
  p.report.measured(key, label, d.delivered, d.text);
}

std::string topic_of(Prober& p, std::string_view tag) { return p.topic(tag); }

void probe_maximum_qos(Prober& p) {
  const std::string t = topic_of(p, "qos");
  auto sub = p.client("qos-sub");
  if (!sub) return p.report.add("maximum_qos", "Maximum QoS", Status::Unknown, {}, "the subscriber was refused");
  const Answer granted = p.subscribe(*sub, t, 2);
  std::string detail = fmt::format("SUBACK for a QoS 2 subscription: {}", granted.text());
  int accepted = -1;
  bool unknown = false;
  for (QoS q = 2; q >= 1 && accepted < 0; --q) {
    auto pub = p.client("qos-pub");
    if (!pub) break;
    Publish m;
    m.topic = t;
    m.qos = q;
    m.packet_id = p.packet_id();
    m.payload = payload(kPayload);
    const Answer a = p.publish(*pub, m);
    detail += fmt::format("; QoS {} PUBLISH: {}", q, a.text());
    if (a.kind == Answer::Ok) {
      accepted = q;
      if (q == 2) release(p, *pub, m.packet_id);
    } else if (!a.answered()) {
      unknown = true;
      break;
    }
    p.close(pub);
  }
  if (accepted < 0 && !unknown) accepted = 0;
  if (unknown || granted.kind != Answer::Ok) {
    p.report.add("maximum_qos", "Maximum QoS", Status::Unknown, {}, detail);
  } else {
    const int best = std::min<int>(accepted, granted.code);
    p.report.measured("maximum_qos", "Maximum QoS", std::int64_t{best}, detail);
  }
  p.close(sub);
}

void probe_retain(Prober& p) {
  const std::string t = topic_of(p, "retain");
  auto pub = p.client("retain-pub");
  if (!pub) return p.report.add("retain_available", "Retained messages", Status::Unknown, {}, "a probe connection was refused");
  // At QoS 1 the broker's answer comes back; a broker that takes only
  // QoS 0 gets the retained message at QoS 0 and is judged by delivery.
  const auto* qos = p.report.find("maximum_qos");
  const bool qos0_only = qos && std::holds_alternative<std::int64_t>(qos->value) && std::get<std::int64_t>(qos->value) == 0;
  Publish m;
  m.topic = t;
  m.qos = qos0_only ? 0 : 1;
  m.retain = true;
  m.packet_id = qos0_only ? 0 : p.packet_id();
  m.payload = payload(kPayload);
  Answer a{Answer::Ok, 0, "no ack at QoS 0"};
  if (qos0_only) pub->send(m);
  else a = p.publish(*pub, m);
  std::string detail = fmt::format("retained QoS {} PUBLISH: {}", m.qos, qos0_only ? std::string("sent") : a.text());
  if (a.kind != Answer::Ok) {
    p.report.add("retain_available", "Retained messages", a.answered() ? Status::Measured : Status::Unknown,
                 a.answered() ? Value{false} : Value{}, detail);
    return;
  }
  auto sub = p.client("retain-sub");
  bool got = false;
  if (sub && p.subscribe(*sub, t, 1).kind == Answer::Ok) {
    Received r;
    got = p.receive(*sub, t, r) && std::get<Publish>(r.packet).retain;
  }
  detail += got ? "; a new subscriber got it with the retain flag" : "; a new subscriber did not get it";
  p.report.measured("retain_available", "Retained messages", got, detail);
  // Leave nothing behind: an empty retained message clears the topic.
  send_qos0(*pub, t, true, "");
  p.close(sub);
  p.close(pub);
}

void probe_wildcards(Prober& p) {
  const std::string base = topic_of(p, "wild");
  const Delivery plus = subscribe_and_deliver(p, base + "/+", base + "/a");
  const Delivery hash = subscribe_and_deliver(p, base + "/#", base + "/a/b");
  Delivery both;
  both.suback = !plus.suback.answered() ? plus.suback : hash.suback;
  both.delivered = plus.delivered && hash.delivered;
  both.text = plus.text + "; " + hash.text;
  add_delivery(p, "wildcard_subscriptions", "Wildcard subscriptions", both);
}

void probe_shared(Prober& p) {
  const std::string t = topic_of(p, "shared");
  add_delivery(p, "shared_subscriptions", "Shared subscriptions", subscribe_and_deliver(p, "$share/mqprobe/" + t, t));
}

void probe_subscription_ids(Prober& p) {
  if (!p.v5()) {
    p.report.add("subscription_identifiers", "Subscription identifiers", Status::NotApplicable, {}, "MQTT 5.0 only");
    return;
  }
  const std::string t = topic_of(p, "subid");
  Properties props{Property{PropertyId::SubscriptionIdentifier, 7, {}, {}}};
  Received got;
  Delivery d = subscribe_and_deliver(p, t, t, props, &got);
  if (d.delivered) {
    const auto* id = find(std::get<Publish>(got.packet).properties, PropertyId::SubscriptionIdentifier);
    d.delivered = id && id->number == 7;
    d.text += d.delivered ? " with Subscription Identifier 7" : " without the Subscription Identifier";
  }
  add_delivery(p, "subscription_identifiers", "Subscription identifiers", d);
}

void probe_sys(Prober& p) {
  auto sub = p.client("sys");
  if (!sub) return p.report.add("sys_topics", "$SYS topics", Status::Unknown, {}, "a probe connection was refused");
  const Answer a = p.subscribe(*sub, "$SYS/#", 0);
  if (a.kind != Answer::Ok) {
    p.report.add("sys_topics", "$SYS topics", a.answered() ? Status::Measured : Status::Unknown,
                 a.answered() ? Value{false} : Value{}, "'$SYS/#': " + a.text());
    return;
  }
  Received r;
  const Outcome o = p.await(
      *sub, [](const Packet& pk) { return std::holds_alternative<Publish>(pk) && std::get<Publish>(pk).topic.starts_with("$SYS/"); }, r);
  if (o == Outcome::Packet && std::holds_alternative<Publish>(r.packet))
    p.report.measured("sys_topics", "$SYS topics", true,
                      fmt::format("'$SYS/#': {}, first message on '{}'", a.text(), std::get<Publish>(r.packet).topic));
  else
    p.report.measured("sys_topics", "$SYS topics", false,
                      fmt::format("'$SYS/#': {}, no message within {} ms", a.text(), p.config().wait.count()));
  p.close(sub);
}

}  // namespace

void probe_features(Prober& p) {
  probe_maximum_qos(p);
  probe_retain(p);
  probe_wildcards(p);
  probe_shared(p);
  probe_subscription_ids(p);
  probe_sys(p);
}

}  // namespace mq::probe
