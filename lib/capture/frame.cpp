#include "capture/frame.hpp"

#include <arpa/inet.h>

namespace mq::capture {

namespace {

unsigned be16(ByteView b, std::size_t at) { return static_cast<unsigned>(b[at] << 8 | b[at + 1]); }
std::uint32_t be32(ByteView b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
         static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3];
}

FrameResult skip(FrameSkip why) { return FrameResult{std::nullopt, why}; }

std::string address_text(int family, const std::uint8_t* bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, bytes, buf, sizeof buf);
  return buf;
}

FrameResult tcp(ByteView b, std::size_t at, std::size_t end, TcpSegment seg) {
  if (end < at + 20) return skip(FrameSkip::Truncated);
  const std::size_t header = static_cast<std::size_t>(b[at + 12] >> 4) * 4;
  if (header < 20 || at + header > end) return skip(FrameSkip::Truncated);
  seg.src_port = static_cast<std::uint16_t>(be16(b, at));
  seg.dst_port = static_cast<std::uint16_t>(be16(b, at + 2));
  seg.seq = be32(b, at + 4);
  seg.flags = b[at + 13];
  seg.payload = b.subspan(at + header, end - at - header);
  return FrameResult{std::move(seg), FrameSkip::NotTcp};
}

FrameResult ipv4(ByteView b, std::size_t at) {
  if (b.size() < at + 20) return skip(FrameSkip::Truncated);
  const std::size_t header = static_cast<std::size_t>(b[at] & 0x0F) * 4;
  const std::size_t total = be16(b, at + 2);
  if (header < 20 || total < header) return skip(FrameSkip::Truncated);
  if (b[at + 9] != 6) return skip(FrameSkip::NotTcp);
  // More fragments, or a fragment offset: only whole datagrams are read.
  if ((be16(b, at + 6) & 0x3FFF) != 0) return skip(FrameSkip::Fragment);
  // TSO captures on the sending host show a total length of 0.
  std::size_t end = total == 0 ? b.size() : at + total;
  if (end > b.size()) return skip(FrameSkip::Truncated);
  TcpSegment seg;
  seg.src_address = address_text(AF_INET, &b[at + 12]);
  seg.dst_address = address_text(AF_INET, &b[at + 16]);
  return tcp(b, at + header, end, std::move(seg));
}

FrameResult ipv6(ByteView b, std::size_t at) {
  if (b.size() < at + 40) return skip(FrameSkip::Truncated);
  const std::size_t end = at + 40 + be16(b, at + 4);
  if (end > b.size()) return skip(FrameSkip::Truncated);
  TcpSegment seg;
  seg.src_address = address_text(AF_INET6, &b[at + 8]);
  seg.dst_address = address_text(AF_INET6, &b[at + 24]);
  unsigned next = b[at + 6];
  std::size_t pos = at + 40;
  // Hop-by-hop, routing and destination options share one layout; a
  // fragment header means the datagram is not whole.
  for (int hops = 0; hops < 8; ++hops) {
    if (next == 6) return tcp(b, pos, end, std::move(seg));
    if (next == 44) return skip(FrameSkip::Fragment);
    if (next != 0 && next != 43 && next != 60) return skip(FrameSkip::NotTcp);
    if (pos + 8 > end) return skip(FrameSkip::Truncated);
    next = b[pos];
    pos += (static_cast<std::size_t>(b[pos + 1]) + 1) * 8;
  }
  return skip(FrameSkip::NotTcp);
}

FrameResult by_ethertype(ByteView b, unsigned type, std::size_t at) {
  if (type == 0x0800) return ipv4(b, at);
  if (type == 0x86DD) return ipv6(b, at);
  return skip(FrameSkip::NotTcp);
}

FrameResult by_version(ByteView b, std::size_t at) {
  if (b.size() <= at) return skip(FrameSkip::Truncated);
  if (b[at] >> 4 == 4) return ipv4(b, at);
  if (b[at] >> 4 == 6) return ipv6(b, at);
  return skip(FrameSkip::NotTcp);
}

/// BSD address families: AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30.
FrameResult by_family(ByteView b, std::uint32_t family) {
  if (family == 2) return ipv4(b, 4);
  if (family == 24 || family == 28 || family == 30) return ipv6(b, 4);
  return skip(FrameSkip::NotTcp);
}

}  // namespace

std::optional<LinkType> link_type_from_pcap(int linktype) {
  switch (linktype) {
    case 0: return LinkType::Null;
    case 1: return LinkType::Ethernet;
    case 12: case 14: case 101: return LinkType::Raw;
    case 108: return LinkType::Loop;
    case 113: return LinkType::LinuxSll;
    case 228: return LinkType::Ipv4;
    case 229: return LinkType::Ipv6;
    case 276: return LinkType::LinuxSll2;
    default: return std::nullopt;
  }
}

FrameResult parse_frame(LinkType link, ByteView b) {
  switch (link) {
    case LinkType::Ethernet: {
      if (b.size() < 14) return skip(FrameSkip::Truncated);
      unsigned type = be16(b, 12);
      if (type == 0x8100 || type == 0x88A8) {
        if (b.size() < 18) return skip(FrameSkip::Truncated);
        return by_ethertype(b, be16(b, 16), 18);
      }
      return by_ethertype(b, type, 14);
    }
    case LinkType::LinuxSll:
      if (b.size() < 16) return skip(FrameSkip::Truncated);
      return by_ethertype(b, be16(b, 14), 16);
    case LinkType::LinuxSll2:
      if (b.size() < 20) return skip(FrameSkip::Truncated);
      return by_ethertype(b, be16(b, 0), 20);
    case LinkType::Null: {
      if (b.size() < 4) return skip(FrameSkip::Truncated);
      // Written in the capturing host's order, which the file does not say:
      // the small value is the right reading.
      std::uint32_t le = b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
      return by_family(b, le < 256 ? le : be32(b, 0));
    }
    case LinkType::Loop:
      if (b.size() < 4) return skip(FrameSkip::Truncated);
      return by_family(b, be32(b, 0));
    case LinkType::Raw: return by_version(b, 0);
    case LinkType::Ipv4: return ipv4(b, 0);
    case LinkType::Ipv6: return ipv6(b, 0);
  }
  return skip(FrameSkip::NotTcp);
}

}  // namespace mq::capture
