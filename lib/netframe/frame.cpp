#include "netframe/frame.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

namespace mq::netframe {

namespace {

unsigned be16(ByteView b, std::size_t at) { return static_cast<unsigned>(b[at] << 8 | b[at + 1]); }
std::uint32_t be32(ByteView b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
         static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3];
}

FrameResult fail(FrameErrorKind kind, FrameLayer layer, std::size_t offset, std::uint32_t value = 0) {
  return FrameResult{std::nullopt, FrameError{kind, layer, offset, value}};
}

std::string address_text(int family, const std::uint8_t* bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, bytes, buf, sizeof buf);
  return buf;
}

/// The TCP segment at `at`, inside an IP packet that ends at `end`.
FrameResult tcp(ByteView b, std::size_t at, std::size_t end, TcpSegment seg) {
  if (end < at + 20) return fail(FrameErrorKind::Truncated, FrameLayer::Tcp, at, 20);
  const std::size_t header = static_cast<std::size_t>(b[at + 12] >> 4) * 4;
  if (header < 20 || at + header > end)
    return fail(FrameErrorKind::BadHeaderLength, FrameLayer::Tcp, at, static_cast<std::uint32_t>(header));
  seg.src_port = static_cast<std::uint16_t>(be16(b, at));
  seg.dst_port = static_cast<std::uint16_t>(be16(b, at + 2));
  seg.seq = be32(b, at + 4);
  seg.flags = b[at + 13];
  seg.payload = b.subspan(at + header, end - at - header);
  return FrameResult{std::move(seg), {}};
}

FrameResult ipv4(ByteView b, std::size_t at) {
  constexpr FrameLayer L = FrameLayer::Ipv4;
  if (b.size() < at + 20) return fail(FrameErrorKind::Truncated, L, at, 20);
  if (b[at] >> 4 != 4) return fail(FrameErrorKind::BadVersion, L, at, b[at] >> 4);
  const std::size_t header = static_cast<std::size_t>(b[at] & 0x0F) * 4;
  const std::size_t total = be16(b, at + 2);
  // TSO captures on the sending host show a total length of 0: the packet
  // runs to the frame's end, as Wireshark reads it.
  const bool length_from_frame = total == 0;
  if (header < 20) return fail(FrameErrorKind::BadHeaderLength, L, at, static_cast<std::uint32_t>(header));
  if (total < header && !length_from_frame)
    return fail(FrameErrorKind::BadTotalLength, L, at, static_cast<std::uint32_t>(total));
  if (b[at + 9] != 6) return fail(FrameErrorKind::NotTcp, L, at, b[at + 9]);
  // More fragments, or a fragment offset: only whole datagrams are read.
  if ((be16(b, at + 6) & 0x3FFF) != 0) return fail(FrameErrorKind::Fragment, L, at);
  const std::size_t end = length_from_frame ? b.size() : at + total;
  if (end > b.size()) return fail(FrameErrorKind::Truncated, L, at, static_cast<std::uint32_t>(total));
  TcpSegment seg;
  seg.src_address = address_text(AF_INET, &b[at + 12]);
  seg.dst_address = address_text(AF_INET, &b[at + 16]);
  seg.length_from_frame = length_from_frame;
  return tcp(b, at + header, end, std::move(seg));
}

FrameResult ipv6(ByteView b, std::size_t at) {
  if (b.size() < at + 40) return fail(FrameErrorKind::Truncated, FrameLayer::Ipv6, at, 40);
  if (b[at] >> 4 != 6) return fail(FrameErrorKind::BadVersion, FrameLayer::Ipv6, at, b[at] >> 4);
  const std::size_t end = at + 40 + be16(b, at + 4);
  if (end > b.size()) return fail(FrameErrorKind::Truncated, FrameLayer::Ipv6, at, static_cast<std::uint32_t>(end - at));
  TcpSegment seg;
  seg.src_address = address_text(AF_INET6, &b[at + 8]);
  seg.dst_address = address_text(AF_INET6, &b[at + 24]);
  unsigned next = b[at + 6];
  std::size_t pos = at + 40;
  FrameLayer named_by = FrameLayer::Ipv6;
  std::size_t named_at = at;
  // Hop-by-hop, routing and destination options share one layout; a
  // fragment header means the datagram is not whole.
  for (int hops = 0; hops < 8; ++hops) {
    if (next == 6) return tcp(b, pos, end, std::move(seg));
    if (next == 44) return fail(FrameErrorKind::Fragment, FrameLayer::Ipv6Extension, pos);
    if (next != 0 && next != 43 && next != 60) return fail(FrameErrorKind::NotTcp, named_by, named_at, next);
    if (pos + 8 > end) return fail(FrameErrorKind::Truncated, FrameLayer::Ipv6Extension, pos, 8);
    const std::size_t length = (static_cast<std::size_t>(b[pos + 1]) + 1) * 8;
    if (pos + length > end)
      return fail(FrameErrorKind::Truncated, FrameLayer::Ipv6Extension, pos, static_cast<std::uint32_t>(length));
    named_by = FrameLayer::Ipv6Extension;
    named_at = pos;
    next = b[pos];
    pos += length;
  }
  return fail(FrameErrorKind::TooManyHeaders, FrameLayer::Ipv6Extension, named_at);
}

