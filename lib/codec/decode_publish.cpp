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

bool decode_plain_publish(const FixedHeader& h, ByteView body, ProtocolVersion v, Publish& out) {
  Reader r(body, h.header_size);
  const std::string_view topic = r.string("topic name");
  const auto qos = static_cast<QoS>((h.flags() >> 1) & 0x03);
  const std::uint16_t packet_id = qos > 0 ? r.u16("packet identifier") : 0;
  // An empty property list is the single byte 0; anything else takes the full path.
  const bool no_properties = v != ProtocolVersion::v5 || r.u8("property length") == 0;
  if (r.failed() || !no_properties || (qos > 0 && packet_id == 0) || !plain_ascii_topic(topic)) [[unlikely]]
    return false;
  out.dup = h.flags() & 0x08;
  out.qos = qos;
  out.retain = h.flags() & 0x01;
  out.topic = topic;
  out.packet_id = packet_id;
  out.payload = r.rest();
  return true;
}

}  // namespace mq::detail
