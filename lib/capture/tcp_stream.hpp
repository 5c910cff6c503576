#pragma once
/// Reassembles one direction of a TCP connection from captured segments:
/// in order, retransmissions and overlaps trimmed, out-of-order segments
/// held until the hole before them fills. Captures that start mid-stream
/// begin at the first segment seen. Memory is bounded: when more than
/// ReassemblyLimits allow waits behind a hole, the hole is given up (the
/// missing bytes are reported as a gap) and the stream goes on after it.
/// Pure logic over sequence numbers and bytes; no I/O.

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "codec/types.hpp"

namespace mq::capture {

/// How much may wait behind a hole before it is given up.
struct ReassemblyLimits {
  std::size_t max_pending_bytes = 1024 * 1024;  ///< bytes held behind a hole
  std::size_t max_pending_segments = 1024;      ///< segments held behind a hole
};

/// Where a direction's bytes go, in stream order.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  /// Called once, before any data: whether the capture missed the start (no SYN seen).
  virtual void begin(bool mid_stream) = 0;
  /// The next bytes of the stream.
  virtual void data(ByteView bytes) = 0;
  /// `missing` bytes were never captured; data continues after them.
  virtual void gap(std::uint64_t missing) = 0;
};

/// One direction of one connection.
class TcpReassembler {
 public:
  explicit TcpReassembler(ReassemblyLimits limits = {}) : limits_(limits) {}

  /// A captured segment with sequence number `seq`, TCP flags (SYN counts as
  /// one sequence number) and payload. Everything that is now in order is
  /// handed to `sink` before this returns.
  void segment(std::uint32_t seq, std::uint8_t flags, ByteView payload, StreamSink& sink);

  /// Gives up every hole: what waits behind them is handed on after a gap.
  /// For the end of a connection or of the capture.
  void flush(StreamSink& sink);

  /// Bytes handed on or reported missing so far (the stream offset).
  std::uint64_t position() const { return position_; }
  /// Bytes seen again after they had been handed on.
  std::uint64_t retransmitted_bytes() const { return retransmitted_; }
  /// Segments that arrived before a segment they follow.
  std::uint64_t out_of_order_segments() const { return out_of_order_; }
  /// Bytes currently held behind a hole.
  std::size_t pending_bytes() const { return pending_bytes_; }

 private:
  void deliver(ByteView bytes, StreamSink& sink);
  void drain(StreamSink& sink);
  void give_up_hole(StreamSink& sink);

  ReassemblyLimits limits_;
  bool started_ = false;
  std::uint32_t next_seq_ = 0;   ///< sequence number of the byte at position_
  std::uint64_t position_ = 0;
  std::map<std::uint64_t, std::vector<std::uint8_t>> pending_;  ///< by stream position
  std::size_t pending_bytes_ = 0;
  std::uint64_t retransmitted_ = 0;
  std::uint64_t out_of_order_ = 0;
};

}  // namespace mq::capture
