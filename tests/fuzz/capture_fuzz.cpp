/// Fuzzes the capture readers (lib/capture): TCP reassembly, MQTT packet
/// extraction with resynchronisation and WebSocket unwrapping, the
/// connection table, and libpcap's file reader feeding them.
///
/// Input: [selector] rest. Selector bit 0 set: `rest` is a pcap/pcapng file
/// read from memory. Otherwise `rest` is a list of segments of one
/// connection on port 1883, each [flags] [seq delta, 2 bytes] [length] then
/// that many payload bytes: flags bit 7 picks the direction (broker to
/// client), the low bits are TCP flags (FIN, SYN, RST); the delta moves the
/// direction's sequence number (signed), so segments overlap, repeat,
/// arrive early or leave holes. Selector bit 1: tiny reassembly limits (32
/// bytes, 4 segments), so holes are given up often. Selector bit 2 (bit 0
/// clear): `rest` is [link type index] frames, each [length] bytes, read by
/// the frame decoder (lib/netframe) and fed to the connection table.
///
/// Invariants: no crash or undefined behaviour; every packet handed on is
/// one whole packet (its fixed header reads and declares exactly its
/// length) within the packet limit; connections end at most once, after
/// their packets; what a reassembler holds stays within its limits; a
/// decoded segment's payload lies inside its frame, past the smallest IP and
/// TCP headers, and an error points into the frame or at its end.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "capture/conversations.hpp"
#include "capture/pcap_source.hpp"
#include "codec/decode.hpp"
#include "invariant.hpp"
#include "netframe/frame.hpp"

using namespace mq;
using namespace mq::capture;
using mq::fuzz::require;

namespace {

struct Checker : dump::PacketObserver {
  std::size_t max_packet = 0;
  std::set<std::uint64_t> ended;
  void packet(const dump::ObservedPacket& p) override {
    require(!p.bytes.empty() && p.bytes.size() <= max_packet, "packet size within the limit");
    auto h = decode_fixed_header(p.bytes);
    require(h.ok() && h->packet_size() == p.bytes.size(), "a packet is exactly one whole packet");
    require(p.decoded != nullptr && p.client != nullptr && p.server != nullptr, "packet context given");
    require(!ended.count(p.connection), "no packet after its connection's end");
  }
  void connection_end(const dump::ConnectionEnd& e) override {
    require(ended.insert(e.connection).second, "a connection ends once");
  }
};

/// Reads each frame of `rest` (see the header) with the decoder and the
/// connection table.
void frames(ByteView rest, ConversationTracker& tracker) {
  static constexpr netframe::LinkType kLinks[] = {
      netframe::LinkType::Null,     netframe::LinkType::Ethernet, netframe::LinkType::Raw,
      netframe::LinkType::Loop,     netframe::LinkType::LinuxSll, netframe::LinkType::Ipv4,
      netframe::LinkType::Ipv6,     netframe::LinkType::LinuxSll2};
  if (rest.empty()) return;
  const netframe::LinkType link = kLinks[rest[0] % 8];
  std::size_t pos = 1;
  std::int64_t time_us = 0;
  while (pos < rest.size()) {
    const std::size_t len = std::min<std::size_t>(rest[pos], rest.size() - pos - 1);
    ByteView frame = rest.subspan(pos + 1, len);
    pos += 1 + len;
    netframe::FrameResult r = netframe::decode_frame(link, frame);
    if (r.segment) {
      const ByteView p = r.segment->payload;
      require(p.data() >= frame.data() + 40 && p.data() + p.size() <= frame.data() + frame.size(),
              "a payload lies inside its frame, past the IP and TCP headers");
    } else {
      require(r.error.offset <= frame.size(), "an error points into the frame or at its end");
      require(!netframe::to_string(r.error).empty(), "an error has its text");
    }
    tracker.frame(++time_us, link, frame);
  }
}

/// Feeds one direction's reassembler directly, to check its bound.
struct Counting : StreamSink {
  void begin(bool) override {}
  void data(ByteView) override {}
  void gap(std::uint64_t) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  ByteView rest(data + 1, size - 1);
  CaptureOptions options;
  options.extract.max_packet = 4096;
  options.extract.max_resync_packet = 1024;
  if (selector & 2) options.reassembly = ReassemblyLimits{32, 4};
  Checker checker;
  checker.max_packet = options.extract.max_packet;
  if (selector & 1) {
    read_bytes(rest, "fuzz", options, checker);
    return 0;
  }
  ConversationTracker tracker(options, checker);
  if (selector & 4) {
    frames(rest, tracker);
    tracker.finish();
    return 0;
  }
  TcpReassembler direct(options.reassembly);
  Counting counting;
  std::uint32_t seq[2] = {1000, 5000};
  std::size_t pos = 0;
  std::int64_t time_us = 0;
  while (pos + 4 <= rest.size()) {
    const std::uint8_t flags = rest[pos];
    const auto delta = static_cast<std::int16_t>(rest[pos + 1] << 8 | rest[pos + 2]);
    std::size_t len = rest[pos + 3];
    pos += 4;
    if (len > rest.size() - pos) len = rest.size() - pos;
    const int dir = flags >> 7;
    seq[dir] += static_cast<std::uint32_t>(static_cast<std::int32_t>(delta));
    TcpSegment s;
    s.src_address = dir ? "10.0.0.1" : "10.0.0.2";
    s.dst_address = dir ? "10.0.0.2" : "10.0.0.1";
    s.src_port = dir ? 1883 : 40000;
    s.dst_port = dir ? 40000 : 1883;
    s.seq = seq[dir];
    s.flags = flags & 0x17;
    s.payload = rest.subspan(pos, len);
    tracker.segment(++time_us, s);
    if (dir == 0) {
      direct.segment(s.seq, s.flags, s.payload, counting);
      require(direct.pending_bytes() <= options.reassembly.max_pending_bytes + 255, "pending bytes bounded");
    }
    seq[dir] += static_cast<std::uint32_t>(len);
    pos += len;
  }
  tracker.finish();
  return 0;
}
