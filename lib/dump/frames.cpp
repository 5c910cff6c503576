// Network frames in hex dumps: tshark -x and tcpdump -xx print whole frames
// (link layer, IP, TCP) where mqdump wants the TCP payload. The dump does not
// say its link type, so each one a tool prints is tried in turn with the
// decoder the capture reader uses; only a block that reads as a complete,
// consistent frame header chain is stripped, so MQTT bytes are never
// mistaken for one.
#include "dump/input_shapes.hpp"
#include "netframe/frame.hpp"

namespace mq::dump::detail {

namespace {

using Bytes = std::vector<std::uint8_t>;
using netframe::LinkType;

/// The TCP payload when `b` is a whole TCP segment in a frame of type `link`.
std::optional<Bytes> payload_as(LinkType link, const Bytes& b) {
  auto r = netframe::decode_frame(link, b);
  // A guess needs every length to agree: a TSO length of 0 confirms nothing.
  if (!r.segment || r.segment->length_from_frame) return std::nullopt;
  return Bytes(r.segment->payload.begin(), r.segment->payload.end());
}

}  // namespace

std::optional<Bytes> tcp_payload_of_frame(const Bytes& b) {
  // Ethernet II (tcpdump -xx and tshark -x on Ethernet and on Linux
  // loopback, which has an Ethernet header of zeros), with one VLAN tag.
  if (auto p = payload_as(LinkType::Ethernet, b)) return p;
  // Linux cooked capture (-i any): SLL, whose first field is a packet type
  // (0 to 4), then SLL2.
  if (b.size() >= 2 && (b[0] << 8 | b[1]) <= 4)
    if (auto p = payload_as(LinkType::LinuxSll, b)) return p;
  if (auto p = payload_as(LinkType::LinuxSll2, b)) return p;
  // BSD loopback (DLT_NULL, macOS lo0): a 4-byte address family in either
  // byte order (OpenBSD's loop is the big-endian case).
  if (auto p = payload_as(LinkType::Null, b)) return p;
  // Raw IP (tcpdump -x prints from the IP header).
  return payload_as(LinkType::Raw, b);
}

}  // namespace mq::dump::detail
