#include "dump/packet_stream.hpp"

#include <fmt/format.h>

namespace mq::dump {

std::optional<ProtocolVersion> find_connect_version(ByteView input) {
  std::size_t pos = 0;
  while (pos < input.size()) {
    auto header = decode_fixed_header(input.subspan(pos));
    if (!header || header->packet_size() > input.size() - pos) return std::nullopt;
    ByteView packet = input.subspan(pos, header->packet_size());
    if (header->type() == PacketType::Connect) {
      auto decoded = decode_packet(packet, std::nullopt);
      if (decoded) return std::get<Connect>(*decoded).version;
    }
    pos += header->packet_size();
  }
  return std::nullopt;
}

PacketStream::PacketStream(ByteView input, std::optional<ProtocolVersion> version, bool lenient)
    : input_(input), levels_([&] {
        auto connect = find_connect_version(input);  // a CONNECT anywhere wins over -V
        return connect ? connect : version;
      }()),
      lenient_(lenient) {}

void PacketStream::decode(StreamPacket& p, ByteView bytes) {
  LevelDecode d = levels_.decode(bytes, &p.trace, lenient_ ? &p.violations : nullptr);
  p.result = std::move(d.result);
  p.ctx.version = d.version;
  p.ctx.version_guessed = d.guessed;
}

std::optional<StreamPacket> PacketStream::next() {
  if (stopped_ || pos_ >= input_.size()) return std::nullopt;
  StreamPacket p;
  p.ctx.number = ++number_;
  p.ctx.offset = pos_;
  ByteView rest = input_.subspan(pos_);
  auto header = decode_fixed_header(rest);
  if (!header || header->packet_size() > rest.size()) {
    // Without a complete packet there is no next packet to find.
    p.bytes = rest;
    p.ctx.length = rest.size();
    p.ctx.version = levels_.version();
    p.framing_lost = true;
    stopped_ = true;
    if (!header) {
      if (!rest.empty()) p.trace.push_back({0, 1, "fixed header", 0});
      p.result = header.error();
    } else {
      // Decoded as far as it goes, to show the fields that are there; the
      // error is the truncation, whatever field the bytes ran out in.
      decode(p, rest);
      p.result = DecodeError{ErrorKind::Truncated, rest.size(), "remaining length",
                             fmt::format("the packet is truncated: its fixed header declares {} bytes, the input "
                                         "ends after {}",
                                         header->packet_size(), rest.size()),
                             {}};
    }
    return p;
  }
  std::size_t size = header->packet_size();
  p.bytes = rest.first(size);
  p.ctx.length = size;
  pos_ += size;
  decode(p, p.bytes);
  return p;
}

}  // namespace mq::dump
