#include "codec/decode_parts.hpp"
#include "codec/packet_rules.hpp"
#include "codec/properties_codec.hpp"

namespace mq::detail {

namespace {

/// One code per topic filter of the request: at least one, each defined.
void read_codes(Reader& r, PacketType t, ProtocolVersion v, std::vector<std::uint8_t>& codes) {
  const std::string_view field = reason_field(t, v);
  if (r.at_end()) {
    r.violate({ErrorKind::ProtocolError, 0, std::string(field),
               t == PacketType::Suback ? "SUBACK with no reason code" : "UNSUBACK with no reason code", {}},
              r.offset());
    return;
  }
  while (!r.failed() && !r.at_end()) {
    const std::size_t at = r.offset();
    const std::uint8_t code = r.u8(field);
    fail_rule(r, check_reason_code(t, code, v), at);
    codes.push_back(code);
  }
}

}  // namespace

void decode_suback(Reader& r, ProtocolVersion v, Suback& out) {
  out.packet_id = read_packet_id(r, v);
  if (v == ProtocolVersion::v5) read_properties(r, PacketType::Suback, PropertyPlace::Packet, out.properties);
  if (!r.failed()) read_codes(r, PacketType::Suback, v, out.reason_codes);
}

void decode_unsuback(Reader& r, ProtocolVersion v, Unsuback& out) {
  out.packet_id = read_packet_id(r, v);
  if (v != ProtocolVersion::v5) return;  // 3.x UNSUBACK is the packet identifier alone
  read_properties(r, PacketType::Unsuback, PropertyPlace::Packet, out.properties);
  if (!r.failed()) read_codes(r, PacketType::Unsuback, v, out.reason_codes);
}

}  // namespace mq::detail
