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

PacketStream::PacketStream(ByteView input, std::optional<ProtocolVersion> version) : input_(input) {
  version_ = find_connect_version(input);
  if (!version_) version_ = version;
}

void PacketStream::decode(StreamPacket& p, ByteView bytes) {
  auto type = static_cast<PacketType>(bytes[0] >> 4);
  bool needs_level = type != PacketType::Connect && type != PacketType::Pingreq && type != PacketType::Pingresp;
  if (version_ || !needs_level) {
    p.result = decode_packet(bytes, version_, &p.trace);
    p.ctx.version = version_;
    p.ctx.version_guessed = guessed_ && needs_level;
  } else {
    // No CONNECT and no -V: try both levels.
    FieldTrace t3, t5;
    auto r3 = decode_packet(bytes, ProtocolVersion::v311, &t3);
    auto r5 = decode_packet(bytes, ProtocolVersion::v5, &t5);
    if (r3 && r5) {
      DecodeError e{ErrorKind::UnknownVersion, 0, "fixed header",
                    fmt::format("{} reads differently at MQTT 3.1.1 and 5.0 and the input has no CONNECT to tell "
                                "which: give -V mqttv311 or -V mqttv5",
                                packet_type_name(type)),
                    {}};
      p.result = e;
      p.trace = {};
    } else if (r3 || r5) {
      version_ = r3 ? ProtocolVersion::v311 : ProtocolVersion::v5;
      p.ctx.version_guessed = true;
      guessed_ = true;
      p.ctx.version = version_;
      p.trace = r3 ? std::move(t3) : std::move(t5);
      p.result = r3 ? std::move(r3) : std::move(r5);
    } else {
      // Neither decodes: report the attempt that got further.
      bool five = r5.error().offset >= r3.error().offset;
      DecodeError e = five ? r5.error() : r3.error();
      e.message += fmt::format(" (read as MQTT {}; no CONNECT in the input and no -V)", five ? "5.0" : "3.1.1");
      p.ctx.version = five ? ProtocolVersion::v5 : ProtocolVersion::v311;
      p.trace = five ? std::move(t5) : std::move(t3);
      p.result = e;
    }
  }
  if (p.result)
    if (const auto* c = std::get_if<Connect>(&*p.result)) {
      version_ = c->version;
      guessed_ = false;
      p.ctx.version = c->version;
    }
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
    p.ctx.version = version_;
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
