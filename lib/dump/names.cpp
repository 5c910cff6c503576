#include "dump/names.hpp"

#include "codec/reason_codes.hpp"

namespace mq::dump {

std::string_view reason_label(PacketType type, std::uint8_t code, std::optional<ProtocolVersion> version) {
  if (version && *version != ProtocolVersion::v5) {
    if (type == PacketType::Connack) return connack_return_name_v3(code);
    if (type == PacketType::Suback) return suback_return_name_v3(code);
    return {};
  }
  return reason_name(type, code);
}

}  // namespace mq::dump
