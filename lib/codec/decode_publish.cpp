#include "codec/decode_parts.hpp"
#include "codec/packet_rules.hpp"
#include "codec/properties_codec.hpp"

namespace mq::detail {

// The hot path of every subscriber and of the benchmark: no allocation when
// there are no properties, no string building unless tracing.
void decode_publish(Reader& r, std::uint8_t flags, ProtocolVersion v, Publish& out) {
  out.dup = flags & 0x08;
  out.qos = static_cast<QoS>((flags >> 1) & 0x03);
  out.retain = flags & 0x01;
  const std::size_t topic_at = r.offset() + 2;
  out.topic = r.string("topic name");
  if (r.failed()) return;
  const bool v5 = v == ProtocolVersion::v5;
  // An empty topic is judged after the properties, where a Topic Alias may be.
  if (!plain_ascii_topic(out.topic)) fail_rule(r, check_topic_name_field(out.topic, "topic name", v, v5), topic_at);
  if (out.qos > 0) out.packet_id = read_packet_id(r, v);
  if (v5) {
    read_properties(r, PacketType::Publish, PropertyPlace::Packet, out.properties);
    if (out.topic.empty() && !r.failed() && !find(out.properties, PropertyId::TopicAlias))
      fail_rule(r, check_topic_name_field(out.topic, "topic name", v, false), topic_at);
  }
  out.payload = r.rest("payload");
}

// The one decoder that reads bytes without the Reader: it accepts a single
// fixed layout, checks its whole length with one comparison, and hands
// anything else to decode_publish (so every error still comes from the
// Reader). decode_fuzz checks that both paths agree.
bool decode_plain_publish(const FixedHeader& h, ByteView body, ProtocolVersion v, Publish& out) {
  const std::uint8_t* p = body.data();
  if (body.size() < 2) return false;
  const std::size_t topic_size = static_cast<std::size_t>(p[0] << 8 | p[1]);
  const auto qos = static_cast<QoS>((h.flags() >> 1) & 0x03);
  const std::size_t id_size = qos > 0 ? 2 : 0;
  const std::size_t fields_size = 2 + topic_size + id_size + (v == ProtocolVersion::v5 ? 1 : 0);
  if (body.size() < fields_size) return false;
  const std::string_view topic(reinterpret_cast<const char*>(p + 2), topic_size);
  const std::uint8_t* after_topic = p + 2 + topic_size;
  const auto packet_id = static_cast<std::uint16_t>(qos > 0 ? after_topic[0] << 8 | after_topic[1] : 0);
  // At 5.0 the property length must be the single byte 0 (no properties).
  const bool no_properties = v != ProtocolVersion::v5 || after_topic[id_size] == 0;
  if (!no_properties || (qos > 0 && packet_id == 0) || !plain_ascii_topic(topic)) [[unlikely]]
    return false;
  out.dup = h.flags() & 0x08;
  out.qos = qos;
  out.retain = h.flags() & 0x01;
  out.topic = topic;
  out.packet_id = packet_id;
  out.payload = body.subspan(fields_size);
  return true;
}

}  // namespace mq::detail
