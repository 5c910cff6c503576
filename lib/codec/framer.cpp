#include "codec/framer.hpp"

#include <fmt/format.h>

namespace mq {

void Framer::feed(ByteView data) {
  // Views handed out by next() stay valid until here, so this is the one
  // place the buffer may move. Drop consumed bytes once they are at least
  // half of it: each byte is moved at most about once on average.
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 0 && pos_ >= buf_.size() - pos_) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buf_.insert(buf_.end(), data.begin(), data.end());
}

Framer::Frame Framer::next() {
  Frame f;
  if (failed_) {
    f.status = Status::Error;
    f.error = error_;
    return f;
  }
  const ByteView avail(buf_.data() + pos_, buf_.size() - pos_);
  if (avail.empty()) return f;
  auto header = decode_fixed_header(avail);
  if (!header) {
    if (header.error().kind == ErrorKind::Truncated) return f;  // NeedMore
    error_ = header.error();
  } else if (header->packet_size() > max_) {
    error_ = DecodeError{ErrorKind::TooLarge, 1, "remaining length",
                         fmt::format("packet of {} bytes exceeds the maximum packet size of {}",
                                     header->packet_size(), max_),
                         {}};
  } else {
    f.header = *header;
    if (avail.size() < header->packet_size()) return f;  // NeedMore
    f.status = Status::Packet;
    f.packet = avail.first(header->packet_size());
    f.body = f.packet.subspan(header->header_size);
    pos_ += header->packet_size();
    consumed_ += header->packet_size();
    return f;
  }
  failed_ = true;
  error_.offset += consumed_;
  f.status = Status::Error;
  f.error = error_;
  return f;
}

}  // namespace mq
