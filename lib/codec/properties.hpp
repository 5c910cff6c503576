#pragma once
/// MQTT 5.0 properties: the one table that says, for each property, its
/// identifier, name, wire type and the packets it may appear in. The decoder,
/// the validator, mqdump and the command-line property options all read it.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "codec/types.hpp"

namespace mq {

/// Property identifiers (MQTT 5.0 section 2.2.2.2).
enum class PropertyId : std::uint8_t {
  PayloadFormatIndicator = 0x01,
  MessageExpiryInterval = 0x02,
  ContentType = 0x03,
  ResponseTopic = 0x08,
  CorrelationData = 0x09,
  SubscriptionIdentifier = 0x0B,
  SessionExpiryInterval = 0x11,
  AssignedClientIdentifier = 0x12,
  ServerKeepAlive = 0x13,
  AuthenticationMethod = 0x15,
  AuthenticationData = 0x16,
  RequestProblemInformation = 0x17,
  WillDelayInterval = 0x18,
  RequestResponseInformation = 0x19,
  ResponseInformation = 0x1A,
  ServerReference = 0x1C,
  ReasonString = 0x1F,
  ReceiveMaximum = 0x21,
  TopicAliasMaximum = 0x22,
  TopicAlias = 0x23,
  MaximumQoS = 0x24,
  RetainAvailable = 0x25,
  UserProperty = 0x26,
  MaximumPacketSize = 0x27,
  WildcardSubscriptionAvailable = 0x28,
  SubscriptionIdentifierAvailable = 0x29,
  SharedSubscriptionAvailable = 0x2A,
};

/// How a property's value is written on the wire (MQTT 5.0 section 1.5).
enum class WireType : std::uint8_t {
  Byte,         ///< one byte
  TwoByteInt,   ///< big-endian 16-bit
  FourByteInt,  ///< big-endian 32-bit
  VarInt,       ///< variable byte integer, 1..4 bytes
  Utf8String,   ///< 2-byte length + UTF-8
  BinaryData,   ///< 2-byte length + bytes
  Utf8Pair,     ///< two UTF-8 strings
};

/// Where a property may appear. The will properties live inside CONNECT's
/// payload, so they get their own bit.
enum PropertyScope : std::uint32_t {
  kInConnect = 1u << 0,
  kInConnack = 1u << 1,
  kInPublish = 1u << 2,
  kInPuback = 1u << 3,
  kInPubrec = 1u << 4,
  kInPubrel = 1u << 5,
  kInPubcomp = 1u << 6,
  kInSubscribe = 1u << 7,
  kInSuback = 1u << 8,
  kInUnsubscribe = 1u << 9,
  kInUnsuback = 1u << 10,
  kInDisconnect = 1u << 11,
  kInAuth = 1u << 12,
  kInWill = 1u << 13,
};

/// The scope bit for a packet type's own property list.
PropertyScope scope_of(PacketType t);

/// One row of the property table.
struct PropertyInfo {
  PropertyId id;
  std::string_view name;       ///< specification name, e.g. "Message Expiry Interval"
  std::string_view key;        ///< command-line and JSON key, e.g. "message-expiry-interval"
  WireType type;
  std::uint32_t scopes;        ///< PropertyScope bits
  bool repeatable;             ///< may appear more than once (User Property, Subscription Identifier in PUBLISH)
};

/// Every property, in identifier order.
std::span<const PropertyInfo> all_properties();
/// The table row for an identifier; nullptr for an identifier the spec does not define.
const PropertyInfo* property_info(std::uint8_t id);
/// Look up a row by its key ("content-type"), its spec name, or its identifier
/// written as a number ("3", "0x03"); case-insensitive.
const PropertyInfo* find_property(std::string_view name_or_key);

/// A property as it appears on the wire. Integer-valued properties use
/// `number`; strings and binary data use `value`; a User Property uses
/// `name` (key) and `value`. Views point into caller-owned storage.
struct Property {
  PropertyId id{};
  std::uint32_t number = 0;
  std::string_view name;
  std::string_view value;

  bool operator==(const Property&) const = default;
};

/// Properties in wire order. A vector, not a map: order and duplicates are
/// kept so that user properties survive unchanged and invalid packets can be
/// crafted and shown as they are.
using Properties = std::vector<Property>;

/// First property with this identifier, or nullptr.
const Property* find(const Properties& props, PropertyId id);

/// Bytes the property list occupies, without its own length prefix.
std::size_t properties_wire_size(const Properties& props);

}  // namespace mq
