// Receive Maximum and Topic Alias Maximum (5.0): the advertised value, and
// whether the broker enforces it when a client goes one past it.

#include <fmt/format.h>

#include "probe/prober.hpp"

namespace mq::probe {

namespace {

ByteView bytes(std::string_view s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

void not_v5(Prober& p, const char* key, const char* label) {
  p.report.add(key, label, Status::NotApplicable, {}, "MQTT 5.0 only");
}

}  // namespace

void probe_receive_maximum(Prober& p) {
  if (!p.v5()) {
    not_v5(p, "receive_maximum", "Receive Maximum");
    not_v5(p, "receive_maximum_enforced", "Receive Maximum enforced");
    return;
  }
  const std::uint32_t advertised = p.advertised(PropertyId::ReceiveMaximum).value_or(65535);
  const std::string said = fmt::format("CONNACK Receive Maximum {}{}", advertised,
                                       p.advertised(PropertyId::ReceiveMaximum) ? "" : " (absent: the default)");
  if (advertised > p.config().max_inflight) {
    p.report.add("receive_maximum", "Receive Maximum", Status::Advertised, std::int64_t{advertised}, said);
    p.report.add("receive_maximum_enforced", "Receive Maximum enforced", Status::Unknown, {},
                 fmt::format("not tested: above the probe's cap of {} PUBLISHes in flight", p.config().max_inflight));
    return;
  }
  // QoS 2 keeps each message in flight until PUBREL, so the count cannot
  // drain while the broker reads: exactly advertised + 1 are in flight.
  const auto* qos = p.report.find("maximum_qos");
  const QoS q = qos && std::holds_alternative<std::int64_t>(qos->value) && std::get<std::int64_t>(qos->value) < 2 ? 1 : 2;
  auto link = p.client("inflight");
  if (!link) {
    p.report.add("receive_maximum", "Receive Maximum", Status::Advertised, std::int64_t{advertised}, said);
    p.report.add("receive_maximum_enforced", "Receive Maximum enforced", Status::Unknown, {}, "the connection was refused");
    return;
  }
  const std::string t = p.topic("inflight");
  std::vector<std::uint16_t> ids;
  for (std::uint32_t k = 0; k <= advertised; ++k) {
    Publish m;
    m.topic = t;
    m.qos = q;
    m.packet_id = p.packet_id();
    m.payload = bytes("x");
    ids.push_back(m.packet_id);
    link->send(m);  // all queued now: they leave together, without waiting for any ack
  }
  std::uint32_t acked = 0;
  std::string end;
  bool refused = false, answered = true;
  while (acked <= advertised) {
    Received r;
    const Outcome o = p.await(*link, [](const Packet& pk) {
      return std::holds_alternative<Pubrec>(pk) || std::holds_alternative<Puback>(pk);
    }, r);
    if (o == Outcome::Closed) {
      refused = true;
      end = "closed the connection";
      break;
    }
    if (o != Outcome::Packet) {
      answered = false;
      end = outcome_text(o);
      break;
    }
    if (const auto* d = std::get_if<Disconnect>(&r.packet)) {
      refused = true;
      end = fmt::format("DISCONNECT {}", hex(d->reason_code));
      break;
    }
    const std::uint8_t rc = q == 2 ? std::get<Pubrec>(r.packet).reason_code : std::get<Puback>(r.packet).reason_code;
    if (rc >= 0x80) {
      refused = true;
      end = fmt::format("{} {}", q == 2 ? "PUBREC" : "PUBACK", hex(rc));
      break;
    }
    ++acked;
  }
  const std::string detail = fmt::format("{}; {} QoS {} PUBLISHes sent at once: {} acknowledged{}{}", said, advertised + 1, q,
                                         acked, end.empty() ? "" : ", then ", end);
  if (refused) {
    p.report.measured("receive_maximum", "Receive Maximum", std::int64_t{acked}, detail);
    p.report.measured("receive_maximum_enforced", "Receive Maximum enforced", true, detail);
  } else if (answered && q == 1) {
    // A QoS 1 PUBLISH leaves flight when the broker acknowledges it, which
    // a broker does as it reads: going past the maximum cannot be forced.
    p.report.add("receive_maximum", "Receive Maximum", Status::Advertised, std::int64_t{advertised}, detail);
    p.report.add("receive_maximum_enforced", "Receive Maximum enforced", Status::Unknown, {},
                 detail + " (QoS 1 only: each left flight when acknowledged, so none was past the maximum)");
  } else if (answered) {
    p.report.add("receive_maximum", "Receive Maximum", Status::Advertised, std::int64_t{advertised}, detail);
    p.report.measured("receive_maximum_enforced", "Receive Maximum enforced", false, detail);
  } else {
    p.report.add("receive_maximum", "Receive Maximum", Status::Advertised, std::int64_t{advertised}, detail);
    p.report.add("receive_maximum_enforced", "Receive Maximum enforced", Status::Unknown, {}, detail);
  }
  if (link->open() && q == 2)
    for (auto id : ids) link->send(Pubrel{id, 0, {}, TailForm::Shortest});
  p.close(link);
}

void probe_topic_alias(Prober& p) {
  if (!p.v5()) {
    not_v5(p, "topic_alias_maximum", "Topic Alias Maximum");
    not_v5(p, "topic_alias_enforced", "Topic Alias Maximum enforced");
    return;
  }
  const std::uint32_t advertised = p.advertised(PropertyId::TopicAliasMaximum).value_or(0);
  std::string detail = fmt::format("CONNACK Topic Alias Maximum {}", advertised);
  const std::string t = p.topic("alias");
  auto try_alias = [&](std::uint32_t alias) {
    auto link = p.client("alias");
    if (!link) return Answer{Answer::Closed, 0, "CONNACK"};
    Publish m;
    m.topic = t;
    m.qos = 1;
    m.packet_id = p.packet_id();
    m.payload = bytes("x");
    m.properties.push_back(Property{PropertyId::TopicAlias, alias, {}, {}});
    Answer a = p.publish(*link, m);
    p.close(link);
    return a;
  };
  bool top_ok = true;
  if (advertised > 0) {
    const Answer a = try_alias(advertised);
    detail += fmt::format("; alias {}: {}", advertised, a.text());
    top_ok = a.kind == Answer::Ok;
  }
  if (advertised >= 65535) {
    // A Topic Alias is a two-byte integer: there is no alias past 65535.
    p.report.add("topic_alias_maximum", "Topic Alias Maximum", top_ok ? Status::Measured : Status::Advertised,
                 std::int64_t{advertised}, detail);
    p.report.add("topic_alias_enforced", "Topic Alias Maximum enforced", Status::NotApplicable, {},
                 detail + "; no alias exists past 65535");
    return;
  }
  const Answer over = try_alias(advertised + 1);
  detail += fmt::format("; alias {}: {}", advertised + 1, over.text());
  // Measured when the broker's answers bear the value out: the advertised
  // alias taken (if any) and the next one refused.
  const bool borne_out = top_ok && over.answered() && over.kind != Answer::Ok;
  p.report.add("topic_alias_maximum", "Topic Alias Maximum", borne_out ? Status::Measured : Status::Advertised,
               std::int64_t{advertised}, detail);
  if (!top_ok)  // the advertised alias was refused too: the refusal says nothing about the maximum
    p.report.add("topic_alias_enforced", "Topic Alias Maximum enforced", Status::Unknown, {}, detail);
  else if (!over.answered())
    p.report.add("topic_alias_enforced", "Topic Alias Maximum enforced", Status::Unknown, {}, detail);
  else
    p.report.measured("topic_alias_enforced", "Topic Alias Maximum enforced", over.kind != Answer::Ok, detail);
}

}  // namespace mq::probe
