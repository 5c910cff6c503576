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
/// The common case of check_header, inline: a known level and the flags the
/// packet type requires.
inline bool header_plainly_ok(const FixedHeader& h, std::optional<ProtocolVersion> version) {
  const PacketType t = h.type();
  if (!version || t == PacketType::Auth) return false;
  if (t == PacketType::Publish) return publish_flags_ok(static_cast<QoS>((h.flags() >> 1) & 0x03), h.flags() & 0x08);
  return h.flags() == required_flags(t);
}

/// Makes `packet` hold a T, keeping one it already holds.
template <typename T>
T& hold(Packet& packet) {
  if (auto* x = std::get_if<T>(&packet)) return *x;
  return packet.emplace<T>();
}

std::optional<DecodeError> check_header(const FixedHeader& h, std::optional<ProtocolVersion> version) {
  const PacketType t = h.type();
  if (!version && t != PacketType::Connect && t != PacketType::Pingreq && t != PacketType::Pingresp)
    return make_error(ErrorKind::UnknownVersion, 0, "fixed header",
                      fmt::format("the protocol level is needed to decode {}: give -V or include the CONNECT",
                                  packet_type_name(t)));
  const ProtocolVersion v = version.value_or(ProtocolVersion::v311);
  if (t == PacketType::Publish) {
    const QoS qos = static_cast<QoS>((h.flags() >> 1) & 0x03);
    if (publish_flags_ok(qos, h.flags() & 0x08)) [[likely]]
      return std::nullopt;
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

/// Decodes a body after check_header passed, in place into `out`. Errors keep the Reader's kinds: Truncated means
/// the view ended inside a field.
[[gnu::always_inline]] inline void decode_checked_body(const FixedHeader& h, ByteView body, std::optional<ProtocolVersion> version,
                         FieldTrace* trace, Result<Packet>& out, std::vector<DecodeError>* violations = nullptr) {
  const ProtocolVersion v = version.value_or(ProtocolVersion::v311);
  Reader r(body, h.header_size);
  r.set_trace(trace);
  r.set_lenient(violations);
  Packet& packet = out.value();
  switch (h.type()) {
    case PacketType::Connect: detail::decode_connect(r, hold<Connect>(packet)); break;
    case PacketType::Connack: detail::decode_connack(r, v, hold<Connack>(packet)); break;
    case PacketType::Publish: detail::decode_publish(r, h.flags(), v, hold<Publish>(packet)); break;
    case PacketType::Puback: {
      auto& a = hold<Puback>(packet);
      detail::decode_ack(r, PacketType::Puback, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Pubrec: {
      auto& a = hold<Pubrec>(packet);
      detail::decode_ack(r, PacketType::Pubrec, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Pubrel: {
      auto& a = hold<Pubrel>(packet);
      detail::decode_ack(r, PacketType::Pubrel, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Pubcomp: {
      auto& a = hold<Pubcomp>(packet);
      detail::decode_ack(r, PacketType::Pubcomp, v, a.packet_id, a.reason_code, a.properties, a.form);
      break;
    }
    case PacketType::Subscribe: detail::decode_subscribe(r, v, hold<Subscribe>(packet)); break;
    case PacketType::Suback: detail::decode_suback(r, v, hold<Suback>(packet)); break;
    case PacketType::Unsubscribe: detail::decode_unsubscribe(r, v, hold<Unsubscribe>(packet)); break;
    case PacketType::Unsuback: detail::decode_unsuback(r, v, hold<Unsuback>(packet)); break;
    case PacketType::Pingreq: hold<Pingreq>(packet); break;
    case PacketType::Pingresp: hold<Pingresp>(packet); break;
    case PacketType::Disconnect: {
      auto& d = hold<Disconnect>(packet);
      if (v == ProtocolVersion::v5) detail::read_tail(r, PacketType::Disconnect, v, d.reason_code, d.properties, d.form);
      break;
    }
    case PacketType::Auth: {
      auto& a = hold<Auth>(packet);
      detail::read_tail(r, PacketType::Auth, v, a.reason_code, a.properties, a.form);
      break;
    }
    default:
      out.set_error(make_error(ErrorKind::ProtocolError, 0, "fixed header", "packet type 0 is reserved"));
      return;
  }
  if (!r.failed() && !r.at_end())
    r.fail(ErrorKind::Malformed, "remaining length",
           fmt::format("{} byte{} left over after the last field of {}", r.remaining(), r.remaining() == 1 ? "" : "s",
                       packet_type_name(h.type())));
  if (r.failed()) out.set_error(r.error());
}

}  // namespace

Result<FixedHeader> decode_fixed_header(ByteView bytes) {
  if (bytes.empty()) return make_error(ErrorKind::Truncated, 0, "fixed header", "no bytes");
  FixedHeader h;
  h.first_byte = bytes[0];
  if (h.type() == static_cast<PacketType>(0))
    return make_error(ErrorKind::ProtocolError, 0, "fixed header", "packet type 0 is reserved");
  const VarIntRead length = read_varint(bytes.data() + 1, bytes.size() - 1);
  if (length.status == VarIntStatus::Ok) [[likely]] {
    h.remaining_length = length.value;
    h.header_size = 1 + length.length;
    return h;
  }
  Reader r(bytes.subspan(1), 1);  // for the error, worded as for any variable byte integer
  r.varint("remaining length");
  return r.error();
}

void detail::decode_body_rest(const FixedHeader& header, ByteView body, std::optional<ProtocolVersion> version,
                              FieldTrace* trace, Result<Packet>& result) {
  if (!header_plainly_ok(header, version)) {
    if (auto e = check_header(header, version)) {
      result.set_error(std::move(*e));
      return;
    }
  }
  decode_checked_body(header, body, version, trace, result);
  if (!result.ok() && result.error().kind == ErrorKind::Truncated) {
    // The body is complete, so a field running past its end disagrees with
    // the remaining length: the packet is malformed, not cut short.
    DecodeError e = result.error();
    e.kind = ErrorKind::Malformed;
    e.message += " (the remaining length ends inside this field)";
    result.set_error(std::move(e));
  }
}

Result<Packet> decode_packet_lenient(ByteView bytes, std::optional<ProtocolVersion> version, FieldTrace* trace,
                                     std::vector<DecodeError>& violations) {
  auto header = decode_fixed_header(bytes);
  if (trace && !bytes.empty()) trace->push_back({0, 1, "fixed header", 0});
  if (!header) return header.error();
  const FixedHeader& h = *header;
  if (trace) trace->push_back({1, h.header_size - 1, "remaining length", 0});
  if (auto e = check_header(h, version)) {
    // Wrong reserved flags leave the body readable; a missing level, QoS 3
    // (is there a packet identifier?) or AUTH before 5.0 do not.
    const PacketType t = h.type();
    const bool readable = version && t != PacketType::Publish && t != PacketType::Auth;
    if (!readable) return *e;
    violations.push_back(std::move(*e));
  }
  const std::size_t body_end = bytes.size() < h.packet_size() ? bytes.size() : h.packet_size();
  Result<Packet> result(std::in_place, std::in_place_type<Pingreq>);
  decode_checked_body(h, bytes.subspan(h.header_size, body_end - h.header_size), version, trace, result, &violations);
  if (!result && result.error().kind == ErrorKind::Truncated && bytes.size() >= h.packet_size()) {
    DecodeError e = result.error();
    e.kind = ErrorKind::Malformed;
    e.message += " (the remaining length ends inside this field)";
    result.set_error(std::move(e));
  }
  if (result && bytes.size() < h.packet_size())
    result.set_error(make_error(ErrorKind::Truncated, bytes.size(), "remaining length",
                                fmt::format("the packet declares {} bytes after the fixed header, the input holds {}",
                                            h.remaining_length, bytes.size() - h.header_size)));
  if (result && bytes.size() > h.packet_size())
    violations.push_back(make_error(ErrorKind::Malformed, h.packet_size(), "remaining length",
                                    fmt::format("{} byte{} after the end of the packet (remaining length {})",
                                                bytes.size() - h.packet_size(),
                                                bytes.size() - h.packet_size() == 1 ? "" : "s", h.remaining_length)));
  return result;
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
  Result<Packet> partial(std::in_place, std::in_place_type<Pingreq>);
  decode_checked_body(h, bytes.subspan(h.header_size), version, trace, partial);
  if (!partial && partial.error().kind == ErrorKind::Truncated) return partial;
  return make_error(ErrorKind::Truncated, bytes.size(), "remaining length",
                    fmt::format("the packet declares {} bytes after the fixed header, the input holds {}",
                                h.remaining_length, bytes.size() - h.header_size));
}

}  // namespace mq
