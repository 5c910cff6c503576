#include "codec/framer.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace mq {

Framer::Spill& Framer::spill() {
  if (!spill_) spill_ = std::make_unique<Spill>();
  return *spill_;
}

void Framer::feed(ByteView data) {
  // Bytes of the last feed() not framed yet are still alive (the caller's
  // side of the bargain): keep them before taking new ones.
  if (!borrowed_.empty()) stash(borrowed_);
  borrowed_ = {};
  // Views handed out by next() stay valid until here, so this is the one
  // place the buffer may shrink. Drop consumed bytes once they are at least
  // half of it: each byte is moved at most about once on average.
  if (spill_) {
    Spill& s = *spill_;
    if (s.pos == s.buf.size()) {
      s.buf.clear();
      s.pos = 0;
    } else if (s.pos > 0 && s.pos >= s.buf.size() - s.pos) {
      s.buf.erase(s.buf.begin(), s.buf.begin() + static_cast<std::ptrdiff_t>(s.pos));
      s.pos = 0;
    }
  }
  if (pending() == 0 && !failed_) {
    borrowed_ = data;  // nothing pending: frame straight out of the caller's bytes
    return;
  }
  const std::size_t take = failed_ ? data.size() : bytes_to_complete(data);
  Spill& s = spill();
  s.buf.insert(s.buf.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
  borrowed_ = data.subspan(take);
}

std::size_t Framer::bytes_to_complete(ByteView data) const {
  const std::size_t pending = this->pending();
  // The fixed header is at most 5 bytes and may straddle the two.
  std::uint8_t head[5];
  const std::size_t from_buf = std::min<std::size_t>(pending, sizeof head);
  const std::size_t from_data = std::min(data.size(), sizeof head - from_buf);
  if (from_buf) std::copy_n(spill_->buf.begin() + static_cast<std::ptrdiff_t>(spill_->pos), from_buf, head);
  std::copy_n(data.begin(), from_data, head + from_buf);
  const Result<FixedHeader> h = decode_fixed_header(ByteView(head, from_buf + from_data));
  if (!h || h->packet_size() > max_ || h->packet_size() <= pending) return data.size();
  return std::min(h->packet_size() - pending, data.size());
}

void Framer::stash(ByteView bytes) {
  Spill& s = spill();
  if (s.buf.capacity() - s.buf.size() >= bytes.size()) {
    s.buf.insert(s.buf.end(), bytes.begin(), bytes.end());  // no reallocation: earlier frames stay put
  } else {
    s.spare.clear();
    s.spare.reserve(std::max(s.buf.size() - s.pos + bytes.size(), 2 * s.buf.capacity()));
    s.spare.insert(s.spare.end(), s.buf.begin() + static_cast<std::ptrdiff_t>(s.pos), s.buf.end());
    s.spare.insert(s.spare.end(), bytes.begin(), bytes.end());
    s.buf.swap(s.spare);  // the old buffer lives on in spare until the next stash
    s.pos = 0;
  }
  borrowed_ = {};
}

Framer::Frame Framer::cut(ByteView avail) {
  Frame f;
  if (avail.empty()) return f;
  auto header = decode_fixed_header(avail);
  if (!header) {
    if (header.error().kind == ErrorKind::Truncated) return f;  // NeedMore
    error_ = std::make_unique<DecodeError>(header.error());
  } else if (header->packet_size() > max_) {
    error_ = std::make_unique<DecodeError>(DecodeError{ErrorKind::TooLarge, 1, "remaining length",
                         fmt::format("packet of {} bytes exceeds the maximum packet size of {}",
                                     header->packet_size(), max_),
                         {}});
  } else {
    f.header = *header;
    if (avail.size() < header->packet_size()) return f;  // NeedMore
    f.status = Status::Packet;
    f.packet = avail.first(header->packet_size());
    f.body = f.packet.subspan(header->header_size);
    consumed_ += header->packet_size();
    return f;
  }
  f.status = Status::Error;
  return f;
}

void Framer::set_error(Frame& f) const {
  f.status = Status::Error;
  f.error = *error_;
}

void Framer::next_slow(Frame& out) {
  for (;;) {
    if (failed_) return set_error(out);
    if (pending() > 0) {
      Spill& s = *spill_;
      Frame f = cut(ByteView(s.buf).subspan(s.pos));
      if (f.status == Status::Packet) {
        s.pos += f.packet.size();
        out = std::move(f);
        return;
      }
      if (f.status == Status::Error) {
        failed_ = true;
        error_->offset += consumed_;
        return set_error(out);
      }
      if (borrowed_.empty()) {
        out = std::move(f);  // NeedMore
        return;
      }
      stash(borrowed_);  // feed() normally completes the packet; be safe if not
      continue;
    }
    if (borrowed_.empty()) return;  // NeedMore
    Frame f = cut(borrowed_);
    if (f.status == Status::Packet) {
      borrowed_ = borrowed_.subspan(f.packet.size());
      out = std::move(f);
      return;
    }
    // The last feed ends inside a packet, or the stream is broken: keep the
    // rest in our own buffer (the caller's bytes may go once we return) and
    // answer from there.
    stash(borrowed_);
  }
}

}  // namespace mq
