#include "codec/properties.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include "codec/varint.hpp"

namespace mq {

namespace {

constexpr std::uint32_t kAckScopes = kInPuback | kInPubrec | kInPubrel | kInPubcomp;

constexpr std::array<PropertyInfo, 27> kProperties = {{
    {PropertyId::PayloadFormatIndicator, "Payload Format Indicator", "payload-format-indicator", WireType::Byte, kInPublish | kInWill, false},
    {PropertyId::MessageExpiryInterval, "Message Expiry Interval", "message-expiry-interval", WireType::FourByteInt, kInPublish | kInWill, false},
    {PropertyId::ContentType, "Content Type", "content-type", WireType::Utf8String, kInPublish | kInWill, false},
    {PropertyId::ResponseTopic, "Response Topic", "response-topic", WireType::Utf8String, kInPublish | kInWill, false},
    {PropertyId::CorrelationData, "Correlation Data", "correlation-data", WireType::BinaryData, kInPublish | kInWill, false},
    {PropertyId::SubscriptionIdentifier, "Subscription Identifier", "subscription-identifier", WireType::VarInt, kInPublish | kInSubscribe, true},
    {PropertyId::SessionExpiryInterval, "Session Expiry Interval", "session-expiry-interval", WireType::FourByteInt, kInConnect | kInConnack | kInDisconnect, false},
    {PropertyId::AssignedClientIdentifier, "Assigned Client Identifier", "assigned-client-identifier", WireType::Utf8String, kInConnack, false},
    {PropertyId::ServerKeepAlive, "Server Keep Alive", "server-keep-alive", WireType::TwoByteInt, kInConnack, false},
    {PropertyId::AuthenticationMethod, "Authentication Method", "authentication-method", WireType::Utf8String, kInConnect | kInConnack | kInAuth, false},
    {PropertyId::AuthenticationData, "Authentication Data", "authentication-data", WireType::BinaryData, kInConnect | kInConnack | kInAuth, false},
    {PropertyId::RequestProblemInformation, "Request Problem Information", "request-problem-information", WireType::Byte, kInConnect, false},
    {PropertyId::WillDelayInterval, "Will Delay Interval", "will-delay-interval", WireType::FourByteInt, kInWill, false},
    {PropertyId::RequestResponseInformation, "Request Response Information", "request-response-information", WireType::Byte, kInConnect, false},
    {PropertyId::ResponseInformation, "Response Information", "response-information", WireType::Utf8String, kInConnack, false},
    {PropertyId::ServerReference, "Server Reference", "server-reference", WireType::Utf8String, kInConnack | kInDisconnect, false},
    {PropertyId::ReasonString, "Reason String", "reason-string", WireType::Utf8String, kInConnack | kAckScopes | kInSuback | kInUnsuback | kInDisconnect | kInAuth, false},
    {PropertyId::ReceiveMaximum, "Receive Maximum", "receive-maximum", WireType::TwoByteInt, kInConnect | kInConnack, false},
    {PropertyId::TopicAliasMaximum, "Topic Alias Maximum", "topic-alias-maximum", WireType::TwoByteInt, kInConnect | kInConnack, false},
    {PropertyId::TopicAlias, "Topic Alias", "topic-alias", WireType::TwoByteInt, kInPublish, false},
    {PropertyId::MaximumQoS, "Maximum QoS", "maximum-qos", WireType::Byte, kInConnack, false},
    {PropertyId::RetainAvailable, "Retain Available", "retain-available", WireType::Byte, kInConnack, false},
    {PropertyId::UserProperty, "User Property", "user-property", WireType::Utf8Pair,
     kInConnect | kInConnack | kInPublish | kInWill | kAckScopes | kInSubscribe | kInSuback | kInUnsubscribe | kInUnsuback | kInDisconnect | kInAuth, true},
    {PropertyId::MaximumPacketSize, "Maximum Packet Size", "maximum-packet-size", WireType::FourByteInt, kInConnect | kInConnack, false},
    {PropertyId::WildcardSubscriptionAvailable, "Wildcard Subscription Available", "wildcard-subscription-available", WireType::Byte, kInConnack, false},
    {PropertyId::SubscriptionIdentifierAvailable, "Subscription Identifier Available", "subscription-identifier-available", WireType::Byte, kInConnack, false},
    {PropertyId::SharedSubscriptionAvailable, "Shared Subscription Available", "shared-subscription-available", WireType::Byte, kInConnack, false},
}};

constexpr std::array<const PropertyInfo*, 0x2B> make_index() {
  std::array<const PropertyInfo*, 0x2B> idx{};
  for (const auto& p : kProperties) idx[static_cast<std::size_t>(p.id)] = &p;
  return idx;
}
constexpr auto kIndex = make_index();

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto ca = std::tolower(static_cast<unsigned char>(a[i]));
    auto cb = std::tolower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return false;
  }
  return true;
}

}  // namespace

PropertyScope scope_of(PacketType t) {
  switch (t) {
    case PacketType::Connect: return kInConnect;
    case PacketType::Connack: return kInConnack;
    case PacketType::Publish: return kInPublish;
    case PacketType::Puback: return kInPuback;
    case PacketType::Pubrec: return kInPubrec;
    case PacketType::Pubrel: return kInPubrel;
    case PacketType::Pubcomp: return kInPubcomp;
    case PacketType::Subscribe: return kInSubscribe;
    case PacketType::Suback: return kInSuback;
    case PacketType::Unsubscribe: return kInUnsubscribe;
    case PacketType::Unsuback: return kInUnsuback;
    case PacketType::Disconnect: return kInDisconnect;
    case PacketType::Auth: return kInAuth;
    case PacketType::Pingreq:
    case PacketType::Pingresp: break;
  }
  return PropertyScope{};
}

std::span<const PropertyInfo> all_properties() { return kProperties; }

const PropertyInfo* property_info(std::uint8_t id) {
  return id < kIndex.size() ? kIndex[id] : nullptr;
}

const PropertyInfo* find_property(std::string_view s) {
  for (const auto& p : kProperties)
    if (iequal(s, p.key) || iequal(s, p.name)) return &p;
  unsigned value = 0;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty() && value <= 0xFF)
    return property_info(static_cast<std::uint8_t>(value));
  return nullptr;
}

const Property* find(const Properties& props, PropertyId id) {
  for (const auto& p : props)
    if (p.id == id) return &p;
  return nullptr;
}

std::size_t properties_wire_size(const Properties& props) {
  std::size_t n = 0;
  for (const auto& p : props) {
    n += 1;  // identifier (a one-byte variable byte integer for all defined ids)
    const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
    WireType t = info ? info->type : WireType::Byte;
    switch (t) {
      case WireType::Byte: n += 1; break;
      case WireType::TwoByteInt: n += 2; break;
      case WireType::FourByteInt: n += 4; break;
      case WireType::VarInt: n += varint_size(p.number); break;
      case WireType::Utf8String:
      case WireType::BinaryData: n += 2 + p.value.size(); break;
      case WireType::Utf8Pair: n += 4 + p.name.size() + p.value.size(); break;
    }
  }
  return n;
}

}  // namespace mq
