#pragma once
/// Reads a captured frame down to its TCP segment: the link layer (Ethernet
/// with an optional VLAN tag, Linux cooked SLL and SLL2, BSD loopback/null,
/// OpenBSD loop, raw IP), then IPv4 or IPv6 (extension headers skipped),
/// then TCP. A pure function over the bytes; no libpcap here.

#include <cstdint>
#include <optional>
#include <string>

#include "codec/types.hpp"

namespace mq::capture {

/// Link-layer header types, numbered as pcap's LINKTYPE_ values.
enum class LinkType : std::uint32_t {
  Null = 0,         ///< BSD loopback: 4-byte address family in the capturing host's byte order
  Ethernet = 1,
  Raw = 101,        ///< raw IPv4 or IPv6
  Loop = 108,       ///< OpenBSD loopback: address family in network byte order
  LinuxSll = 113,   ///< Linux cooked capture v1 (-i any)
  Ipv4 = 228,
  Ipv6 = 229,
  LinuxSll2 = 276,  ///< Linux cooked capture v2
};

/// The link type for a pcap LINKTYPE_/DLT_ number, or nullopt when mqdump
/// cannot read it (DLT_RAW is 12 or 14 on some systems, LINKTYPE_RAW 101).
std::optional<LinkType> link_type_from_pcap(int linktype);

/// TCP flag bits.
enum TcpFlag : std::uint8_t { Fin = 0x01, Syn = 0x02, Rst = 0x04, Ack = 0x10 };

/// The parts of a TCP segment that reassembly needs. `payload` points into
/// the frame (Ethernet padding past the IP length left out).
struct TcpSegment {
  std::string src_address;  ///< text form: "127.0.0.1", "::1"
  std::string dst_address;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint8_t flags = 0;  ///< TcpFlag bits
  ByteView payload;
};

/// Why a frame is not a TCP segment we can read.
enum class FrameSkip : std::uint8_t {
  NotTcp,       ///< another protocol (ARP, UDP, ICMP...)
  Fragment,     ///< an IPv4 fragment (not reassembled)
  Truncated,    ///< the capture cut the frame short (snap length) or the headers are inconsistent
};

/// The TCP segment in `frame`, or why there is none.
struct FrameResult {
  std::optional<TcpSegment> segment;
  FrameSkip skip = FrameSkip::NotTcp;
};

/// Reads `frame` (as captured, `frame.size()` bytes) of link type `link`.
FrameResult parse_frame(LinkType link, ByteView frame);

}  // namespace mq::capture
