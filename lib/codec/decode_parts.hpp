#pragma once
/// Internal to the decoder: one function per packet body, and the small
/// helpers they share. Each reads from a Reader positioned after the fixed
/// header and leaves its first failure in the Reader.

#include <optional>

#include "codec/error.hpp"
#include "codec/decode.hpp"
#include "codec/packets.hpp"
#include "codec/reader.hpp"

namespace mq::detail {

/// Reports a shared-rule error found in a field that starts at the absolute
/// offset `field_at` (the error's own offset is added): the field was read,
/// so a lenient reader records it and goes on (Reader::violate).
inline void fail_rule(Reader& r, const std::optional<DecodeError>& e, std::size_t field_at) {
  if (e) r.violate(*e, field_at + e->offset);
}

/// A length-prefixed UTF-8 string, checked against the UTF-8 rules; `rule`
/// names the packet's own statement when it has one.
std::string_view read_utf8(Reader& r, std::string_view field, std::string_view rule = {});

/// Reports packet identifier 0 found at `at`.
void fail_packet_id_zero(Reader& r, ProtocolVersion v, std::size_t at);

/// A packet identifier that must not be 0.
inline std::uint16_t read_packet_id(Reader& r, ProtocolVersion v) {
  const std::size_t at = r.offset();
  const std::uint16_t id = r.u16("packet identifier");
  if (id == 0 && !r.failed()) [[unlikely]]
    fail_packet_id_zero(r, v, at);
  return id;
}

/// The 5.0 tail of PUBACK..PUBCOMP, DISCONNECT and AUTH: nothing, a reason
/// code, or a reason code and properties. Records in `form` the least
/// TailForm that re-encodes to the same bytes.
void read_tail(Reader& r, PacketType t, ProtocolVersion v, std::uint8_t& code, Properties& props, TailForm& form);

/// CONNECT: its own protocol level decides the layout (decode_connect.cpp).
void decode_connect(Reader& r, Connect& out);
/// CONNACK: acknowledge flags, reason or return code, 5.0 properties.
void decode_connack(Reader& r, ProtocolVersion v, Connack& out);
/// PUBLISH: `flags` is the fixed header's low nibble (dup, QoS, retain).
void decode_publish(Reader& r, std::uint8_t flags, ProtocolVersion v, Publish& out);
/// PUBACK, PUBREC, PUBREL, PUBCOMP: packet identifier, then the 5.0 tail.
void decode_ack(Reader& r, PacketType t, ProtocolVersion v, std::uint16_t& packet_id, std::uint8_t& code,
                Properties& props, TailForm& form);
/// SUBSCRIBE: packet identifier, 5.0 properties, one or more filters with options.
void decode_subscribe(Reader& r, ProtocolVersion v, Subscribe& out);
/// UNSUBSCRIBE: packet identifier, 5.0 properties, one or more filters.
void decode_unsubscribe(Reader& r, ProtocolVersion v, Unsubscribe& out);
/// SUBACK: packet identifier, 5.0 properties, one or more codes.
void decode_suback(Reader& r, ProtocolVersion v, Suback& out);
/// UNSUBACK: packet identifier; at 5.0 also properties and one or more codes.
void decode_unsuback(Reader& r, ProtocolVersion v, Unsuback& out);

}  // namespace mq::detail
