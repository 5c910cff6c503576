/// Fuzzes the WebSocket layer's pure parts (lib/net): the frame decoder and
/// the upgrade request/response checks. Input: [selector] [K] [K chunk-size
/// bytes] stream. Selector bit 0: the decoder expects masked frames (server
/// side); bit 1: payloads over 100 bytes are refused; bit 2: text frames
/// allowed; bit 3: the stream is an HTTP head for parse_ws_request and
/// check_ws_response instead of frames. Chunk byte b feeds b + 1 bytes,
/// cycled (K = 0: the whole stream at once).
///
/// Invariants: no crash or undefined behaviour; the events (data bytes,
/// message ends, control frames) and the error do not depend on how the
/// stream was cut; control payloads are at most 125 bytes; data never
/// exceeds the input; an error offset lies inside the stream, its close
/// code is one RFC 6455 names, and the decoder stays failed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "invariant.hpp"
#include "net/ws_frame.hpp"
#include "net/ws_handshake.hpp"
#include "same_packet.hpp"

using namespace mq;
using namespace mq::net;
using mq::fuzz::require;

namespace {

/// Everything a decoder reported, flattened so two runs can be compared.
struct Outcome {
  std::vector<std::uint8_t> data;  ///< data payload bytes, in order
  std::vector<std::string> marks;  ///< message ends and control frames, in order
  std::optional<DecodeError> error;
  std::uint16_t close_code = 0;
};

Outcome run(ByteView stream, ByteView chunk_sizes, const WsDecoderOptions& options) {
  Outcome out;
  WsDecoder decoder(options);
  auto on_event = [&](const WsEvent& e) {
    if (e.kind == WsEventKind::Data) {
      out.data.insert(out.data.end(), e.payload.begin(), e.payload.end());
      if (e.message_end) out.marks.push_back("end@" + std::to_string(out.data.size()));
      return;
    }
    require(e.payload.size() <= 125, "a control frame payload over 125 bytes");
    std::string mark = std::to_string(static_cast<int>(e.kind)) + ":" +
                       std::string(reinterpret_cast<const char*>(e.payload.data()), e.payload.size());
    if (e.kind == WsEventKind::Close) mark += ":" + std::to_string(e.close_code) + ":" + std::string(e.close_reason);
    out.marks.push_back(std::move(mark));
  };
  std::size_t fed = 0;
  std::size_t k = 0;
  while (fed < stream.size() && !out.error) {
    std::size_t n = chunk_sizes.empty() ? stream.size() : chunk_sizes[k++ % chunk_sizes.size()] + 1u;
    n = std::min(n, stream.size() - fed);
    out.error = decoder.feed(stream.subspan(fed, n), on_event);
    fed += n;
  }
  require(out.data.size() <= stream.size(), "more data bytes than the stream holds");
  if (out.error) {
    out.close_code = decoder.error_close_code();
    require(out.error->offset <= stream.size(), "error offset past the end of the stream");
    require(out.close_code == 1002 || out.close_code == 1003 || out.close_code == 1007 || out.close_code == 1009,
            "an error close code RFC 6455 does not name for it");
    const std::uint8_t more[] = {0x82, 0x00};
    require(decoder.feed(ByteView(more, 2), on_event).has_value(), "the decoder left its failed state");
  }
  return out;
}

void fuzz_handshake(std::string_view head) {
  Result<WsRequest> r = parse_ws_request(head);
  if (r) {
    require(r->key.size() == 24, "a Sec-WebSocket-Key that is not 16 bytes of base64 accepted");
    require(r->protocol == "mqtt" || r->protocol == "mqttv3.1", "a subprotocol other than MQTT accepted");
    // Our own answer to an accepted request must pass our own client check.
    const std::string accept = ws_accept_key(r->key);
    require(!check_ws_response(build_ws_response(accept, r->protocol), accept).has_value(),
            "our 101 response fails our own check");
  } else {
    require(r.error().offset <= head.size(), "error offset past the end of the request");
  }
  (void)check_ws_response(head, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  require(http_head_length(head) <= head.size(), "an HTTP head longer than its text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t selector = data[0];
  const std::size_t k = std::min<std::size_t>(data[1], size - 2);
  const ByteView chunk_sizes(data + 2, k);
  const ByteView stream(data + 2 + k, size - 2 - k);
  if (selector & 0x08) {
    fuzz_handshake(std::string_view(reinterpret_cast<const char*>(stream.data()), stream.size()));
    return 0;
  }
  WsDecoderOptions options;
  options.expect_masked = (selector & 0x01) != 0;
  if (selector & 0x02) options.max_frame = 100;
  options.allow_text = (selector & 0x04) != 0;

  const Outcome chunked = run(stream, chunk_sizes, options);
  const Outcome whole = run(stream, {}, options);
  require(chunked.data == whole.data, "data bytes depend on how the stream was cut");
  require(chunked.marks == whole.marks, "message ends or control frames depend on how the stream was cut");
  require(chunked.error.has_value() == whole.error.has_value(), "an error depends on how the stream was cut");
  if (whole.error)
    require(chunked.error->offset == whole.error->offset && chunked.close_code == whole.close_code,
            "the error depends on how the stream was cut");
  return 0;
}
