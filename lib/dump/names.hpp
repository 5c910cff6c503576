#pragma once
/// Names for values inside packets, shared by the text and JSON formatters
/// so both say the same thing: reason codes at each protocol level.

#include <cstdint>
#include <optional>
#include <string_view>

#include "codec/types.hpp"

namespace mq::dump {

/// The name of a reason code (5.0) or return code (3.1/3.1.1 CONNACK and
/// SUBACK) in packet `type`; empty when the code is not defined there.
std::string_view reason_label(PacketType type, std::uint8_t code, std::optional<ProtocolVersion> version);

}  // namespace mq::dump
