#pragma once
/// WebSocket framing (RFC 6455 section 5): an encoder and an incremental
/// decoder, both free of I/O so they can be unit-tested and fuzzed.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "codec/error.hpp"
#include "codec/types.hpp"

namespace mq::net {

/// Frame opcodes (RFC 6455 section 5.2).
enum class WsOpcode : std::uint8_t {
  Continuation = 0x0,  ///< continues a fragmented message
  Text = 0x1,          ///< UTF-8 text (not allowed for MQTT)
  Binary = 0x2,        ///< binary data (MQTT uses these)
  Close = 0x8,         ///< close handshake
  Ping = 0x9,          ///< ping; answered with a pong
  Pong = 0xA,          ///< pong
};

/// A 4-byte masking key, in wire order.
using WsMask = std::array<std::uint8_t, 4>;

/// Appends one frame to `out`: FIN flag, opcode, length in the shortest
/// form, the mask key when given (client to server) and the payload, masked
/// with it.
void encode_ws_frame(std::vector<std::uint8_t>& out, WsOpcode opcode, ByteView payload, bool fin = true,
                     std::optional<WsMask> mask = std::nullopt);

/// XORs `bytes` with `mask`, starting at position `offset` of the payload.
void apply_ws_mask(std::uint8_t* bytes, std::size_t n, const WsMask& mask, std::uint64_t offset);

/// What the decoder reports.
enum class WsEventKind : std::uint8_t {
  Data,   ///< payload bytes of a data frame (possibly a part of it)
  Ping,   ///< a complete ping frame
  Pong,   ///< a complete pong frame
  Close,  ///< a complete close frame
};

/// One decoded event. `payload` is valid only during the callback.
struct WsEvent {
  WsEventKind kind = WsEventKind::Data;  ///< what arrived
  ByteView payload;                      ///< data or control payload (unmasked)
  bool message_end = false;              ///< Data: the last bytes of a message
  std::uint16_t close_code = 0;          ///< Close: status code, 1005 when absent
  std::string_view close_reason;         ///< Close: UTF-8 reason
};

/// Decoder settings.
struct WsDecoderOptions {
  bool expect_masked = true;  ///< server side: client frames must be masked; client side: must not be
  std::uint64_t max_frame = 256u * 1024 * 1024;  ///< largest payload accepted
  bool allow_text = false;    ///< accept text frames (MQTT forbids them [MQTT-6.0.0-1])
};

/// Incremental frame decoder. Data payload is passed on as it arrives, so a
/// large frame is never buffered; control frames (at most 125 bytes) are
/// collected whole. After an error the decoder stays failed.
class WsDecoder {
 public:
  /// A decoder with the given options.
  explicit WsDecoder(WsDecoderOptions options = {}) : options_(options) {}
  /// Consumes `bytes`, calling `on_event` for each event. Returns the error
  /// (offset counted from the start of the stream) when the peer broke the
  /// protocol; the WebSocket close code to send is in close_code_for().
  std::optional<DecodeError> feed(ByteView bytes, const std::function<void(const WsEvent&)>& on_event);
  /// The close status to send after an error: 1002, 1003, 1007 or 1009.
  std::uint16_t error_close_code() const { return error_code_; }

 private:
  std::optional<DecodeError> fail(std::uint16_t code, std::string message, std::string rule = {});
  std::optional<DecodeError> header_complete(const std::function<void(const WsEvent&)>& on_event);
  std::optional<DecodeError> control_complete(const std::function<void(const WsEvent&)>& on_event);

  WsDecoderOptions options_;
  std::uint64_t stream_offset_ = 0;
  std::array<std::uint8_t, 14> header_{};
  std::size_t header_len_ = 0;
  bool in_payload_ = false;
  bool fin_ = false;
  WsOpcode opcode_ = WsOpcode::Binary;
  bool masked_ = false;
  WsMask mask_{};
  std::uint64_t remaining_ = 0;
  std::uint64_t payload_pos_ = 0;
  bool in_message_ = false;  // a fragmented data message is open
  std::vector<std::uint8_t> control_;
  std::vector<std::uint8_t> scratch_;
  bool failed_ = false;
  std::uint16_t error_code_ = 0;
};

}  // namespace mq::net
