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

}  // namespace mq::detail
