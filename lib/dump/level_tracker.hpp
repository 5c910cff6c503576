#pragma once
/// The protocol level of one conversation, learned as its packets pass: the
/// level of its CONNECT, else the level the user gave, else the only level
/// at which a packet decodes (marked as guessed). Packets that read
/// differently at 3.1.1 and 5.0 with nothing to decide are refused with a
/// clear error. Used for byte streams (PacketStream) and for each observed
/// connection (captures, the proxy).

#include <optional>

#include "codec/decode.hpp"

namespace mq::dump {

/// One packet decoded at the conversation's level.
struct LevelDecode {
  Result<Packet> result = DecodeError{};
  std::optional<ProtocolVersion> version;  ///< the level used (or tried, on failure)
  bool guessed = false;                    ///< the level came from the only level that decodes a packet
};

class LevelTracker {
 public:
  /// `initial`: the level to start from (a CONNECT found ahead, or -V).
  explicit LevelTracker(std::optional<ProtocolVersion> initial = std::nullopt) : version_(initial) {}

  /// Decodes one complete packet and learns from it: a CONNECT sets the
  /// level for what follows. With a non-null `trace`, the fields read are
  /// recorded (those of the attempt reported, when both levels failed).
  /// With non-null `violations`, decodes leniently (decode_packet_lenient)
  /// once the level is known; a level is never guessed from a packet that
  /// breaks rules.
  LevelDecode decode(ByteView packet, FieldTrace* trace = nullptr, std::vector<DecodeError>* violations = nullptr);

  /// The level packets are currently decoded at, if known.
  std::optional<ProtocolVersion> version() const { return version_; }

 private:
  std::optional<ProtocolVersion> version_;
  bool guessed_ = false;  ///< version_ came from a packet that decodes at one level only
};

}  // namespace mq::dump
