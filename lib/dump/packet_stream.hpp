#pragma once
/// Splits a byte stream into packets and decodes each at the right protocol
/// level: the level of a CONNECT in the stream (the first one is looked up
/// ahead, so packets before it decode too), else the level the user gave,
/// else the only level at which the packet decodes. Packets that read
/// differently at 3.1.1 and 5.0 with nothing to decide are refused with a
/// clear error.

#include <optional>
#include <vector>

#include "codec/decode.hpp"
#include "dump/format_json.hpp"
#include "dump/level_tracker.hpp"

namespace mq::dump {

/// One packet of the stream, decoded or not.
struct StreamPacket {
  PacketContext ctx;     ///< number, input offset, length, level used (and whether it was guessed)
  ByteView bytes;        ///< the packet (or what is left of the input when framing failed)
  FieldTrace trace;      ///< fields read (all of them, or those before the error)
  Result<Packet> result = DecodeError{};
  bool framing_lost = false;     ///< the error leaves no way to find the next packet
  std::vector<DecodeError> violations;  ///< lenient: every rule the packet breaks, in wire order
};

class PacketStream {
 public:
  /// `input` must outlive the stream and the packets it returns.
  /// `lenient`: decode as far as the bytes go, listing broken rules (see
  /// decode_packet_lenient) instead of stopping at the first.
  PacketStream(ByteView input, std::optional<ProtocolVersion> version, bool lenient = false);

  /// The next packet, or nullopt at the end of the input (or after an error
  /// that lost the framing).
  std::optional<StreamPacket> next();

  /// The level packets are currently decoded at, if known.
  std::optional<ProtocolVersion> version() const { return levels_.version(); }

 private:
  void decode(StreamPacket& p, ByteView bytes);

  ByteView input_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
  bool stopped_ = false;
  LevelTracker levels_;
  bool lenient_ = false;
};

/// The level of the first CONNECT found by walking the fixed headers of
/// `input`; nullopt when there is none before the framing breaks.
std::optional<ProtocolVersion> find_connect_version(ByteView input);

}  // namespace mq::dump
