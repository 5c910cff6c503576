#include "codec/decode_parts.hpp"
#include "codec/packet_rules.hpp"
#include "codec/properties_codec.hpp"

namespace mq::detail {

std::string_view read_utf8(Reader& r, std::string_view field, std::string_view rule) {
  const std::size_t at = r.offset() + 2;
  std::string_view s = r.string(field);
  if (!r.failed()) fail_rule(r, check_utf8_field(s, field, rule), at);
  return s;
}

void fail_packet_id_zero(Reader& r, ProtocolVersion v, std::size_t at) { fail_rule(r, check_packet_id(0, v), at); }

void read_tail(Reader& r, PacketType t, ProtocolVersion v, std::uint8_t& code, Properties& props, TailForm& form) {
  code = 0;
  form = TailForm::Shortest;
  if (r.at_end()) return;
  const std::size_t at = r.offset();
  code = r.u8("reason code");
  if (r.failed()) return;
  fail_rule(r, check_reason_code(t, code, v), at);
  if (r.at_end()) {
    // A reason code of 0 alone is longer than the shortest form.
    form = code == 0 ? TailForm::ReasonOnly : TailForm::Shortest;
    return;
  }
  read_properties(r, t, PropertyPlace::Packet, props);
  // An empty property list written out is longer than the shortest form.
  form = props.empty() ? TailForm::Full : TailForm::Shortest;
}

void decode_ack(Reader& r, PacketType t, ProtocolVersion v, std::uint16_t& packet_id, std::uint8_t& code,
                Properties& props, TailForm& form) {
  packet_id = read_packet_id(r, v);
  if (v == ProtocolVersion::v5) read_tail(r, t, v, code, props, form);
}

}  // namespace mq::detail