FrameResult by_ethertype(ByteView b, unsigned type, std::size_t at) {
  if (type == 0x0800) return ipv4(b, at);
  if (type == 0x86DD) return ipv6(b, at);
  return fail(FrameErrorKind::NotIp, FrameLayer::Link, 0, type);
}

FrameResult by_version(ByteView b, std::size_t at) {
  if (b.size() <= at) return fail(FrameErrorKind::Truncated, FrameLayer::Link, 0, 1);
  if (b[at] >> 4 == 4) return ipv4(b, at);
  if (b[at] >> 4 == 6) return ipv6(b, at);
  return fail(FrameErrorKind::NotIp, FrameLayer::Link, 0, b[at] >> 4);
}

/// BSD address families: AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30.
FrameResult by_family(ByteView b, std::uint32_t family) {
  if (family == 2) return ipv4(b, 4);
  if (family == 24 || family == 28 || family == 30) return ipv6(b, 4);
  return fail(FrameErrorKind::NotIp, FrameLayer::Link, 0, family);
}

/// A frame shorter than its link-layer header (`needed` bytes).
FrameResult short_link(std::size_t needed) { return fail(FrameErrorKind::Truncated, FrameLayer::Link, 0, static_cast<std::uint32_t>(needed)); }

std::string_view layer_name(FrameLayer l) {
  switch (l) {
    case FrameLayer::Link: return "link-layer header";
    case FrameLayer::Ipv4: return "IPv4 header";
    case FrameLayer::Ipv6: return "IPv6 header";
    case FrameLayer::Ipv6Extension: return "IPv6 extension header";
    case FrameLayer::Tcp: return "TCP header";
  }
  return "header";
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

FrameResult decode_frame(LinkType link, ByteView b) {
  switch (link) {
    case LinkType::Ethernet: {
      if (b.size() < 14) return short_link(14);
      unsigned type = be16(b, 12);
      if (type == 0x8100 || type == 0x88A8) {
        if (b.size() < 18) return short_link(18);
        return by_ethertype(b, be16(b, 16), 18);
      }
      return by_ethertype(b, type, 14);
    }
    case LinkType::LinuxSll:
      if (b.size() < 16) return short_link(16);
      return by_ethertype(b, be16(b, 14), 16);
    case LinkType::LinuxSll2:
      if (b.size() < 20) return short_link(20);
      return by_ethertype(b, be16(b, 0), 20);
    case LinkType::Null: {
      if (b.size() < 4) return short_link(4);
      // Written in the capturing host's order, which the file does not say:
      // the small value is the right reading.
      std::uint32_t le = b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
      return by_family(b, le < 256 ? le : be32(b, 0));
    }
    case LinkType::Loop:
      if (b.size() < 4) return short_link(4);
      return by_family(b, be32(b, 0));
    case LinkType::Raw: return by_version(b, 0);
    case LinkType::Ipv4: return ipv4(b, 0);
    case LinkType::Ipv6: return ipv6(b, 0);
  }
  return fail(FrameErrorKind::NotIp, FrameLayer::Link, 0, static_cast<std::uint32_t>(link));
}

std::string to_string(const FrameError& e) {
  const std::string where = fmt::format("{} at byte {}", layer_name(e.layer), e.offset);
  switch (e.kind) {
    case FrameErrorKind::NotIp: return fmt::format("{}: {:#06x} names neither IPv4 nor IPv6", where, e.value);
    case FrameErrorKind::NotTcp: return fmt::format("{}: protocol {} is not TCP", where, e.value);
    case FrameErrorKind::Fragment: return where + ": a fragment, which is not reassembled";
    case FrameErrorKind::Truncated: return fmt::format("{}: cut short ({} bytes needed)", where, e.value);
    case FrameErrorKind::BadVersion: return fmt::format("{}: IP version {}", where, e.value);
    case FrameErrorKind::BadHeaderLength:
      return fmt::format("{}: header length {} {}", where, e.value,
                         e.value < 20 ? "is below 20" : "runs past the packet's end");
    case FrameErrorKind::BadTotalLength:
      return fmt::format("{}: total length {} is below the header length", where, e.value);
    case FrameErrorKind::TooManyHeaders: return where + ": more than 8 extension headers";
  }
  return where;
}

}  // namespace mq::netframe
