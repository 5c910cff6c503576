#pragma once
/// Basic vocabulary shared by every part of the codec: protocol levels,
/// packet types, QoS and the byte-view type used for binary fields.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mq {

/// A read-only view of bytes. Decoded packets point into the buffer they were
/// decoded from; the caller keeps that buffer alive while it uses the packet.
using ByteView = std::span<const std::uint8_t>;

/// View a string's bytes as a ByteView.
inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
/// View bytes as a string_view (for binary fields that hold text).
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// The protocol level byte of CONNECT.
enum class ProtocolVersion : std::uint8_t {
  v31 = 3,   ///< MQTT 3.1, protocol name "MQIsdp"
  v311 = 4,  ///< MQTT 3.1.1, protocol name "MQTT"
  v5 = 5,    ///< MQTT 5.0, protocol name "MQTT"
};

/// "3.1", "3.1.1" or "5.0".
std::string_view version_name(ProtocolVersion v);
/// Parses the names mosquitto's -V takes (mqttv31, mqttv311, mqttv5) and the
/// short forms 31, 311, 5, 3.1, 3.1.1, 5.0; nullopt if unknown.
std::optional<ProtocolVersion> parse_version(std::string_view s);

/// Control packet type, the high nibble of the first byte.
enum class PacketType : std::uint8_t {
  Connect = 1,
  Connack = 2,
  Publish = 3,
  Puback = 4,
  Pubrec = 5,
  Pubrel = 6,
  Pubcomp = 7,
  Subscribe = 8,
  Suback = 9,
  Unsubscribe = 10,
  Unsuback = 11,
  Pingreq = 12,
  Pingresp = 13,
  Disconnect = 14,
  Auth = 15,
};

/// Upper-case name as the specification writes it ("CONNECT"); "RESERVED" for 0.
std::string_view packet_type_name(PacketType t);
/// Inverse of packet_type_name, case-insensitive.
std::optional<PacketType> parse_packet_type(std::string_view name);

/// Quality of service; values above 2 only appear in packets crafted on purpose.
using QoS = std::uint8_t;

}  // namespace mq
