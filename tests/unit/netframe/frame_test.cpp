// Frames read down to TCP from hand-written bytes, one comment per header:
// each link layer, IPv4 and IPv6 with options and extension headers, every
// truncated prefix, and each error with its one-line text.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dump/input.hpp"
#include "netframe/frame.hpp"

using namespace mq;
using namespace mq::netframe;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return dump::parse_input(text, dump::InputFormat::Hex).bytes; }

std::vector<std::uint8_t> payload(const FrameResult& r) {
  return std::vector<std::uint8_t>(r.segment->payload.begin(), r.segment->payload.end());
}

/// The error's one line, or "read" when the frame was read.
std::string error_of(LinkType link, const std::vector<std::uint8_t>& frame) {
  FrameResult r = decode_frame(link, frame);
  return r.segment ? "read" : to_string(r.error);
}

// Ethernet, IPv4 127.0.0.1 -> 127.0.0.2, TCP 50000 -> 1883 carrying PINGREQ,
// then 4 bytes of Ethernet padding.
const char* const kEthernetIpv4 =
    "00 00 00 00 00 00  00 00 00 00 00 00  08 00"                      // Ethernet: dst, src, IPv4
    "45 00 00 2a  00 01 40 00  40 06 00 00"                            // IPv4: 20-byte header, total 42, DF, TCP
    "7f 00 00 01  7f 00 00 02"                                         // 127.0.0.1 -> 127.0.0.2
    "c3 50 07 5b  00 00 00 64  00 00 00 00  50 18 ff ff  00 00 00 00"  // 50000 -> 1883, seq 100, PSH ACK
    "c0 00"                                                            // PINGREQ
    "00 00 00 00";                                                     // Ethernet padding, past the IP length

}  // namespace

TEST_CASE("an Ethernet IPv4 TCP frame is read down to its payload") {
  const auto frame = hex(kEthernetIpv4);  // the segment points into it
  FrameResult r = decode_frame(LinkType::Ethernet, frame);
  REQUIRE(r.segment);
  CHECK(r.segment->src_address == "127.0.0.1");
  CHECK(r.segment->dst_address == "127.0.0.2");
  CHECK(r.segment->src_port == 50000);
  CHECK(r.segment->dst_port == 1883);
  CHECK(r.segment->seq == 100);
  CHECK(r.segment->flags == (TcpFlag::Ack | 0x08));
  CHECK(payload(r) == hex("c0 00"));
}

TEST_CASE("an IPv4 total length of 0 (TSO on the sending host) runs to the frame's end") {
  auto frame = hex(
      "45 00 00 00  00 01 40 00  40 06 00 00  7f 00 00 01  7f 00 00 02"  // IPv4: total length 0
      "c3 50 07 5b  00 00 00 64  00 00 00 00  50 18 ff ff  00 00 00 00"  // 50000 -> 1883
      "30 05 00 01 61 68 69");                                           // PUBLISH a "hi"
  FrameResult r = decode_frame(LinkType::Raw, frame);
  REQUIRE(r.segment);
  CHECK(r.segment->length_from_frame);
  CHECK(payload(r) == hex("30 05 00 01 61 68 69"));
  CHECK_FALSE(decode_frame(LinkType::Ethernet, hex(kEthernetIpv4)).segment->length_from_frame);
}

TEST_CASE("IPv4 and TCP options, behind an 802.1Q tag") {
  auto frame = hex(
      "00 00 00 00 00 00  00 00 00 00 00 00  81 00 00 05  08 00"         // Ethernet, VLAN 5, IPv4
      "46 00 00 3a  00 01 40 00  40 06 00 00  0a 00 00 02  0a 00 00 01"  // IPv4: IHL 6, total 58, TCP
      "01 01 01 00"                                                       // IPv4 options: NOP NOP NOP EOL
      "9c 40 07 5b  00 00 01 00  00 00 00 00  80 18 ff ff  00 00 00 00"  // 40000 -> 1883, data offset 8
      "01 01 08 0a 00 00 00 01 00 00 00 00"                               // TCP options: NOP NOP timestamps
      "e0 00");                                                           // DISCONNECT
  FrameResult r = decode_frame(LinkType::Ethernet, frame);
  REQUIRE(r.segment);
  CHECK(r.segment->src_address == "10.0.0.2");
  CHECK(r.segment->seq == 256);
  CHECK(payload(r) == hex("e0 00"));
  // 802.1ad (QinQ outer tag) reads the same.
  frame[12] = 0x88;
  frame[13] = 0xa8;
  CHECK(decode_frame(LinkType::Ethernet, frame).segment);
}

