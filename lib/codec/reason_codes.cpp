#include "codec/reason_codes.hpp"

namespace mq {

namespace {

constexpr std::uint32_t bit(PacketType t) { return 1u << static_cast<unsigned>(t); }
constexpr std::uint32_t kConnack = bit(PacketType::Connack);
constexpr std::uint32_t kPuback = bit(PacketType::Puback);
constexpr std::uint32_t kPubrec = bit(PacketType::Pubrec);
constexpr std::uint32_t kPubrel = bit(PacketType::Pubrel);
constexpr std::uint32_t kPubcomp = bit(PacketType::Pubcomp);
constexpr std::uint32_t kSuback = bit(PacketType::Suback);
constexpr std::uint32_t kUnsuback = bit(PacketType::Unsuback);
constexpr std::uint32_t kDisconnect = bit(PacketType::Disconnect);
constexpr std::uint32_t kAuth = bit(PacketType::Auth);
constexpr std::uint32_t kPubAckRec = kPuback | kPubrec;

constexpr ReasonCodeInfo kReasonCodes[] = {
    {0x00, "Success", kConnack | kPuback | kPubrec | kPubrel | kPubcomp | kUnsuback | kAuth},
    {0x00, "Normal disconnection", kDisconnect},
    {0x00, "Granted QoS 0", kSuback},
    {0x01, "Granted QoS 1", kSuback},
    {0x02, "Granted QoS 2", kSuback},
    {0x04, "Disconnect with Will Message", kDisconnect},
    {0x10, "No matching subscribers", kPubAckRec},
    {0x11, "No subscription existed", kUnsuback},
    {0x18, "Continue authentication", kAuth},
    {0x19, "Re-authenticate", kAuth},
    {0x80, "Unspecified error", kConnack | kPubAckRec | kSuback | kUnsuback | kDisconnect},
    {0x81, "Malformed Packet", kConnack | kDisconnect},
    {0x82, "Protocol Error", kConnack | kDisconnect},
    {0x83, "Implementation specific error", kConnack | kPubAckRec | kSuback | kUnsuback | kDisconnect},
    {0x84, "Unsupported Protocol Version", kConnack},
    {0x85, "Client Identifier not valid", kConnack},
    {0x86, "Bad User Name or Password", kConnack},
    {0x87, "Not authorized", kConnack | kPubAckRec | kSuback | kUnsuback | kDisconnect},
    {0x88, "Server unavailable", kConnack},
    {0x89, "Server busy", kConnack | kDisconnect},
    {0x8A, "Banned", kConnack},
    {0x8B, "Server shutting down", kDisconnect},
    {0x8C, "Bad authentication method", kConnack | kDisconnect},
    {0x8D, "Keep Alive timeout", kDisconnect},
    {0x8E, "Session taken over", kDisconnect},
    {0x8F, "Topic Filter invalid", kSuback | kUnsuback | kDisconnect},
    {0x90, "Topic Name invalid", kConnack | kPubAckRec | kDisconnect},
    {0x91, "Packet Identifier in use", kPubAckRec | kSuback | kUnsuback},
    {0x92, "Packet Identifier not found", kPubrel | kPubcomp},
    {0x93, "Receive Maximum exceeded", kDisconnect},
    {0x94, "Topic Alias invalid", kDisconnect},
    {0x95, "Packet too large", kConnack | kDisconnect},
    {0x96, "Message rate too high", kDisconnect},
    {0x97, "Quota exceeded", kConnack | kPubAckRec | kSuback | kDisconnect},
    {0x98, "Administrative action", kDisconnect},
    {0x99, "Payload format invalid", kConnack | kPubAckRec | kDisconnect},
    {0x9A, "Retain not supported", kConnack | kDisconnect},
    {0x9B, "QoS not supported", kConnack | kDisconnect},
    {0x9C, "Use another server", kConnack | kDisconnect},
    {0x9D, "Server moved", kConnack | kDisconnect},
    {0x9E, "Shared Subscriptions not supported", kSuback | kDisconnect},
    {0x9F, "Connection rate exceeded", kConnack | kDisconnect},
    {0xA0, "Maximum connect time", kDisconnect},
    {0xA1, "Subscription Identifiers not supported", kSuback | kDisconnect},
    {0xA2, "Wildcard Subscriptions not supported", kSuback | kDisconnect},
};

}  // namespace

std::span<const ReasonCodeInfo> all_reason_codes() {
  return kReasonCodes;
}

std::string_view reason_name(PacketType type, std::uint8_t code) {
  for (const auto& r : all_reason_codes())
    if (r.code == code && (r.packets & bit(type))) return r.name;
  return {};
}

bool reason_allowed(PacketType type, std::uint8_t code) { return !reason_name(type, code).empty(); }

std::string_view connack_return_name_v3(std::uint8_t code) {
  switch (code) {
    case 0: return "Connection Accepted";
    case 1: return "Connection Refused, unacceptable protocol version";
    case 2: return "Connection Refused, identifier rejected";
    case 3: return "Connection Refused, Server unavailable";
    case 4: return "Connection Refused, bad user name or password";
    case 5: return "Connection Refused, not authorized";
    default: return {};
  }
}

std::string_view suback_return_name_v3(std::uint8_t code) {
  switch (code) {
    case 0: return "Success - Maximum QoS 0";
    case 1: return "Success - Maximum QoS 1";
    case 2: return "Success - Maximum QoS 2";
    case 0x80: return "Failure";
    default: return {};
  }
}

}  // namespace mq
