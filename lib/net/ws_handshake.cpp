#include "net/ws_handshake.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace mq::net {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// True when the comma-separated `list` holds `token` (case-insensitive).
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

DecodeError http_error(std::size_t offset, std::string field, std::string message) {
  return DecodeError{ErrorKind::ProtocolError, offset, std::move(field), std::move(message), {}};
}

/// Splits a head into its first line and headers; the error names the line.
struct Head {
  std::string_view first_line;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
};

Result<Head> split_head(std::string_view head) {
  Head h;
  std::size_t pos = 0;
  bool first = true;
  while (pos < head.size()) {
    auto eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view line = head.substr(pos, eol - pos);
    if (first) {
      h.first_line = line;
      first = false;
    } else if (!line.empty()) {
      auto colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0)
        return http_error(pos, "header", "malformed header line '" + std::string(line) + "'");
      h.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    pos = eol + 2;
  }
  return h;
}

std::optional<std::string_view> header(const Head& h, std::string_view name) {
  for (const auto& [k, v] : h.headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

}  // namespace

std::string ws_accept_key(std::string_view client_key) {
  std::string input(client_key);
  input += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha1(), nullptr);
  return base64(digest, len);
}

std::string ws_new_key() {
  unsigned char nonce[16];
  RAND_bytes(nonce, sizeof nonce);
  return base64(nonce, sizeof nonce);
}

std::size_t http_head_length(std::string_view data) {
  auto end = data.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

std::string build_ws_request(const WsRequestParams& p) {
  std::string out = "GET " + p.path + " HTTP/1.1\r\n";
  out += "Host: " + p.host_header + "\r\n";
  out += "Upgrade: websocket\r\n";
  out += "Connection: Upgrade\r\n";
  out += "Sec-WebSocket-Key: " + p.key + "\r\n";
  out += "Sec-WebSocket-Version: 13\r\n";
  out += "Sec-WebSocket-Protocol: mqtt\r\n";
  for (const auto& [k, v] : p.headers) out += k + ": " + v + "\r\n";
  out += "\r\n";
  return out;
}

Result<WsRequest> parse_ws_request(std::string_view text) {
  auto parsed = split_head(text);
  if (!parsed) return parsed.error();
  const Head& h = parsed.value();
  WsRequest req;
  // Request line: GET <target> HTTP/1.1
  std::string_view line = h.first_line;
  auto sp1 = line.find(' ');
  auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1)
    return http_error(0, "request line", "malformed request line '" + std::string(line) + "'");
  if (line.substr(0, sp1) != "GET")
    return http_error(0, "request line", "method must be GET, not '" + std::string(line.substr(0, sp1)) + "'");
  if (line.substr(sp2 + 1) != "HTTP/1.1")
    return http_error(sp2 + 1, "request line", "version must be HTTP/1.1, not '" + std::string(line.substr(sp2 + 1)) + "'");
  req.path = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  for (const auto& [k, v] : h.headers) req.headers.emplace_back(std::string(k), std::string(v));

  auto upgrade = header(h, "Upgrade");
  if (!upgrade || !has_token(*upgrade, "websocket"))
    return http_error(0, "Upgrade", "missing 'Upgrade: websocket' header");
  auto connection = header(h, "Connection");
  if (!connection || !has_token(*connection, "upgrade"))
    return http_error(0, "Connection", "missing 'Connection: Upgrade' header");
  auto version = header(h, "Sec-WebSocket-Version");
  if (!version || *version != "13")
    return http_error(0, "Sec-WebSocket-Version", "Sec-WebSocket-Version must be 13");
  auto key = header(h, "Sec-WebSocket-Key");
  unsigned char decoded[18];
  if (!key || key->size() != 24 ||
      EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(key->data()), 24) != 18)
    return http_error(0, "Sec-WebSocket-Key", "Sec-WebSocket-Key must be 16 bytes in base64");
  req.key = std::string(*key);
  auto protocols = header(h, "Sec-WebSocket-Protocol");
  if (protocols && has_token(*protocols, "mqtt")) req.protocol = "mqtt";
  else if (protocols && has_token(*protocols, "mqttv3.1")) req.protocol = "mqttv3.1";
  else
    return DecodeError{ErrorKind::ProtocolError, 0, "Sec-WebSocket-Protocol",
                       "the client must offer the 'mqtt' subprotocol", "MQTT-6.0.0-3"};
  return req;
}

std::string build_ws_response(std::string_view accept_key, std::string_view protocol) {
  std::string out = "HTTP/1.1 101 Switching Protocols\r\n";
  out += "Upgrade: websocket\r\n";
  out += "Connection: Upgrade\r\n";
  out += "Sec-WebSocket-Accept: " + std::string(accept_key) + "\r\n";
  out += "Sec-WebSocket-Protocol: " + std::string(protocol) + "\r\n";
  out += "\r\n";
  return out;
}

std::string build_http_error(int status, std::string_view reason_phrase, std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase) + "\r\n";
  out += "Connection: close\r\n";
  out += "Content-Type: text/plain\r\n";
  out += "Content-Length: " + std::to_string(body.size() + 1) + "\r\n\r\n";
  out += body;
  out += "\n";
  return out;
}

std::optional<DecodeError> check_ws_response(std::string_view text, std::string_view expected_accept,
                                             std::string* chosen) {
  auto parsed = split_head(text);
  if (!parsed) return parsed.error();
  const Head& h = parsed.value();
  std::string_view line = h.first_line;
  if (line.substr(0, 9) != "HTTP/1.1 " || line.size() < 12)
    return http_error(0, "status line", "not an HTTP/1.1 response: '" + std::string(line.substr(0, 80)) + "'");
  if (line.substr(9, 3) != "101")
    return http_error(9, "status line", "the server refused the WebSocket upgrade: " + std::string(line.substr(9)));
  auto upgrade = header(h, "Upgrade");
  if (!upgrade || !has_token(*upgrade, "websocket"))
    return http_error(0, "Upgrade", "missing 'Upgrade: websocket' header in the response");
  auto connection = header(h, "Connection");
  if (!connection || !has_token(*connection, "upgrade"))
    return http_error(0, "Connection", "missing 'Connection: Upgrade' header in the response");
  auto accept = header(h, "Sec-WebSocket-Accept");
  if (!accept || *accept != expected_accept)
    return http_error(0, "Sec-WebSocket-Accept", "wrong Sec-WebSocket-Accept (expected " + std::string(expected_accept) + ")");
  auto protocol = header(h, "Sec-WebSocket-Protocol");
  if (!protocol || !(iequals(*protocol, "mqtt") || iequals(*protocol, "mqttv3.1")))
    return DecodeError{ErrorKind::ProtocolError, 0, "Sec-WebSocket-Protocol",
                       "the server did not select the 'mqtt' subprotocol", "MQTT-6.0.0-4"};
  if (chosen) *chosen = std::string(*protocol);
  return std::nullopt;
}

}  // namespace mq::net
