#include "codec/decode_parts.hpp"
#include "codec/packet_rules.hpp"
#include "codec/properties_codec.hpp"

namespace mq::detail {

namespace {

/// Splits a subscription options byte into its fields. Before 5.0 only the
/// QoS bits are defined; every other bit lands in `reserved`, in place.
void split_options(std::uint8_t o, ProtocolVersion v, Subscription& s) {
  s.qos = static_cast<QoS>(o & 0x03);
  if (v != ProtocolVersion::v5) {
    s.reserved = o & 0xFC;
    return;
  }
  s.no_local = o & 0x04;
  s.retain_as_published = o & 0x08;
  s.retain_handling = static_cast<std::uint8_t>((o >> 4) & 0x03);
  s.reserved = o & 0xC0;
}

/// A topic filter checked against the filter rules.
std::string_view read_filter(Reader& r) {
  const std::size_t at = r.offset() + 2;
  std::string_view filter = r.string("topic filter");
  if (!r.failed()) fail_rule(r, check_topic_filter_field(filter), at);
  return filter;
}

}  // namespace

void decode_subscribe(Reader& r, ProtocolVersion v, Subscribe& out) {
  out.packet_id = read_packet_id(r, v);
  if (v == ProtocolVersion::v5) read_properties(r, PacketType::Subscribe, PropertyPlace::Packet, out.properties);
  if (r.failed()) return;
  if (r.at_end()) {
    r.violate({ErrorKind::ProtocolError, 0, "topic filter", "SUBSCRIBE with no topic filter",
               v == ProtocolVersion::v5 ? "MQTT-3.8.3-2" : "MQTT-3.8.3-3"},
              r.offset());
    return;
  }
  const int depth = r.depth();
  while (!r.failed() && !r.at_end()) {
    Subscription s;
    s.filter = read_filter(r);
    r.set_depth(depth + 1);  // the options belong to their filter
    const std::size_t options_at = r.offset();
    const std::uint8_t options = r.u8("subscription options");
    r.set_depth(depth);
    if (r.failed()) return;
    split_options(options, v, s);
    fail_rule(r, check_subscription(s, v), options_at);
    out.subscriptions.push_back(s);
  }
}

void decode_unsubscribe(Reader& r, ProtocolVersion v, Unsubscribe& out) {
  out.packet_id = read_packet_id(r, v);
  if (v == ProtocolVersion::v5) read_properties(r, PacketType::Unsubscribe, PropertyPlace::Packet, out.properties);
  if (r.failed()) return;
  if (r.at_end()) {
    r.violate({ErrorKind::ProtocolError, 0, "topic filter", "UNSUBSCRIBE with no topic filter", "MQTT-3.10.3-2"},
              r.offset());
    return;
  }
  while (!r.failed() && !r.at_end()) out.filters.push_back(read_filter(r));
}

}  // namespace mq::detail
