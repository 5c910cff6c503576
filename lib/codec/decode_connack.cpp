#include "codec/decode_parts.hpp"
#include "codec/packet_rules.hpp"
#include "codec/properties_codec.hpp"

namespace mq::detail {

void decode_connack(Reader& r, ProtocolVersion v, Connack& out) {
  const std::size_t flags_at = r.offset();
  const std::uint8_t flags = r.u8("acknowledge flags");
  const std::size_t code_at = r.offset();
  out.reason_code = r.u8(reason_field(PacketType::Connack, v));
  if (r.failed()) return;
  out.session_present = flags & 0x01;
  if (flags & 0xFE) {
    r.violate({ErrorKind::Malformed, 0, "acknowledge flags", "reserved bits 1-7 are not 0",
               {}},
              flags_at);
    if (r.failed()) return;
  }
  fail_rule(r, check_session_present(out.session_present, out.reason_code, v), flags_at);
  fail_rule(r, check_reason_code(PacketType::Connack, out.reason_code, v), code_at);
  if (v == ProtocolVersion::v5) read_properties(r, PacketType::Connack, PropertyPlace::Packet, out.properties);
}

}  // namespace mq::detail