TEST_CASE("a Linux cooked (SLL2) IPv6 frame with a hop-by-hop header") {
  auto frame = hex(
      "86 dd 00 00  00 00 00 01  03 04  00 06  00 00 00 00 00 00 00 00"  // SLL2: IPv6, ifindex 1, ...
      "60 00 00 00  00 1e 00 40"                                         // IPv6: payload 30, next header hop-by-hop
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"                  // ::1
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"                  // ::1
      "06 00 00 00 00 00 00 00"                                          // hop-by-hop: next TCP, 8 bytes
      "07 5b c3 50  00 00 00 07  00 00 00 00  50 10 ff ff  00 00 00 00"  // 1883 -> 50000, seq 7, ACK
      "d0 00");                                                          // PINGRESP
  FrameResult r = decode_frame(LinkType::LinuxSll2, frame);
  REQUIRE(r.segment);
  CHECK(r.segment->src_address == "::1");
  CHECK(r.segment->src_port == 1883);
  CHECK(r.segment->seq == 7);
  CHECK(payload(r) == hex("d0 00"));
}

TEST_CASE("SLL, BSD null in either byte order, OpenBSD loop and raw IP reach the same IPv6 segment") {
  const std::string ip6 =
      "60 00 00 00  00 16 06 40"                                         // IPv6: payload 22, next header TCP
      "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"                  // 2001:db8::1
      "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"                  // 2001:db8::2
      "07 5b c3 50  00 00 00 07  00 00 00 00  50 10 ff ff  00 00 00 00"  // 1883 -> 50000
      "d0 00";                                                           // PINGRESP
  const std::vector<std::pair<LinkType, std::string>> frames = {
      {LinkType::LinuxSll, "00 00 03 04 00 06 00 00 00 00 00 00 00 00 86 dd" + ip6},  // SLL: host, loopback
      {LinkType::Null, "1e 00 00 00" + ip6},                                           // AF_INET6 30, little-endian
      {LinkType::Null, "00 00 00 18" + ip6},                                           // AF_INET6 24, big-endian
      {LinkType::Loop, "00 00 00 18" + ip6},
      {LinkType::Raw, ip6},
      {LinkType::Ipv6, ip6},
  };
  for (const auto& frame : frames) {
    CAPTURE(frame.second);
    const auto bytes = hex(frame.second);
    FrameResult r = decode_frame(frame.first, bytes);
    REQUIRE(r.segment);
    CHECK(r.segment->src_address == "2001:db8::1");
    CHECK(r.segment->dst_address == "2001:db8::2");
    CHECK(payload(r) == hex("d0 00"));
  }
}

TEST_CASE("every truncated prefix of a frame is an error in the header it cuts") {
  const auto frame = hex(kEthernetIpv4);
  for (std::size_t n = 0; n < 14 + 42; ++n) {
    CAPTURE(n);
    FrameResult r = decode_frame(LinkType::Ethernet, ByteView(frame.data(), n));
    REQUIRE_FALSE(r.segment);
    CHECK(r.error.kind == FrameErrorKind::Truncated);
    CHECK(r.error.layer == (n < 14 ? FrameLayer::Link : FrameLayer::Ipv4));
  }
  CHECK(error_of(LinkType::Ethernet, hex("00 00 00 00 00 00 00 00 00 00 00 00 08")) ==
        "link-layer header at byte 0: cut short (14 bytes needed)");
  CHECK(error_of(LinkType::Ethernet, hex("00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00 00 28")) ==
        "IPv4 header at byte 14: cut short (20 bytes needed)");
  CHECK(error_of(LinkType::Ethernet, std::vector<std::uint8_t>(frame.begin(), frame.begin() + 50)) ==
        "IPv4 header at byte 14: cut short (42 bytes needed)");
  // An IP length too short for the TCP header inside it.
  CHECK(error_of(LinkType::Raw, hex("45 00 00 1e 00 01 00 00 40 06 00 00 7f 00 00 01 7f 00 00 01 07 5b c3 50 00 00 00 07 00 00")) ==
        "TCP header at byte 20: cut short (20 bytes needed)");
  // An IPv6 extension header past the payload length.
  CHECK(error_of(LinkType::Raw, hex("60 00 00 00 00 04 00 40  00000000000000000000000000000001"
                                    "00000000000000000000000000000001  06 00 00 00")) ==
        "IPv6 extension header at byte 40: cut short (8 bytes needed)");
  // An extension header whose length runs past the payload length.
  CHECK(error_of(LinkType::Raw, hex("60 00 00 00 00 08 00 40  00000000000000000000000000000001"
                                    "00000000000000000000000000000001  2c 01 00 00 00 00 00 00")) ==
        "IPv6 extension header at byte 40: cut short (16 bytes needed)");
}

