#pragma once
/// Turns one direction's reassembled byte stream into whole MQTT packets.
/// At the start it recognises a WebSocket upgrade (the client's HTTP GET
/// with "Upgrade: websocket", the broker's "101" answer) and from then on
/// unwraps the frames. A stream whose start was not captured, or whose
/// framing was lost (a gap, a bad fixed header), is resynchronised on the
/// first plausible packet: a fixed header whose packet decodes strictly and
/// is followed by another plausible fixed header or by the end of the data.
/// Each skip is reported as a note. Pure logic; no I/O.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/tcp_stream.hpp"
#include "net/ws_frame.hpp"

namespace mq::capture {

/// Where the packets go.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  /// One whole packet, fixed header included; valid during the call.
  virtual void packet(ByteView bytes) = 0;
  /// Something the reader should know about the stream ("resynchronised after 17 bytes...").
  virtual void note(std::string text) = 0;
};

/// Bounds on what one direction may hold.
struct ExtractLimits {
  std::size_t max_packet = 16 * 1024 * 1024;  ///< larger packets are skipped, not buffered
  std::size_t max_resync_packet = 64 * 1024;  ///< while resynchronising, longer candidates are not waited for
  std::size_t max_http_header = 16 * 1024;    ///< the WebSocket upgrade request or answer
};

/// Which end sends this direction (WebSocket masking and HTTP differ).
enum class Sender : std::uint8_t { Client, Server };

class MqttExtractor : public StreamSink {
 public:
  MqttExtractor(Sender sender, PacketSink& sink, ExtractLimits limits = {});

  void begin(bool mid_stream) override;
  void data(ByteView bytes) override;
  void gap(std::uint64_t missing) override;

  /// The stream ended: reports bytes left that do not make a whole packet.
  void end();

  /// True once the stream was recognised as MQTT over WebSocket.
  bool websocket() const { return mode_ == Mode::WebSocket; }

 private:
  enum class Mode : std::uint8_t { Detect, Http, WebSocket, Mqtt, Lost };

  void detect();
  void http_header();
  void unwrap(ByteView bytes);
  void extract();
  /// Looks for a plausible packet in the buffer; false when more data is needed.
  bool resync();
  bool plausible_at(std::size_t at, bool& need_more) const;
  void lose(std::string why);
  ByteView pending() const { return ByteView(buffer_).subspan(head_); }
  void consume(std::size_t n);

  Sender sender_;
  PacketSink& sink_;
  ExtractLimits limits_;
  Mode mode_ = Mode::Detect;
  bool resync_ = false;
  std::string resync_reason_;
  std::vector<std::uint8_t> buffer_;  ///< undecoded bytes from head_ on
  std::size_t head_ = 0;
  std::uint64_t offset_ = 0;     ///< stream offset of buffer_[head_] (MQTT bytes after unwrapping)
  std::uint64_t skip_ = 0;       ///< bytes of an oversized packet still to drop
  std::optional<net::WsDecoder> ws_;
};

}  // namespace mq::capture
