#pragma once
/// Client connections from a URL: TCP or Unix socket, then TLS and the
/// WebSocket upgrade as the scheme asks, bounded by one timeout.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/loop.hpp"
#include "net/socket_connect.hpp"
#include "net/socks5.hpp"
#include "net/stream.hpp"
#include "net/tls_context.hpp"
#include "net/url.hpp"

namespace mq::net {

/// How connect() reaches the broker.
struct ConnectOptions {
  /// Time for everything: resolving, connecting, TLS and WebSocket handshakes.
  std::chrono::milliseconds timeout{10000};
  /// TLS settings for mqtts:// and wss:// (used when `tls_context` is null).
  TlsClientOptions tls;
  /// A ready TLS context to share between connections (optional).
  std::shared_ptr<TlsClientContext> tls_context;
  /// Extra HTTP headers for the WebSocket upgrade request.
  std::vector<std::pair<std::string, std::string>> ws_headers;
  /// Largest WebSocket frame payload accepted from the server.
  std::uint64_t ws_max_frame = 256u * 1024 * 1024;
  /// Local IP address to connect from (TCP only); empty: chosen by the kernel.
  std::string source_address;
  /// A SOCKS5 proxy to reach the broker through (TCP schemes only).
  std::optional<ProxyOptions> proxy;
};

/// A connection in progress; destroying it cancels it (no callback then).
class PendingConnect {
 public:
  /// Use connect().
  PendingConnect(Loop& loop, Url url, ConnectOptions options, ConnectCallback cb);
  /// Cancels whatever step is under way.
  ~PendingConnect();
  PendingConnect(const PendingConnect&) = delete;
  PendingConnect& operator=(const PendingConnect&) = delete;

 private:
  friend std::unique_ptr<PendingConnect> connect(Loop&, const Url&, ConnectOptions, ConnectCallback);
  void begin();
  void on_socket(std::shared_ptr<Stream> stream, const NetError& error);
  void start_proxy(std::shared_ptr<Stream> stream);
  void start_tls(std::shared_ptr<Stream> stream);
  void start_websocket(std::shared_ptr<Stream> stream);
  void finish(std::shared_ptr<Stream> stream, const NetError& error);

  Loop& loop_;
  Url url_;
  ConnectOptions options_;
  ConnectCallback cb_;
  std::unique_ptr<SocketConnect> socket_;
  std::optional<Socks5Handshake> socks_;
  std::shared_ptr<Stream> handshaking_;
  Timer timer_;
  Timer tunnel_;  ///< continues after the SOCKS5 handshake, outside its data handler
};

/// Connects to `url`; `cb` gets the ready stream (after TLS and WebSocket
/// handshakes) or the error, from a loop callback.
std::unique_ptr<PendingConnect> connect(Loop& loop, const Url& url, ConnectOptions options, ConnectCallback cb);

}  // namespace mq::net
