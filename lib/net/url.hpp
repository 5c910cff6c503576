#pragma once
/// Broker URLs: mqtt://, mqtts://, ws://, wss:// and unix:// (pure parsing).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/error.hpp"

namespace mq::net {

/// The transport a URL asks for.
enum class Scheme : std::uint8_t {
  Mqtt,   ///< MQTT over TCP
  Mqtts,  ///< MQTT over TLS over TCP
  Ws,     ///< MQTT over WebSocket over TCP
  Wss,    ///< MQTT over WebSocket over TLS over TCP
  Unix,   ///< MQTT over a Unix domain stream socket
};

/// "mqtt", "mqtts", "ws", "wss" or "unix".
std::string_view scheme_name(Scheme s);
/// The port used when a URL names none: 1883, 8883, 80, 443 (0 for unix).
std::uint16_t default_port(Scheme s);
/// True for mqtts and wss.
bool uses_tls(Scheme s);
/// True for ws and wss.
bool uses_websocket(Scheme s);

/// A parsed broker URL. `host` holds an IPv6 address without brackets.
struct Url {
  Scheme scheme = Scheme::Mqtt;          ///< transport
  std::optional<std::string> user;       ///< percent-decoded user name
  std::optional<std::string> password;   ///< percent-decoded password
  std::string host;                      ///< name, IPv4 or IPv6 (no brackets)
  std::uint16_t port = 0;                ///< explicit or default port
  std::string path;                      ///< ws path (default /mqtt) or socket path
};

/// Parses a URL such as "mqtts://user:p%40ss@[::1]:8883" or
/// "unix:///run/mq.sock". Errors carry the byte offset in the text, the part
/// that failed ("scheme", "host", "port", ...) and what is wrong with it.
Result<Url> parse_url(std::string_view text);

/// Formats a URL back to text; the password is shown as "****" unless
/// `show_password` is set. IPv6 hosts get their brackets back.
std::string to_string(const Url& url, bool show_password = false);

/// "host:port" with brackets around IPv6 hosts, for messages.
std::string host_port(std::string_view host, std::uint16_t port);

/// Decodes %XX escapes; nullopt on a malformed escape (its offset goes to
/// `bad_offset` when given).
std::optional<std::string> percent_decode(std::string_view s, std::size_t* bad_offset = nullptr);

}  // namespace mq::net
