#pragma once
/// The WebSocket opening handshake (RFC 6455 section 4) as pure functions:
/// build and check the HTTP upgrade request and response.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/error.hpp"

namespace mq::net {

/// Largest HTTP head (request or response line plus headers) accepted.
inline constexpr std::size_t kMaxHttpHead = 16 * 1024;

/// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key: base64 of the
/// SHA-1 of the key followed by the RFC's GUID.
std::string ws_accept_key(std::string_view client_key);

/// A fresh Sec-WebSocket-Key: base64 of 16 random bytes.
std::string ws_new_key();

/// Length of the HTTP head in `data` including the blank line, 0 when the
/// blank line has not arrived yet.
std::size_t http_head_length(std::string_view data);

/// What the client puts in its upgrade request.
struct WsRequestParams {
  std::string host_header;  ///< value of Host, e.g. "broker:9001"
  std::string path;         ///< request target, e.g. "/mqtt"
  std::string key;          ///< Sec-WebSocket-Key
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
};

/// The client's GET request asking for the "mqtt" subprotocol.
std::string build_ws_request(const WsRequestParams& params);

/// What the server learned from a valid upgrade request.
struct WsRequest {
  std::string path;      ///< request target
  std::string key;       ///< Sec-WebSocket-Key
  std::string protocol;  ///< subprotocol chosen: "mqtt" (or the old "mqttv3.1")
  std::vector<std::pair<std::string, std::string>> headers;  ///< all headers as sent
};

/// Checks an upgrade request head: GET, HTTP/1.1, Upgrade: websocket,
/// Connection: Upgrade, version 13, a 16-byte key and the mqtt subprotocol.
Result<WsRequest> parse_ws_request(std::string_view head);

/// The server's 101 response.
std::string build_ws_response(std::string_view accept_key, std::string_view protocol);

/// An HTTP error response that ends the connection (e.g. 400 with the reason).
std::string build_http_error(int status, std::string_view reason_phrase, std::string_view body);

/// Checks the server's response head: status 101, Upgrade, Connection, the
/// expected Sec-WebSocket-Accept and the mqtt subprotocol. The subprotocol
/// the server chose goes to `protocol` when given.
std::optional<DecodeError> check_ws_response(std::string_view head, std::string_view expected_accept,
                                             std::string* protocol = nullptr);

}  // namespace mq::net
