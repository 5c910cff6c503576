/// Fuzzes the Framer. Input: [level selector] [max packet size, 0 = default]
/// [K] [K chunk-size bytes] stream. The stream is fed in chunks of the given
/// sizes (each byte b means b + 1 bytes, cycled; K = 0 feeds it whole) and
/// every frame is decoded. The frames must not depend on how the stream was
/// cut, must be consistent with their fixed header, and decode_body must
/// agree with decode_packet on every frame.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/decode.hpp"
#include "codec/framer.hpp"
#include "invariant.hpp"
#include "same_packet.hpp"

using namespace mq;
using mq::fuzz::require;

namespace {

/// What a framer produced: the packets in order, then how it stopped.
struct Outcome {
  std::vector<std::vector<std::uint8_t>> packets;
  bool failed = false;
  DecodeError error;
};

/// Checks one complete frame and decodes it both ways.
void check_frame(const Framer::Frame& f, const Framer& framer, std::optional<ProtocolVersion> level) {
  require(f.packet.size() == f.header.packet_size(), "frame size differs from its fixed header");
  require(f.packet.size() <= framer.max_packet_size(), "frame larger than the maximum packet size");
  require(f.body.size() == f.header.remaining_length &&
              f.body.data() == f.packet.data() + f.header.header_size,
          "frame body is not the packet after its fixed header");
  Result<FixedHeader> h = decode_fixed_header(f.packet);
  require(h && h->first_byte == f.header.first_byte && h->remaining_length == f.header.remaining_length &&
              h->header_size == f.header.header_size,
          "decode_fixed_header disagrees with the framer");

  Result<Packet> by_body = decode_body(f.header, f.body, level);
  Result<Packet> whole = decode_packet(f.packet, level);
  require(by_body.ok() == whole.ok(), "decode_body and decode_packet disagree on success");
  if (whole) {
    require(fuzz::same_packet(*by_body, *whole), "decode_body and decode_packet give different packets");
  } else {
    const DecodeError& a = by_body.error();
    const DecodeError& b = whole.error();
    require(a.kind == b.kind && a.offset == b.offset && a.field == b.field,
            "decode_body and decode_packet report different errors");
    require(b.offset <= f.packet.size(), "error offset past the end of the packet");
  }
}

/// Feeds `stream` in the given chunk sizes (empty: all at once) and drains
/// the framer after every feed.
Outcome run(ByteView stream, ByteView chunk_sizes, std::uint32_t max, std::optional<ProtocolVersion> level) {
  Outcome out;
  Framer framer = max ? Framer(max) : Framer();
  std::uint64_t consumed = 0;
  std::size_t fed = 0;
  std::size_t k = 0;
  while (fed < stream.size() && !out.failed) {
    std::size_t n = chunk_sizes.empty() ? stream.size() : chunk_sizes[k++ % chunk_sizes.size()] + 1u;
    n = std::min(n, stream.size() - fed);
    framer.feed(stream.subspan(fed, n));
    fed += n;
    for (;;) {
      Framer::Frame f = framer.next();
      if (f.status == Framer::Status::NeedMore) break;
      if (f.status == Framer::Status::Error) {
        out.failed = true;
        out.error = f.error;
        require(f.error.offset <= stream.size(), "framer error offset past the end of the stream");
        require(framer.next().status == Framer::Status::Error, "the framer left its error state");
        break;
      }
      check_frame(f, framer, level);
      consumed += f.packet.size();
      out.packets.emplace_back(f.packet.begin(), f.packet.end());
    }
    require(framer.consumed() == consumed, "consumed() differs from the sum of frame sizes");
    if (!out.failed) require(framer.buffered() == fed - consumed, "buffered() differs from bytes not yet framed");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::optional<ProtocolVersion> level = fuzz::level_from(data[0]);
  const std::uint32_t max = data[1];
  const std::size_t k = std::min<std::size_t>(data[2], size - 3);
  const ByteView chunk_sizes(data + 3, k);
  const ByteView stream(data + 3 + k, size - 3 - k);

  const Outcome chunked = run(stream, chunk_sizes, max, level);
  const Outcome whole = run(stream, {}, max, level);
  require(chunked.packets == whole.packets, "the frames depend on how the stream was cut");
  require(chunked.failed == whole.failed, "a framing error depends on how the stream was cut");
  if (whole.failed)
    require(chunked.error.kind == whole.error.kind && chunked.error.offset == whole.error.offset &&
                chunked.error.field == whole.error.field,
            "the framing error depends on how the stream was cut");
  return 0;
}
