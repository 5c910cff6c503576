#pragma once
/// A streaming framer: bytes go in as they arrive from the network, complete
/// packets come out. A declared length above the configured maximum is
/// rejected as soon as the fixed header is read, before anything is buffered.

#include <cstdint>
#include <vector>

#include "codec/decode.hpp"

namespace mq {

class Framer {
 public:
  /// `max_packet_size` bounds the whole packet, fixed header included.
  explicit Framer(std::uint32_t max_packet_size = kVarIntMax + 5) : max_(max_packet_size) {}

  enum class Status : std::uint8_t { Packet, NeedMore, Error };

  struct Frame {
    Status status = Status::NeedMore;
    FixedHeader header;
    ByteView packet;  ///< whole packet, header included; valid until the next feed()
    ByteView body;    ///< the remaining-length bytes
    DecodeError error;  ///< offset counted from the start of the stream
  };

  /// Appends bytes received from the peer.
  void feed(ByteView data);

  /// The next complete packet, NeedMore, or Error. After an Error the framer
  /// stays in error: the stream cannot be resynchronised.
  Frame next();

  /// Bytes buffered but not yet returned as packets.
  std::size_t buffered() const { return buf_.size() - pos_; }
  /// Bytes consumed as complete packets since construction.
  std::uint64_t consumed() const { return consumed_; }
  std::uint32_t max_packet_size() const { return max_; }
  void set_max_packet_size(std::uint32_t m) { max_ = m; }

 private:
  std::vector<std::uint8_t> buf_;
  std::size_t pos_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint32_t max_;
  bool failed_ = false;
  DecodeError error_;
};

}  // namespace mq
