#pragma once
/// A streaming framer: bytes go in as they arrive from the network, complete
/// packets come out. A declared length above the configured maximum is
/// rejected as soon as the fixed header is read, before anything is buffered.
///
/// Packets that lie whole inside the bytes given to feed() are handed out as
/// views into those bytes, without copying; only a packet split across feeds
/// is gathered in the framer's own buffer. So the caller keeps the bytes of a
/// feed() alive and unchanged until next() has returned NeedMore or Error, or
/// until its next feed() (which takes a copy of whatever was not framed yet).
/// The usual loop -- feed what a read returned, call next() until NeedMore --
/// meets this without thinking about it.

#include <cstdint>
#include <memory>
#include <vector>

#include "codec/decode.hpp"

namespace mq {

class Framer {
 public:
  /// `max_packet_size` bounds the whole packet, fixed header included.
  explicit Framer(std::uint32_t max_packet_size = kVarIntMax + 5) : max_(max_packet_size) {}

  enum class Status : std::uint8_t { Packet, NeedMore, Error };

  /// One result of next(). `packet` and `body` stay valid until the next
  /// feed() (and while the bytes they point into, see above, are alive).
  struct Frame {
    Status status = Status::NeedMore;
    FixedHeader header;
    ByteView packet;  ///< whole packet, header included
    ByteView body;    ///< the remaining-length bytes
    DecodeError error;  ///< with status Error; offset counted from the start of the stream
  };

  /// Takes bytes received from the peer (borrowed, see above).
  void feed(ByteView data);

  /// The next complete packet, NeedMore, or Error. After an Error the framer
  /// stays in error: the stream cannot be resynchronised.
  /// The common case (a whole packet inside the last feed) is inline.
  Frame next() {
    Frame f;  // the one object returned: built in the caller's frame, never moved
    if (pending() == 0 && borrowed_.size() >= 2) [[likely]] {
      const std::uint8_t* p = borrowed_.data();
      const VarIntRead length = read_varint(p + 1, borrowed_.size() - 1);
      const std::size_t size = 1 + length.length + length.value;
      if (length.status == VarIntStatus::Ok && (p[0] >> 4) != 0 && size <= max_ && size <= borrowed_.size()) [[likely]] {
        const std::size_t header_size = 1 + length.length;
        borrowed_ = borrowed_.subspan(size);
        consumed_ += size;
        f.status = Status::Packet;
        f.header = FixedHeader{p[0], length.value, header_size};
        f.packet = ByteView(p, size);
        f.body = ByteView(p + header_size, length.value);
        return f;
      }
    }
    next_slow(f);
    return f;
  }

  /// The bytes fed but not yet returned as packets, in one view (valid
  /// until the next feed()). After an Error they start with the packet
  /// that could not be framed: a proxy forwards them as they are.
  ByteView unframed() const {
    return pending() > 0 ? ByteView(spill_->buf).subspan(spill_->pos) : borrowed_;
  }
  /// Bytes buffered but not yet returned as packets.
  std::size_t buffered() const { return pending() + borrowed_.size(); }
  /// Bytes consumed as complete packets since construction.
  std::uint64_t consumed() const { return consumed_; }
  std::uint32_t max_packet_size() const { return max_; }
  void set_max_packet_size(std::uint32_t m) { max_ = m; }

 private:
  /// Every case next() does not handle inline: failure, a packet in buf_,
  /// the end of the borrowed bytes.
  void next_slow(Frame& f);
  /// Makes `f` report error_.
  void set_error(Frame& f) const;
  /// Cuts the first packet off `avail` (which starts at stream offset
  /// consumed_). On Error, fills error_ and leaves the state alone.
  Frame cut(ByteView avail);
  /// Copies `bytes` after the pending bytes of buf_ without moving packets
  /// already handed out of buf_ (they stay valid until the next feed()).
  void stash(ByteView bytes);
  /// How many bytes of `data` complete the packet pending in buf_; all of
  /// `data` when that cannot be told (short or broken header, or buf_
  /// holding more than one packet because frames were left undrained).
  std::size_t bytes_to_complete(ByteView data) const;

  /// The framer's own bytes, allocated the first time a packet is split
  /// across feeds: a peer whose packets arrive whole (most idle clients)
  /// costs only the framer object itself, which a server keeps per connection.
  struct Spill {
    std::vector<std::uint8_t> buf;    // packets split across feeds, from pos on
    std::vector<std::uint8_t> spare;  // the previous buf while its frames may still be read
    std::size_t pos = 0;
  };
  /// Bytes in the spill buffer not yet returned as packets.
  std::size_t pending() const { return spill_ ? spill_->buf.size() - spill_->pos : 0; }
  /// The spill buffer, allocated on first use.
  Spill& spill();

  std::unique_ptr<Spill> spill_;
  ByteView borrowed_;                // the caller's bytes from the last feed() not yet framed
  std::uint64_t consumed_ = 0;
  std::uint32_t max_;
  bool failed_ = false;
  std::unique_ptr<DecodeError> error_;  // the last error cut() found (kept once failed_)
};

}  // namespace mq
