#pragma once
/// Reads a network frame down to its TCP segment: the link layer (Ethernet
/// with an optional 802.1Q/802.1ad tag, Linux cooked SLL and SLL2, BSD
/// loopback/null, OpenBSD loop, raw IP), then IPv4 or IPv6 (extension
/// headers skipped), then TCP. A pure function over the bytes, shared by the
/// capture reader (pcap files, live capture) and mqdump's hex input (tshark -x,
/// tcpdump -xx); neither libpcap nor any I/O here.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "codec/types.hpp"

namespace mq::netframe {

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

/// The link type for a pcap LINKTYPE_/DLT_ number, or nullopt when it cannot
/// be read (DLT_RAW is 12 or 14 on some systems, LINKTYPE_RAW 101).
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
  /// The IPv4 total length was 0, as TSO shows it on the sending host: the
  /// payload runs to the frame's end, which no header confirms.
  bool length_from_frame = false;
};

/// The header in which reading stopped.
enum class FrameLayer : std::uint8_t { Link, Ipv4, Ipv6, Ipv6Extension, Tcp };

/// Why a frame is not a TCP segment that can be read.
enum class FrameErrorKind : std::uint8_t {
  NotIp,            ///< the link layer carries another protocol (`value`: EtherType, address family or IP version)
  NotTcp,           ///< IP carries another protocol (`value`: protocol or next header number)
  Fragment,         ///< an IPv4 fragment or an IPv6 fragment header: not reassembled
  Truncated,        ///< the frame ends before the header does (`value`: the bytes the header needs)
  BadVersion,       ///< the IP version nibble disagrees with the link layer (`value`: the version)
  BadHeaderLength,  ///< IPv4 IHL or TCP data offset below 20 bytes or past the packet (`value`: bytes)
  BadTotalLength,   ///< IPv4 total length below its header, or an IP length past the frame (`value`: bytes)
  TooManyHeaders,   ///< more IPv6 extension headers than are read (8)
};

/// What failed, in which header and where: `offset` is where that header
/// starts in the frame.
struct FrameError {
  FrameErrorKind kind = FrameErrorKind::NotIp;
  FrameLayer layer = FrameLayer::Link;
  std::size_t offset = 0;
  std::uint32_t value = 0;
};

/// One line: "IPv4 header at byte 14: total length 16 is shorter than its 20-byte header".
std::string to_string(const FrameError& e);

/// The TCP segment in a frame, or why there is none.
struct FrameResult {
  std::optional<TcpSegment> segment;
  FrameError error;  ///< meaningful when `segment` is empty
};

/// Reads `frame` (as captured, `frame.size()` bytes) of link type `link`.
FrameResult decode_frame(LinkType link, ByteView frame);

}  // namespace mq::netframe
