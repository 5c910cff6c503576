#pragma once
/// Encoding: writes exactly what a packet's fields say, valid or not.

#include <cstdint>
#include <vector>

#include "codec/packets.hpp"

namespace mq {

/// Appends the wire form of `p` at protocol level `version` to `out`.
/// CONNECT uses its own `version` field instead. Properties are written only
/// at level 5.
void encode(const Packet& p, ProtocolVersion version, std::vector<std::uint8_t>& out);

/// The wire form of `p` as a new vector.
std::vector<std::uint8_t> encode(const Packet& p, ProtocolVersion version);

/// Size in bytes of the wire form of `p` (fixed header included), computed
/// without encoding.
std::size_t encoded_size(const Packet& p, ProtocolVersion version);

}  // namespace mq
