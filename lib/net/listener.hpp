#pragma once
/// Servers: accept connections on a TCP address or a Unix socket path and
/// hand over ready streams (after the TLS and WebSocket handshakes).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "net/loop.hpp"
#include "net/stream.hpp"
#include "net/url.hpp"

struct uv_stream_s;

namespace mq::net {

class TlsServerContext;

/// How a Listener accepts connections.
struct ListenOptions {
  /// Certificates for mqtts:// and wss:// listeners (required for them).
  std::shared_ptr<TlsServerContext> tls;
  /// Time a new connection has to finish its TLS/WebSocket handshake.
  std::chrono::milliseconds handshake_timeout{10000};
  /// Largest WebSocket frame payload accepted from clients.
  std::uint64_t ws_max_frame = 256u * 1024 * 1024;
  /// listen() backlog.
  int backlog = 1024;
  /// TCP_NODELAY on accepted TCP sockets (false: Nagle's algorithm, as mosquitto by default).
  bool tcp_nodelay = true;
};

/// Receives each accepted, ready stream.
using AcceptHandler = std::function<void(std::shared_ptr<Stream>)>;
/// Receives connections that failed before becoming ready (peer, reason).
using AcceptErrorHandler = std::function<void(const std::string&, const NetError&)>;

/// A listening socket. Binds exactly the address asked for; port 0 picks a
/// free port, which port() and url() then report.
class Listener : public detail::LoopResource {
 public:
  /// Binds and listens on `url` (mqtt, mqtts, ws, wss or unix). A Unix
  /// socket file is created and removed again when the listener closes.
  static NetResult<std::unique_ptr<Listener>> listen(Loop& loop, const Url& url, ListenOptions options,
                                                     AcceptHandler on_accept, AcceptErrorHandler on_error = {});
  /// Closes the socket and any connection still in its handshake.
  ~Listener() override;
  /// Stops accepting; connections already handed over stay open.
  void close();
  /// Closes and forgets the loop.
  void detach() override;

  /// The address actually bound, with the real port.
  const Url& url() const { return url_; }
  /// The port actually bound (0 for Unix sockets).
  std::uint16_t port() const { return url_.port; }
  /// "127.0.0.1:41234", "[::1]:1883" or the socket path.
  std::string address() const;
  /// Uses `tls` for connections accepted from now on (certificate reload).
  void set_tls(std::shared_ptr<TlsServerContext> tls) { options_.tls = std::move(tls); }

  /// Use listen().
  Listener(Loop& loop, Url url, ListenOptions options, AcceptHandler on_accept, AcceptErrorHandler on_error);

 private:
  struct Pending;
  void on_connection(int status);
  void start_handshake(std::shared_ptr<Stream> stream);
  void handshake_done(std::uint64_t id, std::shared_ptr<Stream> stream, const NetError& error);

  Url url_;
  ListenOptions options_;
  AcceptHandler on_accept_;
  AcceptErrorHandler on_error_;
  uv_stream_s* handle_ = nullptr;
  std::map<std::uint64_t, std::unique_ptr<Pending>> pending_;
  std::uint64_t next_id_ = 0;
};

}  // namespace mq::net
