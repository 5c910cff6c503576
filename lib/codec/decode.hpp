#pragma once
/// Strict decoding of one control packet: a pure function from bytes to a
/// Packet or a precise DecodeError. Never throws, never reads out of bounds.

#include <cstdint>
#include <optional>
#include <vector>

#include "codec/error.hpp"
#include "codec/packet_rules.hpp"
#include "codec/packets.hpp"
#include "codec/plain_publish.hpp"
#include "codec/reader.hpp"

namespace mq {

/// The fixed header of a packet: first byte and remaining length.
struct FixedHeader {
  std::uint8_t first_byte = 0;
  std::uint32_t remaining_length = 0;
  std::size_t header_size = 0;  ///< 2..5 bytes

  PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
  std::uint8_t flags() const { return first_byte & 0x0F; }
  std::size_t packet_size() const { return header_size + remaining_length; }
};

/// Reads a fixed header at the start of `bytes`. Errors: Truncated when more
/// bytes are needed, Malformed for a bad remaining length, ProtocolError for
/// packet type 0. Does not look at the flags.
Result<FixedHeader> decode_fixed_header(ByteView bytes);

/// Decodes one complete packet (fixed header included; `bytes` must hold
/// exactly one packet, or an error names the extra bytes).
///
/// `version` is the protocol level of the connection. CONNECT carries its own
/// level and decodes without it; PINGREQ and PINGRESP need none; any other
/// packet with no version fails with ErrorKind::UnknownVersion.
///
/// Checks everything the packet alone can break: reserved flag bits, QoS 3,
/// remaining length against the fields, UTF-8 rules, topic name and filter
/// rules, packet identifier 0 where one is required, properties (unknown,
/// duplicated, or not allowed in this packet, and their values), reason codes
/// not defined for the packet, CONNECT flag consistency and protocol name.
/// The returned packet's views point into `bytes`.
/// With a non-null `trace`, every field read is recorded in order (mqdump's
/// tree); on failure the trace holds what was read before it.
Result<Packet> decode_packet(ByteView bytes, std::optional<ProtocolVersion> version,
                             FieldTrace* trace = nullptr);

/// Lenient decoding, for a dissector's view of a broken conversation: every
/// rule broken by a field that could still be read (reserved flags, UTF-8 and
/// topic rules, packet identifier 0, reason codes, property rules, CONNECT
/// flag rules) is appended to `violations`, in wire order, and decoding goes
/// on; the result holds what was read. It fails only where the bytes stop
/// making sense (lengths, truncation, an unknown property identifier, QoS
/// 3, an unknown level). With no violation it equals decode_packet.
Result<Packet> decode_packet_lenient(ByteView bytes, std::optional<ProtocolVersion> version, FieldTrace* trace,
                                     std::vector<DecodeError>& violations);

/// Decodes a packet whose fixed header has already been read: `body` is the
/// remaining-length bytes; offsets in errors are counted from the start of
/// the packet (header.header_size is added).
/// The common PUBLISH (see detail::decode_plain_publish) is decoded inline;
/// everything else goes to detail::decode_body_rest.
inline Result<Packet> decode_body(const FixedHeader& header, ByteView body, std::optional<ProtocolVersion> version,
                                  FieldTrace* trace = nullptr);

namespace detail {
/// decode_body for whatever its inline path did not finish: checks the
/// header, decodes the body and fills `out` (which holds a PUBLISH or a
/// PINGREQ to be replaced) with the packet or the precise error.
void decode_body_rest(const FixedHeader& header, ByteView body, std::optional<ProtocolVersion> version,
                      FieldTrace* trace, Result<Packet>& out);
}  // namespace detail

inline Result<Packet> decode_body(const FixedHeader& header, ByteView body, std::optional<ProtocolVersion> version,
                                  FieldTrace* trace) {
  // One Result filled in place and returned by name: no copy of the packet.
  // Starts as a PUBLISH (the packet that matters for speed) or an empty
  // alternative: value-initialising the whole variant as a CONNECT would
  // clear hundreds of bytes for every packet.
  const bool publish = header.type() == PacketType::Publish;
  Result<Packet> result = publish ? Result<Packet>(std::in_place, std::in_place_type<Publish>)
                                  : Result<Packet>(std::in_place, std::in_place_type<Pingreq>);
  if (publish && version && !trace && publish_flags_ok(static_cast<QoS>((header.flags() >> 1) & 0x03), header.flags() & 0x08) &&
      detail::decode_plain_publish(header.flags(), body, *version, *std::get_if<Publish>(&result.value()))) [[likely]]
    return result;
  detail::decode_body_rest(header, body, version, trace, result);
  return result;
}

}  // namespace mq
