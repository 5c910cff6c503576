#include "codec/property_rules.hpp"

#include <array>
#include <string>

#include <fmt/format.h>

#include "codec/rules.hpp"
#include "codec/varint.hpp"

namespace mq {

namespace {

DecodeError error(ErrorKind kind, std::string_view field, std::string message, std::string_view rule = {},
                  std::size_t offset = 0) {
  return DecodeError{kind, offset, std::string(field), std::move(message), std::string(rule)};
}

/// Static "properties/<Name>" strings, built once, indexed by identifier.
struct FieldNames {
  std::array<std::string, 0x30> packet;
  std::array<std::string, 0x30> will;
  FieldNames() {
    for (const auto& info : all_properties()) {
      auto i = static_cast<std::size_t>(info.id);
      packet[i] = fmt::format("properties/{}", info.name);
      will[i] = fmt::format("will properties/{}", info.name);
    }
  }
};

const FieldNames& field_names() {
  static const FieldNames names;
  return names;
}

/// Properties whose value is a boolean byte (0 or 1).
bool is_boolean(PropertyId id) {
  switch (id) {
    case PropertyId::PayloadFormatIndicator:
    case PropertyId::RequestProblemInformation:
    case PropertyId::RequestResponseInformation:
    case PropertyId::MaximumQoS:
    case PropertyId::RetainAvailable:
    case PropertyId::WildcardSubscriptionAvailable:
    case PropertyId::SubscriptionIdentifierAvailable:
    case PropertyId::SharedSubscriptionAvailable: return true;
    default: return false;
  }
}

/// Properties for which the value 0 is a Protocol Error.
std::string_view zero_forbidden_rule(PropertyId id, bool& forbidden) {
  forbidden = true;
  switch (id) {
    case PropertyId::TopicAlias: return "MQTT-3.3.2-8";
    case PropertyId::ReceiveMaximum:
    case PropertyId::SubscriptionIdentifier:
    case PropertyId::MaximumPacketSize: return {};
    default: forbidden = false; return {};
  }
}

std::optional<DecodeError> check_string(std::string_view field, std::string_view s, std::size_t at) {
  if (auto v = check_utf8(s))
    return error(ErrorKind::Malformed, field, std::string(v->message), v->rule, at + v->position);
  return std::nullopt;
}

std::optional<DecodeError> check_value(const Property& p, const PropertyInfo& info, std::string_view field) {
  // Offsets below count from the identifier byte (one byte for every defined id).
  switch (info.type) {
    case WireType::Byte:
      if (p.number > 0xFF) return error(ErrorKind::Malformed, field, "value does not fit in one byte", {}, 1);
      if (is_boolean(p.id) && p.number > 1)
        return error(ErrorKind::ProtocolError, field, fmt::format("value {} is not 0 or 1", p.number), {}, 1);
      break;
    case WireType::TwoByteInt:
      if (p.number > 0xFFFF) return error(ErrorKind::Malformed, field, "value does not fit in two bytes", {}, 1);
      break;
    case WireType::VarInt:
      if (p.number > kVarIntMax)
        return error(ErrorKind::Malformed, field, "value does not fit in a variable byte integer", {}, 1);
      break;
    case WireType::FourByteInt: break;
    case WireType::Utf8String:
      if (p.id == PropertyId::ResponseTopic) {
        if (auto v = check_topic_name(p.value)) {
          bool utf8 = v->rule.substr(0, 9) == "MQTT-1.5.";
          return error(utf8 ? ErrorKind::Malformed : ErrorKind::ProtocolError, field,
                       fmt::format("Response Topic: {}", v->message), v->rule, 3 + v->position);
        }
        break;
      }
      return check_string(field, p.value, 3);
    case WireType::BinaryData: break;
    case WireType::Utf8Pair:
      if (auto e = check_string(field, p.name, 3)) return e;
      return check_string(field, p.value, 3 + p.name.size() + 2);
  }
  bool zero_forbidden = false;
  std::string_view rule = zero_forbidden_rule(p.id, zero_forbidden);
  if (zero_forbidden && p.number == 0)
    return error(ErrorKind::ProtocolError, field, "value 0 is not allowed", rule, 1);
  return std::nullopt;
}

}  // namespace

std::uint32_t property_scope(PacketType type, PropertyPlace place) {
  return place == PropertyPlace::Will ? kInWill : scope_of(type);
}

std::string_view property_length_field(PropertyPlace place) {
  return place == PropertyPlace::Will ? "will property length" : "property length";
}

std::string_view property_field(PropertyPlace place, const PropertyInfo& info) {
  const auto& names = field_names();
  auto i = static_cast<std::size_t>(info.id);
  return place == PropertyPlace::Will ? names.will[i] : names.packet[i];
}

std::optional<DecodeError> check_property(const Property& p, const PropertyInfo& info, PacketType type,
                                          PropertyPlace place, std::uint64_t& seen) {
  std::string_view field = property_field(place, info);
  // An identifier not valid for its packet makes the packet malformed (5.0
  // section 2.2.2.2), wherever it appears: 0x81, not 0x82.
  if (!(info.scopes & property_scope(type, place)))
    return error(ErrorKind::Malformed, field,
                 fmt::format("{} is not allowed in {}", info.name,
                             place == PropertyPlace::Will ? std::string_view("the will properties")
                                                          : packet_type_name(type)));
  const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(info.id);
  // Subscription Identifier may repeat in PUBLISH only.
  bool repeatable = info.repeatable && (info.id != PropertyId::SubscriptionIdentifier || type == PacketType::Publish);
  if ((seen & bit) && !repeatable)
    return error(ErrorKind::ProtocolError, field, fmt::format("{} appears more than once", info.name));
  seen |= bit;
  return check_value(p, info, field);
}

std::optional<DecodeError> check_property_set(std::uint64_t seen, PropertyPlace place) {
  auto has = [seen](PropertyId id) { return (seen >> static_cast<unsigned>(id)) & 1; };
  if (has(PropertyId::AuthenticationData) && !has(PropertyId::AuthenticationMethod)) {
    const PropertyInfo* info = property_info(static_cast<std::uint8_t>(PropertyId::AuthenticationData));
    return error(ErrorKind::ProtocolError, property_field(place, *info),
                 "Authentication Data without an Authentication Method");
  }
  return std::nullopt;
}

std::optional<DecodeError> check_properties(const Properties& props, PacketType type, PropertyPlace place) {
  std::uint64_t seen = 0;
  for (const auto& p : props) {
    const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
    if (!info)
      return error(ErrorKind::Malformed, place == PropertyPlace::Will ? "will properties" : "properties",
                   fmt::format("unknown property identifier 0x{:02X}", static_cast<unsigned>(p.id)));
    if (auto e = check_property(p, *info, type, place, seen)) {
      e->offset = 0;
      return e;
    }
  }
  return check_property_set(seen, place);
}

}  // namespace mq
