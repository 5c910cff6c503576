#include "proxy/tap.hpp"

#include <fmt/format.h>

#include <charconv>

namespace mq::proxy {

namespace {

/// The level byte of a CONNECT that did not decode, read straight from its
/// variable header (protocol name length, name, level), so that a
/// connection whose CONNECT is broken is still read at the level it asked
/// for. The bridge bit (0x80, as mosquitto bridges send) is ignored.
std::optional<ProtocolVersion> peek_connect_level(ByteView packet) {
  auto header = decode_fixed_header(packet);
  if (!header) return std::nullopt;
  const std::size_t at = header->header_size;
  if (packet.size() < at + 2) return std::nullopt;
  const std::size_t name_len = (std::size_t{packet[at]} << 8) | packet[at + 1];
  const std::size_t level_at = at + 2 + name_len;
  if (packet.size() <= level_at) return std::nullopt;
  const std::uint8_t level = packet[level_at] & 0x7F;
  if (level < 3 || level > 5) return std::nullopt;
  return static_cast<ProtocolVersion>(level);
}

}  // namespace

dump::Endpoint parse_endpoint(std::string_view peer) {
  const auto colon = peer.rfind(':');
  // A socket path has no port; "[::1]:1883" and "1.2.3.4:80" do.
  if (peer.empty() || peer.front() == '/' || colon == std::string_view::npos) return {std::string(peer), 0};
  std::uint16_t port = 0;
  auto port_text = peer.substr(colon + 1);
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size()) return {std::string(peer), 0};
  auto host = peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {std::string(host), port};
}

ConnectionTap::ConnectionTap(std::uint64_t id, dump::Endpoint client, dump::Endpoint server,
                             dump::PacketObserver& observer, std::uint32_t max_packet, NoteHandler notes)
    : id_(id),
      client_(std::move(client)),
      server_(std::move(server)),
      observer_(observer),
      notes_(std::move(notes)),
      sides_{Side(max_packet), Side(max_packet)} {}

void ConnectionTap::feed(dump::Direction direction, ByteView bytes, std::int64_t time_us) {
  Side& side = sides_[index(direction)];
  if (side.lost) {
    side.raw += bytes.size();
    if (sink_) sink_(direction, bytes, std::nullopt);
    return;
  }
  side.framer.feed(bytes);
  for (;;) {
    Framer::Frame f = side.framer.next();
    if (f.status == Framer::Status::NeedMore) return;
    if (f.status == Framer::Status::Packet) {
      deliver(direction, f.packet, time_us);
      continue;
    }
    // Everything from the broken packet's start (part of it may have come
    // in an earlier chunk).
    const ByteView rest = side.framer.unframed();
    DecodeError error = f.error;
    error.offset = error.offset >= side.framer.consumed() ? error.offset - side.framer.consumed() : 0;
    side.raw += rest.size();
    lose_framing(direction, error, rest, time_us);
    return;
  }
}

void ConnectionTap::deliver(dump::Direction d, ByteView packet, std::int64_t time_us) {
  if (sides_[index(d)].skip >> (packet[0] >> 4) & 1) {
    dump::ObservedPacket p{time_us, id_, d, &client_, &server_, packet, version_, nullptr};  // not decoded
    observer_.packet(p);
    if (sink_) sink_(d, packet, static_cast<PacketType>(packet[0] >> 4));
    return;
  }
  const bool connect = d == dump::Direction::ToServer && (packet[0] >> 4) == 1;
  Result<Packet> decoded = decode_packet(packet, connect ? std::nullopt : version_);
  if (connect) {
    if (decoded) version_ = std::get<Connect>(*decoded).version;
    else if (auto level = peek_connect_level(packet)) version_ = level;
  }
  hand_out(d, packet, decoded, time_us);
  if (sink_) sink_(d, packet, static_cast<PacketType>(packet[0] >> 4));
}

void ConnectionTap::hand_out(dump::Direction d, ByteView bytes, const Result<Packet>& decoded, std::int64_t time_us) {
  dump::ObservedPacket p;
  p.time_us = time_us;
  p.connection = id_;
  p.direction = d;
  p.client = &client_;
  p.server = &server_;
  p.bytes = bytes;
  p.version = version_;
  p.decoded = &decoded;
  observer_.packet(p);
}

void ConnectionTap::lose_framing(dump::Direction d, const DecodeError& error, ByteView rest, std::int64_t time_us) {
  Side& side = sides_[index(d)];
  side.lost = true;
  if (notes_)
    notes_(id_, fmt::format("{}: framing lost ({}); the rest of this direction is forwarded unread",
                            dump::direction_arrow(d), to_string(error)));
  hand_out(d, rest, Result<Packet>(error), time_us);
  if (sink_) sink_(d, rest, std::nullopt);
}

void ConnectionTap::start(std::int64_t time_us, std::string_view certificate) {
  observer_.connection_start(dump::ConnectionStart{time_us, id_, &client_, &server_, certificate});
}

void ConnectionTap::end(std::int64_t time_us, std::string_view how) {
  if (ended_) return;
  ended_ = true;
  for (dump::Direction d : {dump::Direction::ToServer, dump::Direction::ToClient}) {
    const Side& side = sides_[index(d)];
    if (!side.lost && side.framer.buffered() > 0 && notes_)
      notes_(id_, fmt::format("{}: the connection ended inside a packet ({} bytes unframed)",
                              dump::direction_arrow(d), side.framer.buffered()));
  }
  observer_.connection_end(dump::ConnectionEnd{time_us, id_, how});
}

}  // namespace mq::proxy
