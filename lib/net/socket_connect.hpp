#pragma once
/// Establishing a TCP connection (name resolution, then each address in
/// turn) or a Unix domain socket connection.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/loop.hpp"
#include "net/stream.hpp"

struct uv_getaddrinfo_s;
struct uv_connect_s;
struct uv_stream_s;
struct addrinfo;

namespace mq::net {

/// Receives the connected stream, or nullptr and the reason.
using ConnectCallback = std::function<void(std::shared_ptr<Stream>, const NetError&)>;

/// A connection being established. The callback runs once, from a loop
/// callback; destroying this object first cancels it and the callback is
/// never called.
class SocketConnect : public detail::LoopResource {
 public:
  /// Resolves `host` asynchronously (IP literals and localhost without a
  /// resolver) and connects to each address in turn (TCP_NODELAY on) until
  /// one accepts. A non-empty `source` (an IP address) is bound as the
  /// local address first, so that many connections can use several source
  /// addresses, each with its own ephemeral port range.
  static std::unique_ptr<SocketConnect> tcp(Loop& loop, std::string host, std::uint16_t port, ConnectCallback cb,
                                            std::string source = {});
  /// Connects to the Unix domain socket at `path`.
  static std::unique_ptr<SocketConnect> unix_socket(Loop& loop, std::string path, ConnectCallback cb);

  /// Cancels whatever is in progress.
  ~SocketConnect() override;
  /// Cancels and forgets the loop.
  void detach() override;

  /// Use tcp() or unix_socket().
  SocketConnect(Loop& loop, ConnectCallback cb);

 private:
  void on_resolved(int status, addrinfo* res);
  void try_next();
  void on_connected(int status);
  void finish(std::shared_ptr<Stream> stream, const NetError& error);
  void cancel();

  ConnectCallback cb_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::string source_;  ///< local address to bind, empty: any
  uv_getaddrinfo_s* resolve_req_ = nullptr;
  std::vector<std::vector<unsigned char>> addresses_;  // sockaddr bytes
  std::size_t next_ = 0;
  std::string failures_;
  uv_stream_s* handle_ = nullptr;   // being connected
  uv_connect_s* connect_req_ = nullptr;
  std::string current_peer_;
  std::unique_ptr<Timer> fail_timer_;  ///< reports early failures, or starts connecting to known addresses
};

/// "127.0.0.1:1883" or "[::1]:1883" for a socket address.
std::string sockaddr_text(const void* sockaddr);

}  // namespace mq::net
