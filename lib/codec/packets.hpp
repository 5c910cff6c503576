#pragma once
/// Control packets as value types, one struct per packet, and the Packet
/// variant that holds any of them.
///
/// String and binary fields are views: a decoded packet points into the
/// buffer it was decoded from, and a packet built by hand points into
/// whatever storage the caller owns. Encoding writes exactly what the fields
/// say; nothing here checks the rules (see validate.hpp), so a testing tool
/// can build invalid packets on purpose.

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "codec/properties.hpp"
#include "codec/types.hpp"

namespace mq {

/// How much of the optional MQTT 5.0 tail (reason code, then property
/// length and properties) a PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT or
/// AUTH carries. The encoder writes at least this much, and more when the
/// content needs it (a non-zero reason code, or any property). The decoder
/// records the least form that reproduces what it saw, so re-encoding
/// reproduces the input exactly: ReasonOnly only for a lone reason code 0,
/// Full only for an empty property list written out.
enum class TailForm : std::uint8_t {
  Shortest,    ///< omit what the content allows to be omitted
  ReasonOnly,  ///< reason code written, property length omitted
  Full,        ///< reason code and property length written
};

/// The will message carried in CONNECT.
struct Will {
  std::string_view topic;
  ByteView payload;
  QoS qos = 0;
  bool retain = false;
  Properties properties;  ///< will properties (5.0 only)
};

struct Connect {
  std::string_view protocol_name = "MQTT";  ///< "MQIsdp" for 3.1
  ProtocolVersion version = ProtocolVersion::v311;  ///< the protocol level byte (without the bridge bit)
  bool bridge = false;  ///< bit 7 of the level byte (0x83, 0x84): a bridge announcing itself, as mosquitto's do
  bool clean_start = true;     ///< Clean Session in 3.1/3.1.1
  bool reserved_flag = false;  ///< bit 0 of the connect flags; must be 0
  std::uint16_t keep_alive = 60;
  Properties properties;       ///< 5.0 only
  std::string_view client_id;
  std::optional<Will> will;
  std::optional<std::string_view> username;
  std::optional<ByteView> password;
};

struct Connack {
  bool session_present = false;
  std::uint8_t reason_code = 0;  ///< the return code in 3.1/3.1.1
  Properties properties;         ///< 5.0 only
};

struct Publish {
  bool dup = false;
  QoS qos = 0;
  bool retain = false;
  std::string_view topic;
  std::uint16_t packet_id = 0;  ///< only on the wire when qos > 0
  Properties properties;        ///< 5.0 only
  ByteView payload;
};

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape.
template <PacketType T>
struct Ack {
  static constexpr PacketType kType = T;
  std::uint16_t packet_id = 0;
  std::uint8_t reason_code = 0;  ///< 5.0 only
  Properties properties;         ///< 5.0 only
  TailForm form = TailForm::Shortest;
};
using Puback = Ack<PacketType::Puback>;
using Pubrec = Ack<PacketType::Pubrec>;
using Pubrel = Ack<PacketType::Pubrel>;
using Pubcomp = Ack<PacketType::Pubcomp>;

/// One topic filter of a SUBSCRIBE with its options byte, split into fields.
struct Subscription {
  std::string_view filter;
  QoS qos = 0;
  bool no_local = false;             ///< 5.0
  bool retain_as_published = false;  ///< 5.0
  std::uint8_t retain_handling = 0;  ///< 5.0, 0..2
  std::uint8_t reserved = 0;         ///< bits 6-7 (bits 2-7 before 5.0) in place, unshifted; must be 0
};

struct Subscribe {
  std::uint16_t packet_id = 0;
  Properties properties;  ///< 5.0 only
  std::vector<Subscription> subscriptions;
};

struct Suback {
  std::uint16_t packet_id = 0;
  Properties properties;  ///< 5.0 only
  std::vector<std::uint8_t> reason_codes;  ///< return codes before 5.0
};

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  Properties properties;  ///< 5.0 only
  std::vector<std::string_view> filters;
};

struct Unsuback {
  std::uint16_t packet_id = 0;
  Properties properties;                   ///< 5.0 only
  std::vector<std::uint8_t> reason_codes;  ///< 5.0 only
};

struct Pingreq {};
struct Pingresp {};

/// DISCONNECT; in 3.1/3.1.1 it has no variable header at all.
struct Disconnect {
  std::uint8_t reason_code = 0;
  Properties properties;
  TailForm form = TailForm::Shortest;
};

/// AUTH (5.0 only).
struct Auth {
  std::uint8_t reason_code = 0;
  Properties properties;
  TailForm form = TailForm::Shortest;
};

/// Any control packet. The alternatives are in packet-type order, so
/// `index() + 1` is the packet type.
using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

/// The packet type of whatever `p` holds.
inline PacketType type_of(const Packet& p) { return static_cast<PacketType>(p.index() + 1); }

/// The flags nibble the specification requires in the fixed header of a
/// packet type (PUBLISH excluded: its flags carry dup, QoS and retain).
inline std::uint8_t required_flags(PacketType t) {
  return (t == PacketType::Pubrel || t == PacketType::Subscribe || t == PacketType::Unsubscribe) ? 0x2 : 0x0;
}

}  // namespace mq
