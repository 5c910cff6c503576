#pragma once
/// MQTT 5.0 reason codes (section 2.4) and the 3.1/3.1.1 CONNACK return codes,
/// each with its name and the packets it may appear in: one table.

#include <cstdint>
#include <span>
#include <string_view>

#include "codec/types.hpp"

namespace mq {

/// One row of the reason-code table. `packets` is a bit set of
/// (1 << PacketType) for every packet type the code is defined for.
struct ReasonCodeInfo {
  std::uint8_t code;
  std::string_view name;
  std::uint32_t packets;
};

/// Every MQTT 5.0 reason code. Some codes (0x00) have several rows with
/// different names depending on the packet.
std::span<const ReasonCodeInfo> all_reason_codes();

/// The 5.0 name of `code` in packet `type` ("Success", "Granted QoS 1",
/// "Normal disconnection", ...), or an empty view when the code is not
/// defined for that packet.
std::string_view reason_name(PacketType type, std::uint8_t code);

/// True when `code` is defined for `type` in MQTT 5.0.
bool reason_allowed(PacketType type, std::uint8_t code);

/// Name of a 3.1/3.1.1 CONNACK return code (0..5), or empty.
std::string_view connack_return_name_v3(std::uint8_t code);

/// Names of 3.1.1 SUBACK return codes (0, 1, 2, 0x80), or empty.
std::string_view suback_return_name_v3(std::uint8_t code);

}  // namespace mq
