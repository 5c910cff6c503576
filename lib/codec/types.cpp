#include "codec/types.hpp"

#include <array>
#include <cctype>

namespace mq {

std::string_view version_name(ProtocolVersion v) {
  switch (v) {
    case ProtocolVersion::v31: return "3.1";
    case ProtocolVersion::v311: return "3.1.1";
    case ProtocolVersion::v5: return "5.0";
  }
  return "unknown";
}

std::optional<ProtocolVersion> parse_version(std::string_view s) {
  if (s == "mqttv31" || s == "31" || s == "3.1" || s == "3") return ProtocolVersion::v31;
  if (s == "mqttv311" || s == "311" || s == "3.1.1" || s == "4") return ProtocolVersion::v311;
  if (s == "mqttv5" || s == "5" || s == "5.0") return ProtocolVersion::v5;
  return std::nullopt;
}

namespace {
constexpr std::array<std::string_view, 16> kTypeNames = {
    "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
    "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"};
}

std::string_view packet_type_name(PacketType t) {
  auto i = static_cast<std::size_t>(t);
  return i < kTypeNames.size() ? kTypeNames[i] : "RESERVED";
}

std::optional<PacketType> parse_packet_type(std::string_view name) {
  for (std::size_t i = 1; i < kTypeNames.size(); ++i) {
    const auto& n = kTypeNames[i];
    if (n.size() != name.size()) continue;
    bool eq = true;
    for (std::size_t k = 0; k < n.size() && eq; ++k)
      eq = std::toupper(static_cast<unsigned char>(name[k])) == n[k];
    if (eq) return static_cast<PacketType>(i);
  }
  return std::nullopt;
}

}  // namespace mq
