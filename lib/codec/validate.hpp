#pragma once
/// Validation of a packet built in memory, separate from encoding: the same
/// rules the decoder enforces, checked on fields instead of bytes.

#include <optional>

#include "codec/error.hpp"
#include "codec/packets.hpp"

namespace mq {

/// Checks `p` against the rules of protocol level `version` (CONNECT uses its
/// own version). Returns the first broken rule; `offset` in the error is 0
/// and `field` names the field. encode() of a packet that passes decodes back
/// to an equal packet, except that a TailForm decodes as the least form that
/// gives the same bytes (a ReasonOnly PUBACK with reason 0x10 comes back as
/// Shortest). Fields the wire cannot carry at this level (properties, reason
/// codes before 5.0; a packet identifier on a QoS 0 PUBLISH) are errors.
std::optional<DecodeError> validate(const Packet& p, ProtocolVersion version);

}  // namespace mq
