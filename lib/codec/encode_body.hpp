#pragma once
/// Internal to the encoder: the body of every packet written once, as a
/// template over the sink, so that the same code counts (ByteCounter) and
/// writes (Writer). The fixed header is added by encode.cpp.

#include <cstddef>

#include "codec/packets.hpp"
#include "codec/properties_codec.hpp"
#include "codec/varint.hpp"

namespace mq::detail {

/// A sink with the Writer interface that only counts bytes.
struct ByteCounter {
  std::size_t n = 0;
  void u8(std::uint8_t) { n += 1; }
  void u16(std::uint16_t) { n += 2; }
  void u32(std::uint32_t) { n += 4; }
  void varint(std::uint32_t v) { n += varint_size(v); }
  void bytes(ByteView b) { n += b.size(); }
  void binary(ByteView b) { n += 2 + b.size(); }
  void string(std::string_view s) { n += 2 + s.size(); }
};

/// The first byte of the fixed header: type and flags.
inline std::uint8_t first_byte(const Packet& p) {
  const PacketType t = type_of(p);
  std::uint8_t flags = required_flags(t);
  if (const auto* pub = std::get_if<Publish>(&p))
    flags = static_cast<std::uint8_t>((pub->dup ? 0x08 : 0) | (pub->qos & 0x03) << 1 | (pub->retain ? 0x01 : 0));
  return static_cast<std::uint8_t>(static_cast<unsigned>(t) << 4 | flags);
}

/// The 5.0 tail: reason code and properties, at least as much as `form` says.
template <typename Sink>
void put_tail(Sink& w, std::uint8_t code, const Properties& props, TailForm form, bool with_properties) {
  const bool need_props = with_properties && (!props.empty() || form == TailForm::Full);
  const bool need_code = need_props || code != 0 || form != TailForm::Shortest;
  if (need_code) w.u8(code);
  if (need_props) put_properties(w, props);
}

/// CONNECT's body; flags are derived from which optional fields are set.
template <typename Sink>
void put_connect(Sink& w, const Connect& c) {
  const bool v5 = c.version == ProtocolVersion::v5;
  w.string(c.protocol_name);
  w.u8(static_cast<std::uint8_t>(static_cast<std::uint8_t>(c.version) | (c.bridge ? 0x80 : 0)));
  std::uint8_t flags = (c.reserved_flag ? 0x01 : 0) | (c.clean_start ? 0x02 : 0);
  if (c.will) flags |= static_cast<std::uint8_t>(0x04 | (c.will->qos & 0x03) << 3 | (c.will->retain ? 0x20 : 0));
  if (c.password) flags |= 0x40;
  if (c.username) flags |= 0x80;
  w.u8(flags);
  w.u16(c.keep_alive);
  if (v5) put_properties(w, c.properties);
  w.string(c.client_id);
  if (c.will) {
    if (v5) put_properties(w, c.will->properties);
    w.string(c.will->topic);
    w.binary(c.will->payload);
  }
  if (c.username) w.string(*c.username);
  if (c.password) w.binary(*c.password);
}

/// Writes the body (everything after the remaining length) of `p`.
template <typename Sink>
void put_body(Sink& w, const Packet& p, ProtocolVersion version) {
  const bool v5 = version == ProtocolVersion::v5;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Connect>) {
          put_connect(w, x);
        } else if constexpr (std::is_same_v<T, Connack>) {
          w.u8(x.session_present ? 0x01 : 0x00);
          w.u8(x.reason_code);
          if (v5) put_properties(w, x.properties);
        } else if constexpr (std::is_same_v<T, Publish>) {
          w.string(x.topic);
          if (x.qos > 0) w.u16(x.packet_id);
          if (v5) put_properties(w, x.properties);
          w.bytes(x.payload);
        } else if constexpr (std::is_same_v<T, Puback> || std::is_same_v<T, Pubrec> || std::is_same_v<T, Pubrel> ||
                             std::is_same_v<T, Pubcomp>) {
          w.u16(x.packet_id);
          if (v5) put_tail(w, x.reason_code, x.properties, x.form, true);
        } else if constexpr (std::is_same_v<T, Subscribe>) {
          w.u16(x.packet_id);
          if (v5) put_properties(w, x.properties);
          for (const auto& s : x.subscriptions) {
            w.string(s.filter);
            w.u8(static_cast<std::uint8_t>((s.qos & 0x03) | (s.no_local ? 0x04 : 0) |
                                           (s.retain_as_published ? 0x08 : 0) | (s.retain_handling & 0x03) << 4 |
                                           s.reserved));
          }
        } else if constexpr (std::is_same_v<T, Suback>) {
          w.u16(x.packet_id);
          if (v5) put_properties(w, x.properties);
          for (auto code : x.reason_codes) w.u8(code);
        } else if constexpr (std::is_same_v<T, Unsubscribe>) {
          w.u16(x.packet_id);
          if (v5) put_properties(w, x.properties);
          for (auto f : x.filters) w.string(f);
        } else if constexpr (std::is_same_v<T, Unsuback>) {
          w.u16(x.packet_id);
          if (v5) {
            put_properties(w, x.properties);
            for (auto code : x.reason_codes) w.u8(code);
          }
        } else if constexpr (std::is_same_v<T, Disconnect>) {
          if (v5) put_tail(w, x.reason_code, x.properties, x.form, true);
        } else if constexpr (std::is_same_v<T, Auth>) {
          put_tail(w, x.reason_code, x.properties, x.form, v5);
        }
        // PINGREQ and PINGRESP have no body.
      },
      p);
}

}  // namespace mq::detail
