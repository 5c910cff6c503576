#pragma once
/// MQTT over WebSocket: the upgrade handshake and binary frames on top of
/// any Stream (TCP or TLS).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/loop.hpp"
#include "net/stream.hpp"
#include "net/ws_frame.hpp"

namespace mq::net {

/// Client-side WebSocket settings.
struct WsClientOptions {
  std::string host;                ///< for the Host header
  std::uint16_t port = 0;          ///< for the Host header
  std::uint16_t default_port = 0;  ///< the Host header omits the port when it is this one
  std::string path = "/mqtt";      ///< request target
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra request headers
  std::uint64_t max_frame = 256u * 1024 * 1024;              ///< largest frame accepted
};

/// Server-side WebSocket settings.
struct WsServerOptions {
  std::string path;  ///< required request path; empty accepts any
  std::uint64_t max_frame = 256u * 1024 * 1024;  ///< largest frame accepted
};

/// A Stream carried in WebSocket binary frames. Bytes written during one
/// loop iteration go out as one frame; incoming frames are passed on as
/// they arrive, whatever their boundaries [MQTT-6.0.0-2].
class WsStream final : public Stream {
 public:
  /// Called once when the upgrade has finished or failed.
  using ReadyHandler = std::function<void(const NetError&)>;

  /// Client side: sends the upgrade request on start().
  static std::shared_ptr<WsStream> client(Loop& loop, std::shared_ptr<Stream> inner, WsClientOptions options);
  /// Server side: waits for the upgrade request on start().
  static std::shared_ptr<WsStream> server(Loop& loop, std::shared_ptr<Stream> inner, WsServerOptions options);
  /// Starts the handshake; `ready` is called when it finishes or fails.
  void start(ReadyHandler ready);
  /// Detaches from and closes the inner stream.
  ~WsStream() override;

  /// Queues a copy of `bytes` (see Stream::write).
  void write(ByteView bytes) override;
  /// Sends what is queued, then closes (see Stream::close).
  void close() override;
  /// Closes at once (see Stream::abort).
  void abort() override;
  /// Stops reading from the socket below.
  void pause_reading() override { inner_->pause_reading(); }
  /// Reads from the socket below again.
  void resume_reading() override { inner_->resume_reading(); }
  /// Bytes written but not yet taken by the kernel.
  std::size_t queued_bytes() const override { return out_.size() + inner_->queued_bytes(); }
  /// The address of the peer below.
  std::string peer_address() const override { return inner_->peer_address(); }
  /// The peer certificate subject CN, if TLS is below.
  std::string peer_cert_cn() const override { return inner_->peer_cert_cn(); }
  /// The peer certificate's whole subject, if TLS is below.
  std::string peer_cert_subject() const override { return inner_->peer_cert_subject(); }
  /// The request path (server side, after the handshake).
  const std::string& path() const { return path_; }
  /// The subprotocol the server chose (client side, after the handshake).
  const std::string& protocol() const { return protocol_; }
  /// Sends the queued bytes as one binary frame (called by the loop).
  void flush() override;

  /// Use client() or server().
  WsStream(Loop& loop, std::shared_ptr<Stream> inner, bool is_client, std::uint64_t max_frame);

 private:
  void on_inner_data(ByteView bytes);
  void on_inner_close(const NetError& why);
  void handshake_data(ByteView bytes);
  void frames(ByteView bytes);
  void send_frame(WsOpcode op, ByteView payload);
  void send_close(std::uint16_t code, std::string_view reason);
  void fail(NetError error, std::uint16_t close_code);
  void handshake_done(const NetError& error);

  Loop* loop_;
  std::shared_ptr<Stream> inner_;
  bool is_client_;
  WsDecoder decoder_;
  WsClientOptions client_options_;
  WsServerOptions server_options_;
  std::string expected_accept_;
  std::string head_;
  std::string path_;
  std::string protocol_;
  bool open_ = false;
  bool close_sent_ = false;
  ReadyHandler ready_;
  std::vector<std::uint8_t> out_;
  NetError error_;
};

}  // namespace mq::net
