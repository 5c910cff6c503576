// Network frames in hex dumps: tshark -x and tcpdump -xx print whole frames
// (link layer, IP, TCP) where mqdump wants the TCP payload. Only a block
// that reads as a complete, consistent frame header chain is stripped, so
// MQTT bytes are never mistaken for one.
#include "dump/input_shapes.hpp"

namespace mq::dump::detail {

namespace {

using Bytes = std::vector<std::uint8_t>;

unsigned be16(const Bytes& b, std::size_t at) { return static_cast<unsigned>(b[at] << 8 | b[at + 1]); }

/// TCP payload of the TCP segment at `at`, which ends at `end`.
std::optional<Bytes> tcp(const Bytes& b, std::size_t at, std::size_t end) {
  if (end < at + 20) return std::nullopt;
  const std::size_t header = static_cast<std::size_t>(b[at + 12] >> 4) * 4;
  if (header < 20 || at + header > end) return std::nullopt;
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(at + header), b.begin() + static_cast<std::ptrdiff_t>(end));
}

/// The IPv4 or IPv6 packet at `at` carrying TCP (no IPv6 extension headers).
/// Bytes past the IP length (Ethernet padding) are left out.
std::optional<Bytes> ip(const Bytes& b, std::size_t at) {
  if (at >= b.size()) return std::nullopt;
  const unsigned version = b[at] >> 4;
  if (version == 4) {
    if (b.size() < at + 20) return std::nullopt;
    const std::size_t header = static_cast<std::size_t>(b[at] & 0x0F) * 4;
    const std::size_t total = be16(b, at + 2);
    if (header < 20 || total < header || at + total > b.size() || b[at + 9] != 6) return std::nullopt;
    return tcp(b, at + header, at + total);
  }
  if (version == 6) {
    if (b.size() < at + 40) return std::nullopt;
    const std::size_t total = 40 + be16(b, at + 4);
    if (at + total > b.size() || b[at + 6] != 6) return std::nullopt;
    return tcp(b, at + 40, at + total);
  }
  return std::nullopt;
}

/// Where the IP packet starts after a link-layer header with this EtherType.
std::optional<Bytes> by_ethertype(const Bytes& b, unsigned type, std::size_t at) {
  if (type == 0x0800 || type == 0x86DD) return ip(b, at);
  return std::nullopt;
}

}  // namespace

std::optional<Bytes> tcp_payload_of_frame(const Bytes& b) {
  // Ethernet II (tcpdump -xx and tshark -x on Ethernet and on Linux
  // loopback, which has an Ethernet header of zeros), with one VLAN tag.
  if (b.size() >= 14) {
    unsigned type = be16(b, 12);
    if (type == 0x8100 && b.size() >= 18) {
      if (auto p = by_ethertype(b, be16(b, 16), 18)) return p;
    } else if (auto p = by_ethertype(b, type, 14)) {
      return p;
    }
  }
  // Linux cooked capture (-i any): SLL, 16 bytes, then SLL2, 20 bytes.
  if (b.size() >= 16 && be16(b, 0) <= 4)
    if (auto p = by_ethertype(b, be16(b, 14), 16)) return p;
  if (b.size() >= 20)
    if (auto p = by_ethertype(b, be16(b, 0), 20)) return p;
  // BSD loopback (DLT_NULL, macOS lo0): a 4-byte address family in host
  // order, 2 for IPv4 and 24, 28 or 30 for IPv6.
  if (b.size() >= 4) {
    const std::uint32_t le = b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
    const std::uint32_t be = b[3] | b[2] << 8 | b[1] << 16 | static_cast<std::uint32_t>(b[0]) << 24;
    for (std::uint32_t family : {le, be})
      if (family == 2 || family == 24 || family == 28 || family == 30)
        if (auto p = ip(b, 4)) return p;
  }
  // Raw IP (tcpdump -x prints from the IP header).
  return ip(b, 0);
}

}  // namespace mq::dump::detail
