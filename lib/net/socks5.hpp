#pragma once
/// The client side of a SOCKS5 proxy handshake (RFC 1928, with the user
/// name and password method of RFC 1929), without I/O: bytes in, the
/// bytes to send, and the end of the handshake or why it failed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/types.hpp"
#include "net/error.hpp"

namespace mq::net {

/// A SOCKS5 proxy as a URL gave it: socks5h://[user[:password]@]host[:port].
struct ProxyOptions {
  std::string host;
  std::uint16_t port = 1080;
  std::string user;      ///< empty: no authentication offered
  std::string password;
};

/// Parses socks5h://[user[:password]@]host[:port] (user and password
/// percent-decoded); socks5:// is refused, because mq lets the proxy
/// resolve the broker's name. Returns the options or a message.
std::optional<ProxyOptions> parse_proxy_url(const std::string& url, std::string* error);

/// One SOCKS5 CONNECT through a proxy to `host`:`port`.
class Socks5Handshake {
 public:
  /// What to do after feeding bytes.
  struct Step {
    std::vector<std::uint8_t> send;  ///< bytes for the proxy (may be empty)
    bool done = false;               ///< the tunnel is open: the stream now reaches the target
    std::optional<NetError> error;   ///< the handshake failed
  };

  /// `host` travels as a name (ATYP 3) unless it is an IPv4 or IPv6 literal.
  Socks5Handshake(std::string host, std::uint16_t port, std::string user, std::string password);

  /// The greeting that opens the handshake.
  std::vector<std::uint8_t> start() const;
  /// Takes bytes from the proxy (any split); returns what follows.
  Step feed(ByteView bytes);

 private:
  enum class State : std::uint8_t { Method, Auth, Reply, Done, Failed };
  Step fail(std::string message, NetErrc code = NetErrc::Connect);
  std::vector<std::uint8_t> connect_request() const;

  std::string host_;
  std::uint16_t port_;
  std::string user_, password_;
  State state_ = State::Method;
  std::vector<std::uint8_t> in_;
};

}  // namespace mq::net
