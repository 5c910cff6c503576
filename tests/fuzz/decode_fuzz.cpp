/// Fuzzes decode_packet. The first byte picks the protocol level (3.1, 3.1.1,
/// 5.0 or none), the rest is one packet. Whatever decodes must pass the
/// validator, encode to the very bytes it came from, and decode again to an
/// equal packet; whatever fails must say so at an offset inside the input.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "codec/validate.hpp"
#include "invariant.hpp"
#include "same_packet.hpp"

using namespace mq;
using mq::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::optional<ProtocolVersion> level = fuzz::level_from(data[0]);
  const ByteView input(data + 1, size - 1);

  Result<Packet> first = decode_packet(input, level);
  // With a trace the decoder takes its full path everywhere (no lean PUBLISH
  // path): both must find the same packet or the same error.
  FieldTrace trace;
  Result<Packet> traced = decode_packet(input, level, &trace);
  require(first.ok() == traced.ok(), "decoding with a trace changes success");
  if (!first) {
    require(first.error().offset <= input.size(), "error offset past the end of the input");
    const DecodeError& a = first.error();
    const DecodeError& b = traced.error();
    require(a.kind == b.kind && a.offset == b.offset && a.field == b.field && a.message == b.message &&
                a.rule == b.rule,
            "decoding with a trace changes the error");
    return 0;
  }
  require(fuzz::same_packet(*first, *traced), "decoding with a trace changes the packet");
  const Packet& p = *first;
  const PacketType type = type_of(p);
  if (!level)
    require(type == PacketType::Connect || type == PacketType::Pingreq || type == PacketType::Pingresp,
            "a packet that needs the protocol level decoded without one");

  // The level the packet is written at: CONNECT carries its own.
  const ProtocolVersion at = type == PacketType::Connect ? std::get<Connect>(p).version
                                                         : level.value_or(ProtocolVersion::v311);
  if (std::optional<DecodeError> e = validate(p, at)) fuzz::broken("a decoded packet fails validation", *e);

  const std::vector<std::uint8_t> wire = encode(p, at);
  require(wire.size() == encoded_size(p, at), "encoded_size differs from the size encode writes");
  require(fuzz::same_bytes(wire, input), "re-encoding a decoded packet changes its bytes");

  Result<Packet> second = decode_packet(wire, level);
  if (!second) fuzz::broken("the re-encoded packet does not decode", second.error());
  require(fuzz::same_packet(p, *second), "the re-encoded packet decodes to a different packet");
  return 0;
}
