#include "capture/tcp_stream.hpp"

#include <algorithm>

#include "netframe/frame.hpp"

namespace mq::capture {

void TcpReassembler::deliver(ByteView bytes, StreamSink& sink) {
  if (bytes.empty()) return;
  next_seq_ += static_cast<std::uint32_t>(bytes.size());
  position_ += bytes.size();
  sink.data(bytes);
}

void TcpReassembler::segment(std::uint32_t seq, std::uint8_t flags, ByteView payload, StreamSink& sink) {
  const bool syn = (flags & netframe::TcpFlag::Syn) != 0;
  const std::uint32_t data_seq = syn ? seq + 1 : seq;
  if (!started_) {
    // Without a SYN, the first segment seen is where the stream starts for us.
    started_ = true;
    next_seq_ = data_seq;
    sink.begin(!syn);
  }
  if (payload.empty()) return;
  // Sequence numbers wrap: compare by signed distance.
  const auto distance = static_cast<std::int32_t>(data_seq - next_seq_);
  if (distance <= 0) {
    const auto behind = static_cast<std::size_t>(-static_cast<std::int64_t>(distance));
    if (behind >= payload.size()) {
      retransmitted_ += payload.size();
      return;
    }
    retransmitted_ += behind;
    deliver(payload.subspan(behind), sink);
    drain(sink);
    return;
  }
  ++out_of_order_;
  const std::uint64_t at = position_ + static_cast<std::uint64_t>(distance);
  auto& slot = pending_[at];
  retransmitted_ += std::min(slot.size(), payload.size());
  if (payload.size() > slot.size()) {
    // The same segment seen twice keeps its longest copy.
    pending_bytes_ += payload.size() - slot.size();
    slot.assign(payload.begin(), payload.end());
  }
  while (!pending_.empty() &&
         (pending_bytes_ > limits_.max_pending_bytes || pending_.size() > limits_.max_pending_segments))
    give_up_hole(sink);
}

void TcpReassembler::drain(StreamSink& sink) {
  while (!pending_.empty() && pending_.begin()->first <= position_) {
    auto node = pending_.extract(pending_.begin());
    pending_bytes_ -= node.mapped().size();
    const std::uint64_t overlap = position_ - node.key();
    if (overlap >= node.mapped().size()) {
      retransmitted_ += node.mapped().size();
      continue;
    }
    retransmitted_ += overlap;
    deliver(ByteView(node.mapped()).subspan(static_cast<std::size_t>(overlap)), sink);
  }
}

void TcpReassembler::give_up_hole(StreamSink& sink) {
  const std::uint64_t missing = pending_.begin()->first - position_;
  next_seq_ += static_cast<std::uint32_t>(missing);
  position_ += missing;
  sink.gap(missing);
  drain(sink);
}

void TcpReassembler::flush(StreamSink& sink) {
  while (!pending_.empty()) give_up_hole(sink);
}

}  // namespace mq::capture