TEST_CASE("frames that are not whole TCP segments say why, and where") {
  // ARP over Ethernet
  CHECK(error_of(LinkType::Ethernet, hex("ff ff ff ff ff ff 00 00 00 00 00 01 08 06 00 01 08 00 06 04 00 01")) ==
        "link-layer header at byte 0: 0x0806 names neither IPv4 nor IPv6");
  // BSD loopback, IPv4 UDP
  CHECK(error_of(LinkType::Null, hex("02 00 00 00  45 00 00 1c 00 01 00 00 40 11 00 00 7f 00 00 01 7f 00 00 01"
                                     "00 35 00 35 00 08 00 00")) == "IPv4 header at byte 4: protocol 17 is not TCP");
  // raw IPv4, more fragments set
  CHECK(error_of(LinkType::Raw, hex("45 00 00 28 00 01 20 00 40 06 00 00 7f 00 00 01 7f 00 00 01"
                                    "07 5b c3 50 00 00 00 07 00 00 00 00 50 10 ff ff 00 00 00 00")) ==
        "IPv4 header at byte 0: a fragment, which is not reassembled");
  // IPv6 with a fragment header
  CHECK(error_of(LinkType::Ipv6, hex("60 00 00 00 00 08 2c 40  00000000000000000000000000000001"
                                     "00000000000000000000000000000001  06 00 00 01 00 00 00 01")) ==
        "IPv6 extension header at byte 40: a fragment, which is not reassembled");
  // IPv6 UDP after a destination options header
  CHECK(error_of(LinkType::Ipv6, hex("60 00 00 00 00 08 3c 40  00000000000000000000000000000001"
                                     "00000000000000000000000000000001  11 00 00 00 00 00 00 00")) ==
        "IPv6 extension header at byte 40: protocol 17 is not TCP");
  // EtherType IPv4 over an IPv6 header
  CHECK(error_of(LinkType::Ethernet, hex("00 00 00 00 00 00 00 00 00 00 00 00 08 00  65 00 00 28 00 01 00 00 40 06 00 00"
                                         "7f 00 00 01 7f 00 00 01")) == "IPv4 header at byte 14: IP version 6");
  // raw IP that is neither version
  CHECK(error_of(LinkType::Raw, hex("50 00")) == "link-layer header at byte 0: 0x0005 names neither IPv4 nor IPv6");
  // IPv4 header length 16, total length 16, TCP data offset past the packet
  CHECK(error_of(LinkType::Raw, hex("44 00 00 28 00 01 00 00 40 06 00 00 7f 00 00 01 7f 00 00 01")) ==
        "IPv4 header at byte 0: header length 16 is below 20");
  CHECK(error_of(LinkType::Raw, hex("45 00 00 10 00 01 00 00 40 06 00 00 7f 00 00 01 7f 00 00 01")) ==
        "IPv4 header at byte 0: total length 16 is below the header length");
  CHECK(error_of(LinkType::Raw, hex("45 00 00 28 00 01 00 00 40 06 00 00 7f 00 00 01 7f 00 00 01"
                                    "07 5b c3 50 00 00 00 07 00 00 00 00 f0 10 ff ff 00 00 00 00")) ==
        "TCP header at byte 20: header length 60 runs past the packet's end");
  // nine destination options headers in a row
  std::string chain = "60 00 00 00 00 48 3c 40 00000000000000000000000000000001 00000000000000000000000000000001";
  for (int i = 0; i < 9; ++i) chain += " 3c 00 00 00 00 00 00 00";
  CHECK(error_of(LinkType::Ipv6, hex(chain)) == "IPv6 extension header at byte 96: more than 8 extension headers");
}

TEST_CASE("pcap link-type numbers") {
  CHECK(link_type_from_pcap(1) == LinkType::Ethernet);
  CHECK(link_type_from_pcap(12) == LinkType::Raw);
  CHECK(link_type_from_pcap(14) == LinkType::Raw);
  CHECK(link_type_from_pcap(101) == LinkType::Raw);
  CHECK(link_type_from_pcap(276) == LinkType::LinuxSll2);
  CHECK_FALSE(link_type_from_pcap(105));  // 802.11
}
