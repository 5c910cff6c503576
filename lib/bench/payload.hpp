#pragma once
/// The payload of every message mqbench publishes. It starts with a fixed
/// 24-byte header, all integers little-endian, at fixed offsets so that a
/// pre-encoded PUBLISH is reused and only these bytes are patched per send:
///
///   offset  size  field
///        0     4  magic "mqb" and layout version 1 ('m' 'q' 'b' 0x01)
///        4     4  publisher: the publisher's global client index
///        8     8  sequence: the publisher's send number, from 0
///       16     8  timestamp: ns on the sender's clock (CLOCK_MONOTONIC in
///                 one process); the scheduled send time in open loop
///
/// The rest is filler ('a'..'z' repeating, a function of the offset only).
/// Sizes are fixed or a range "MIN-MAX"; in a range the size of each message
/// is a hash of (publisher, sequence), so the receiver knows the size every
/// message must have and a truncated or padded payload is detected.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mq::bench {

/// The fields of the header.
struct PayloadHeader {
  std::uint32_t publisher = 0;
  std::uint64_t sequence = 0;
  std::uint64_t timestamp_ns = 0;
  bool operator==(const PayloadHeader&) const = default;
};

inline constexpr std::size_t kPayloadHeaderSize = 24;
inline constexpr std::size_t kPayloadPublisherOffset = 4;
inline constexpr std::size_t kPayloadSequenceOffset = 8;
inline constexpr std::size_t kPayloadTimestampOffset = 16;
/// The largest payload: the MQTT limit for a whole packet is 256 MiB.
inline constexpr std::uint32_t kPayloadMaxSize = 256u << 20;

/// --size: a fixed size or an inclusive range.
struct PayloadSize {
  std::uint32_t min = kPayloadHeaderSize;
  std::uint32_t max = kPayloadHeaderSize;
  /// The size of message (publisher, sequence): min when fixed, else a hash
  /// of the two spread evenly over min..max.
  std::uint32_t of(std::uint32_t publisher, std::uint64_t sequence) const;
  bool fixed() const { return min == max; }
};

/// Parses "N" or "MIN-MAX" (bytes, each at least the 24-byte header).
std::optional<std::string> parse_payload_size(std::string_view text, PayloadSize& out);

/// Writes the header into the first 24 bytes of `payload` (at least 24 long).
void write_payload_header(std::span<std::uint8_t> payload, const PayloadHeader& h);
/// Patches only sequence and timestamp: what changes from send to send.
void patch_payload(std::uint8_t* payload, std::uint64_t sequence, std::uint64_t timestamp_ns);
/// Header plus filler: a complete payload of payload.size() bytes.
void fill_payload(std::span<std::uint8_t> payload, const PayloadHeader& h);

/// Reads the header into `out`; false when the payload is shorter than 24
/// bytes or does not start with the magic (not an mqbench message). Inline:
/// it runs once per delivery, millions of times a second.
inline bool read_payload_header(std::span<const std::uint8_t> payload, PayloadHeader& out) {
  static_assert(std::endian::native == std::endian::little, "mqbench reads its payload header natively");
  constexpr std::uint32_t magic = 'm' | 'q' << 8 | 'b' << 16 | 1u << 24;
  std::uint32_t m;
  if (payload.size() < kPayloadHeaderSize) return false;
  std::memcpy(&m, payload.data(), 4);
  if (m != magic) return false;
  std::memcpy(&out.publisher, payload.data() + kPayloadPublisherOffset, 4);
  std::memcpy(&out.sequence, payload.data() + kPayloadSequenceOffset, 8);
  std::memcpy(&out.timestamp_ns, payload.data() + kPayloadTimestampOffset, 8);
  return true;
}

/// The same, as an optional.
inline std::optional<PayloadHeader> read_payload_header(std::span<const std::uint8_t> payload) {
  PayloadHeader h;
  if (!read_payload_header(payload, h)) return std::nullopt;
  return h;
}

}  // namespace mq::bench
