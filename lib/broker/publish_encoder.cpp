#include "broker/publish_encoder.hpp"

#include "codec/encode_body.hpp"
#include "codec/properties_codec.hpp"
#include "codec/writer.hpp"

namespace mq::broker {

namespace {

/// The property list of the delivery: expiry first, then the forwarded
/// properties in their order, then subscription identifiers and the alias.
template <typename Sink>
void put_publish_properties(Sink& w, const MessageView& m, const DeliveryFields& d) {
  if (d.expiry_remaining) put_property(w, Property{PropertyId::MessageExpiryInterval, *d.expiry_remaining, {}, {}});
  if (m.properties)
    for (const auto& p : *m.properties)
      if (!is_regenerated(p.id)) put_property(w, p);
  for (std::uint32_t id : d.subscription_ids) put_property(w, Property{PropertyId::SubscriptionIdentifier, id, {}, {}});
  if (d.topic_alias) put_property(w, Property{PropertyId::TopicAlias, d.topic_alias, {}, {}});
}

template <typename Sink>
void put_publish_body(Sink& w, const MessageView& m, const DeliveryFields& d, ProtocolVersion v,
                      std::size_t props_size) {
  w.string(d.alias_only ? std::string_view{} : m.topic);
  if (d.qos > 0) w.u16(d.packet_id);
  if (v == ProtocolVersion::v5) {
    w.varint(static_cast<std::uint32_t>(props_size));
    put_publish_properties(w, m, d);
  }
  w.bytes(m.payload);
}

std::size_t properties_size(const MessageView& m, const DeliveryFields& d, ProtocolVersion v) {
  if (v != ProtocolVersion::v5) return 0;
  detail::ByteCounter c;
  put_publish_properties(c, m, d);
  return c.n;
}

std::size_t body_size(const MessageView& m, const DeliveryFields& d, ProtocolVersion v, std::size_t props) {
  std::size_t n = 2 + (d.alias_only ? 0 : m.topic.size()) + (d.qos > 0 ? 2 : 0) + m.payload.size();
  if (v == ProtocolVersion::v5) n += varint_size(static_cast<std::uint32_t>(props)) + props;
  return n;
}

}  // namespace

std::size_t publish_size(const MessageView& m, const DeliveryFields& d, ProtocolVersion v) {
  const std::size_t body = body_size(m, d, v, properties_size(m, d, v));
  return 1 + varint_size(static_cast<std::uint32_t>(body)) + body;
}

std::size_t encode_publish(std::vector<std::uint8_t>& out, const MessageView& m, const DeliveryFields& d,
                           ProtocolVersion v) {
  const std::size_t props = properties_size(m, d, v);
  const std::size_t body = body_size(m, d, v, props);
  const std::size_t start = out.size();
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(0x30 | (d.dup ? 0x08 : 0) | (d.qos & 0x03) << 1 | (d.retain ? 0x01 : 0)));
  w.varint(static_cast<std::uint32_t>(body));
  put_publish_body(w, m, d, v, props);
  return out.size() - start;
}

std::size_t packet_id_offset(ByteView packet) {
  std::size_t header = 1;
  while (header < packet.size() && (packet[header] & 0x80)) ++header;
  ++header;
  const std::size_t topic_len = static_cast<std::size_t>(packet[header]) << 8 | packet[header + 1];
  return header + 2 + topic_len;
}

std::optional<std::uint32_t> seconds_left(const std::optional<TimePoint>& expires, TimePoint now) {
  if (!expires) return std::nullopt;
  if (*expires <= now) return 0;
  // Rounded up: a message with 0.4 s to live still has a lifetime, and a
  // receiver may read 0 as already expired. 0 goes out only once the
  // lifetime is over: a Message Expiry Interval 0 passed on as it arrived,
  // or an expired message resent while in flight.
  auto left = std::chrono::ceil<std::chrono::seconds>(*expires - now).count();
  return static_cast<std::uint32_t>(left);
}

}  // namespace mq::broker
