#include "codec/decode.hpp"

#include <fmt/format.h>

#include "codec/decode_parts.hpp"
#include "codec/packet_rules.hpp"

namespace mq {

namespace {

DecodeError make_error(ErrorKind kind, std::size_t offset, std::string_view field, std::string message,
                       std::string_view rule = {}) {
  return DecodeError{kind, offset, std::string(field), std::move(message), std::string(rule)};
}

/// Rules the fixed header alone decides: a known protocol level where one is
/// needed, the flags nibble, AUTH only at 5.0.
std::optional<DecodeError> check_header(const FixedHeader& h, std::optional<ProtocolVersion> version) {
  const PacketType t = h.type();
  if (!version && t != PacketType::Connect && t != PacketType::Pingreq && t != PacketType::Pingresp)
    return make_error(ErrorKind::UnknownVersion, 0, "fixed header",
                      fmt::format("the protocol level is needed to decode {}: give -V or include the CONNECT",
                                  packet_type_name(t)));
  const ProtocolVersion v = version.value_or(ProtocolVersion::v311);
  if (t == PacketType::Publish) {
    const QoS qos = static_cast<QoS>((h.flags() >> 1) & 0x03);
    return check_publish_flags(qos, h.flags() & 0x08);
  }
  if (t == PacketType::Auth && v != ProtocolVersion::v5)
    return make_error(ErrorKind::Malformed, 0, "fixed header",
                      fmt::format("AUTH does not exist in MQTT {}", version_name(v)));
  if (h.flags() != required_flags(t))
    return make_error(ErrorKind::Malformed, 0, "fixed header",
                      fmt::format("reserved flags of {} are 0x{:X}, must be 0x{:X}", packet_type_name(t), h.flags(),
                                  required_flags(t)),
                      reserved_flags_rule(v));
  return std::nullopt;
}

/// Decodes a body after check_header passed. Errors keep the Reader's kinds:
/// Truncated means the view ended inside a field.
Result<Packet> decode_checked_body(const FixedHeader& h, ByteView body, std::optional<ProtocolVersion> version,
                                   FieldTrace* trace) {
  const ProtocolVersion v = version.value_or(ProtocolVersion::v311);
  Reader r(body, h.header_size);
  r.set_trace(trace);
  Packet packet;
  switch (h.type()) {
    case PacketType::Connect: detail::decode_connect(r, packet.emplace<Connect>()); break;
    case PacketType::Connack: detail::decode_connack(r, v, packet.emplace<Connack>()); break;
    case PacketType::Publish: detail::decode_publish(r, h.flags(), v, packet.emplace<Publish>()); break;
    case PacketType::Puback: {
      auto& a = packet.emplace<Puback>();
      detail::decode_ack(r, PacketType::Puback, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Pubrec: {
      auto& a = packet.emplace<Pubrec>();
      detail::decode_ack(r, PacketType::Pubrec, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Pubrel: {
      auto& a = packet.emplace<Pubrel>();
      detail::decode_ack(r, PacketType::Pubrel, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Pubcomp: {
      auto& a = packet.emplace<Pubcomp>();
      detail::decode_ack(r, PacketType::Pubcomp, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Subscribe: detail::decode_subscribe(r, v, packet.emplace<Subscribe>()); break;
    case PacketType::Suback: detail::decode_suback(r, v, packet.emplace<Suback>()); break;
    case PacketType::Unsubscribe: detail::decode_unsubscribe(r, v, packet.emplace<Unsubscribe>()); break;
    case PacketType::Unsuback: detail::decode_unsuback(r, v, packet.emplace<Unsuback>()); break;
    case PacketType::Pingreq: packet.emplace<Pingreq>(); break;
    case PacketType::Pingresp: packet.emplace<Pingresp>(); break;
    case PacketType::Disconnect: {
      auto& d = packet.emplace<Disconnect>();
      if (v == ProtocolVersion::v5) detail::read_tail(r, PacketType::Disconnect, v, d.reason_code, d.properties, d.form);
      break;
    }
    case PacketType::Auth: {
      auto& a = packet.emplace<Auth>();
      detail::read_tail(r, PacketType::Auth, v, a.reason_code, a.properties, a.form);
      break;
    }
    default:
      return make_error(ErrorKind::ProtocolError, 0, "fixed header", "packet type 0 is reserved");
  }
  if (!r.failed() && !r.at_end())
    r.fail(ErrorKind::Malformed, "remaining length",
           fmt::format("{} byte{} left over after the last field of {}", r.remaining(), r.remaining() == 1 ? "" : "s",
                       packet_type_name(h.type())));
  if (r.failed()) return r.error();
  return Result<Packet>(std::move(packet));
}

}  // namespace

Result<FixedHeader> decode_fixed_header(ByteView bytes) {
  if (bytes.empty()) return make_error(ErrorKind::Truncated, 0, "fixed header", "no bytes");
  FixedHeader h;
  h.first_byte = bytes[0];
  if (h.type() == static_cast<PacketType>(0))
    return make_error(ErrorKind::ProtocolError, 0, "fixed header", "packet type 0 is reserved");
  Reader r(bytes.subspan(1), 1);
  h.remaining_length = r.varint("remaining length");
  if (r.failed()) return r.error();
  h.header_size = r.offset();
  return h;
}

Result<Packet> decode_body(const FixedHeader& header, ByteView body, std::optional<ProtocolVersion> version,
                           FieldTrace* trace) {
  if (auto e = check_header(header, version)) return *e;
  auto result = decode_checked_body(header, body, version, trace);
  if (result || result.error().kind != ErrorKind::Truncated) return result;
  // The body is complete, so a field running past its end disagrees with
  // the remaining length: the packet is malformed, not cut short.
  DecodeError e = result.error();
  e.kind = ErrorKind::Malformed;
  e.message += " (the remaining length ends inside this field)";
  return e;
}

Result<Packet> decode_packet(ByteView bytes, std::optional<ProtocolVersion> version, FieldTrace* trace) {
  auto header = decode_fixed_header(bytes);
  if (trace && !bytes.empty()) trace->push_back({0, 1, "fixed header", 0});
  if (!header) return header.error();
  const FixedHeader& h = *header;
  if (trace) trace->push_back({1, h.header_size - 1, "remaining length", 0});
  if (auto e = check_header(h, version)) return *e;
  if (bytes.size() > h.packet_size())
    return make_error(ErrorKind::Malformed, h.packet_size(), "remaining length",
                      fmt::format("{} byte{} after the end of the packet (remaining length {})",
                                  bytes.size() - h.packet_size(), bytes.size() - h.packet_size() == 1 ? "" : "s",
                                  h.remaining_length));
  if (bytes.size() == h.packet_size()) return decode_body(h, bytes.subspan(h.header_size), version, trace);
  // Cut short: decode what is there to name the field the input ends in.
  auto partial = decode_checked_body(h, bytes.subspan(h.header_size), version, trace);
  if (!partial && partial.error().kind == ErrorKind::Truncated) return partial;
  return make_error(ErrorKind::Truncated, bytes.size(), "remaining length",
                    fmt::format("the packet declares {} bytes after the fixed header, the input holds {}",
                                h.remaining_length, bytes.size() - h.header_size));
}

}  // namespace mq
