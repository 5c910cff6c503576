#pragma once
/// The common PUBLISH decoded without the Reader, inline in decode_body's
/// fast path so a subscriber's typical packet costs no function call.

#include <cstdint>
#include <string_view>

#include "codec/packet_rules.hpp"
#include "codec/packets.hpp"

namespace mq::detail {

/// The common PUBLISH, decoded with no more work than it needs: a plain
/// ASCII topic (plain_ascii_topic), a non-zero packet identifier where QoS
/// asks for one, and no properties. Returns false, with `out` untouched, for
/// anything else; the caller then runs decode_publish, which finds the same
/// packet or the precise error. `flags` (the fixed header's low nibble) must
/// have passed publish_flags_ok. Accepts a single fixed layout and checks its
/// whole length with one comparison; decode_fuzz checks that both paths agree.
inline bool decode_plain_publish(std::uint8_t flags, ByteView body, ProtocolVersion v, Publish& out) {
  if (body.size() < 2) return false;
  const std::uint8_t* p = body.data();
  const std::size_t topic_size = static_cast<std::size_t>(p[0]) << 8 | p[1];
  const auto qos = static_cast<QoS>((flags >> 1) & 0x03);
  const std::size_t id_size = qos > 0 ? 2 : 0;
  const bool v5 = v == ProtocolVersion::v5;
  const std::size_t fields_size = 2 + topic_size + id_size + (v5 ? 1 : 0);
  if (body.size() < fields_size) return false;
  const std::uint8_t* after_topic = p + 2 + topic_size;
  std::uint16_t packet_id = 0;
  if (qos > 0) {
    packet_id = static_cast<std::uint16_t>(after_topic[0] << 8 | after_topic[1]);
    if (packet_id == 0) return false;
  }
  // At 5.0 the property length must be the single byte 0 (no properties).
  if (v5 && after_topic[id_size] != 0) return false;
  const std::string_view topic(reinterpret_cast<const char*>(p + 2), topic_size);
  if (!plain_ascii_topic(topic)) [[unlikely]]
    return false;
  out.dup = flags & 0x08;
  out.qos = qos;
  out.retain = flags & 0x01;
  out.topic = topic;
  out.packet_id = packet_id;
  out.payload = body.subspan(fields_size);
  return true;
}

}  // namespace mq::detail
