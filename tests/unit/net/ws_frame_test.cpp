#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "net/ws_frame.hpp"
#include "net/ws_handshake.hpp"

using namespace mq;
using namespace mq::net;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hello() { return Bytes{'H', 'e', 'l', 'l', 'o'}; }

/// Everything a decoder reported, flattened for comparison.
struct Seen {
  std::vector<WsEventKind> kinds;
  Bytes data;
  Bytes control;
  std::uint16_t close_code = 0;
  std::string close_reason;
  int message_ends = 0;
  std::optional<DecodeError> error;
};

Seen decode(const Bytes& wire, WsDecoderOptions o, std::size_t step = 0) {
  WsDecoder d(o);
  Seen s;
  auto on = [&](const WsEvent& ev) {
    s.kinds.push_back(ev.kind);
    if (ev.kind == WsEventKind::Data) {
      s.data.insert(s.data.end(), ev.payload.begin(), ev.payload.end());
      if (ev.message_end) ++s.message_ends;
    } else {
      s.control.assign(ev.payload.begin(), ev.payload.end());
    }
    if (ev.kind == WsEventKind::Close) {
      s.close_code = ev.close_code;
      s.close_reason = std::string(ev.close_reason);
    }
  };
  if (step == 0) step = wire.size();
  for (std::size_t i = 0; i < wire.size() && !s.error; i += step) {
    std::size_t n = std::min(step, wire.size() - i);
    s.error = d.feed(ByteView(wire.data() + i, n), on);
  }
  return s;
}

WsDecoderOptions as_client() { return WsDecoderOptions{false, 1 << 20, true}; }  // server frames, unmasked
WsDecoderOptions as_server() { return WsDecoderOptions{true, 1 << 20, false}; }  // client frames, masked

const WsMask kRfcMask{0x37, 0xfa, 0x21, 0x3d};

}  // namespace

// The examples of RFC 6455 section 5.7, byte for byte.
TEST_CASE("ws frame: RFC 6455 5.7 examples encode") {
  Bytes out;
  encode_ws_frame(out, WsOpcode::Text, hello());
  CHECK(out == Bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});  // FIN+text, len 5, "Hello"

  out.clear();
  encode_ws_frame(out, WsOpcode::Text, hello(), true, kRfcMask);
  CHECK(out == Bytes{0x81, 0x85,                    // FIN+text, MASK + len 5
                     0x37, 0xfa, 0x21, 0x3d,        // masking key
                     0x7f, 0x9f, 0x4d, 0x51, 0x58});  // "Hello" masked

  out.clear();
  encode_ws_frame(out, WsOpcode::Text, Bytes{'H', 'e', 'l'}, false);
  encode_ws_frame(out, WsOpcode::Continuation, Bytes{'l', 'o'}, true);
  CHECK(out == Bytes{0x01, 0x03, 0x48, 0x65, 0x6c,   // text, not FIN, "Hel"
                     0x80, 0x02, 0x6c, 0x6f});        // FIN+continuation, "lo"

  out.clear();
  encode_ws_frame(out, WsOpcode::Ping, hello());
  CHECK(out == Bytes{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});  // unmasked ping

  out.clear();
  encode_ws_frame(out, WsOpcode::Pong, hello(), true, kRfcMask);
  CHECK(out == Bytes{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});  // masked pong

  out.clear();
  encode_ws_frame(out, WsOpcode::Binary, Bytes(256, 0xAB));
  REQUIRE(out.size() == 4 + 256);
  CHECK(Bytes(out.begin(), out.begin() + 4) == Bytes{0x82, 0x7E, 0x01, 0x00});  // 16-bit length 256

  out.clear();
  encode_ws_frame(out, WsOpcode::Binary, Bytes(65536, 0xCD));
  REQUIRE(out.size() == 10 + 65536);
  CHECK(Bytes(out.begin(), out.begin() + 10) ==
        Bytes{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00});  // 64-bit length 65536
}

TEST_CASE("ws frame: RFC 6455 5.7 examples decode, whole and byte by byte") {
  for (std::size_t step : {0, 1, 2, 3}) {
    CAPTURE(step);
    auto unmasked = decode({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, as_client(), step);
    CHECK_FALSE(unmasked.error);
    CHECK(unmasked.data == hello());
    CHECK(unmasked.message_ends == 1);

    WsDecoderOptions text_server = as_server();
    text_server.allow_text = true;
    auto masked = decode({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, text_server, step);
    CHECK_FALSE(masked.error);
    CHECK(masked.data == hello());

    auto fragmented = decode({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}, as_client(), step);
    CHECK_FALSE(fragmented.error);
    CHECK(fragmented.data == hello());
    CHECK(fragmented.message_ends == 1);

    auto ping = decode({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, as_client(), step);
    REQUIRE(ping.kinds == std::vector<WsEventKind>{WsEventKind::Ping});
    CHECK(ping.control == hello());

    auto pong = decode({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, as_server(), step);
    REQUIRE(pong.kinds == std::vector<WsEventKind>{WsEventKind::Pong});
    CHECK(pong.control == hello());
  }
}

TEST_CASE("ws frame: a ping between fragments, and close frames") {
  // binary "ab" not FIN, ping "x", continuation "c" FIN, close 1000 "bye"
  Bytes wire{0x02, 0x02, 'a', 'b', 0x89, 0x01, 'x', 0x80, 0x01, 'c', 0x88, 0x05, 0x03, 0xE8, 'b', 'y', 'e'};
  auto s = decode(wire, as_client(), 1);
  CHECK_FALSE(s.error);
  CHECK(s.data == Bytes{'a', 'b', 'c'});
  CHECK(s.close_code == 1000);
  CHECK(s.close_reason == "bye");
  auto empty_close = decode({0x88, 0x00}, as_client());
  CHECK(empty_close.close_code == 1005);
}

TEST_CASE("ws frame: protocol errors with close codes") {
  struct Case {
    Bytes wire;
    WsDecoderOptions options;
    std::string message;
    std::uint16_t code;
  };
  std::vector<Case> cases = {
      {{0x82, 0x01, 'a'}, as_server(), "client frames must be masked", 1002},
      {{0x82, 0x81, 1, 2, 3, 4, 'a'}, as_client(), "server frames must not be masked", 1002},
      {{0x81, 0x01, 'a'}, as_client(), "", 0},  // text allowed by as_client()
      {{0xC2, 0x00}, as_client(), "reserved bits RSV1-3 are set but no extension was negotiated", 1002},
      {{0x83, 0x00}, as_client(), "unknown opcode 0x3", 1002},
      {{0x80, 0x00}, as_client(), "continuation frame without a message to continue", 1002},
      {{0x02, 0x00, 0x82, 0x00}, as_client(), "new data frame while a fragmented message is still open", 1002},
      {{0x09, 0x00}, as_client(), "control frames must not be fragmented", 1002},
      {{0x89, 0x7E, 0x00, 0x7E}, as_client(), "control frame payload of 126 bytes (limit 125)", 1002},
      {{0x82, 0x7E, 0x00, 0x05}, as_client(), "payload length 5 is not in its shortest form", 1002},
      {{0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}, as_client(), "payload length has its most significant bit set", 1002},
      {{0x82, 0x7F, 0, 0, 0, 0, 0x10, 0, 0, 0}, as_client(), "frame of 268435456 bytes exceeds the limit of 1048576", 1009},
      {{0x88, 0x01, 0x03}, as_client(), "close frame with a 1-byte payload", 1002},
      {{0x88, 0x02, 0x03, 0xED}, as_client(), "invalid close status code 1005", 1002},
      {{0x88, 0x03, 0x03, 0xE8, 0xFF}, as_client(), "close reason is not valid UTF-8", 1007},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    WsDecoder d(c.options);
    auto err = d.feed(c.wire, [](const WsEvent&) {});
    if (c.code == 0) {
      CHECK_FALSE(err);
      continue;
    }
    REQUIRE(err);
    CHECK(err->message == c.message);
    CHECK(d.error_close_code() == c.code);
  }
  // MQTT forbids text frames and names the rule.
  WsDecoder d(as_server());
  auto err = d.feed(Bytes{0x81, 0x81, 1, 2, 3, 4, 'a'}, [](const WsEvent&) {});
  REQUIRE(err);
  CHECK(err->rule == "MQTT-6.0.0-1");
  CHECK(d.error_close_code() == 1003);
}

TEST_CASE("ws frame: masked payload split anywhere unmasks correctly") {
  Bytes payload(1000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  Bytes wire;
  encode_ws_frame(wire, WsOpcode::Binary, payload, true, WsMask{9, 8, 7, 6});
  for (std::size_t step : {1, 3, 5, 64, 999}) {
    auto s = decode(wire, as_server(), step);
    CHECK_FALSE(s.error);
    CHECK(s.data == payload);
  }
}

TEST_CASE("ws handshake: RFC 6455 accept key") {
  // RFC 6455 section 1.3: base64(SHA-1("dGhlIHNhbXBsZSBub25jZQ==" + GUID)).
  CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(ws_new_key().size() == 24);
  CHECK(ws_new_key() != ws_new_key());
}

TEST_CASE("ws handshake: request and response") {
  WsRequestParams p;
  p.host_header = "broker:9001";
  p.path = "/mqtt";
  p.key = "dGhlIHNhbXBsZSBub25jZQ==";
  p.headers = {{"Authorization", "Bearer x"}};
  std::string req = build_ws_request(p);
  CHECK(req ==
        "GET /mqtt HTTP/1.1\r\nHost: broker:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: mqtt\r\nAuthorization: Bearer x\r\n\r\n");
  CHECK(http_head_length(req) == req.size());
  CHECK(http_head_length(req.substr(0, req.size() - 1)) == 0);
  auto parsed = parse_ws_request(req);
  REQUIRE(parsed.ok());
  CHECK(parsed->path == "/mqtt");
  CHECK(parsed->key == p.key);
  CHECK(parsed->protocol == "mqtt");

  std::string resp = build_ws_response(ws_accept_key(p.key), "mqtt");
  CHECK(resp ==
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n");
  CHECK_FALSE(check_ws_response(resp, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
  auto wrong = check_ws_response(resp, "AAAA");
  REQUIRE(wrong);
  CHECK(wrong->message == "wrong Sec-WebSocket-Accept (expected AAAA)");
  auto refused = check_ws_response("HTTP/1.1 404 Not Found\r\n\r\n", "x");
  REQUIRE(refused);
  CHECK(refused->message == "the server refused the WebSocket upgrade: 404 Not Found");
}

TEST_CASE("ws handshake: request errors") {
  auto err = [](std::string text) {
    auto r = parse_ws_request(text);
    REQUIRE_FALSE(r.ok());
    return r.error();
  };
  std::string ok_headers =
      "Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  CHECK(err("POST / HTTP/1.1\r\n" + ok_headers + "\r\n").message == "method must be GET, not 'POST'");
  CHECK(err("GET / HTTP/1.0\r\n" + ok_headers + "\r\n").message == "version must be HTTP/1.1, not 'HTTP/1.0'");
  auto no_proto = err("GET / HTTP/1.1\r\n" + ok_headers + "\r\n");
  CHECK(no_proto.message == "the client must offer the 'mqtt' subprotocol");
  CHECK(no_proto.rule == "MQTT-6.0.0-3");
  CHECK(err("GET / HTTP/1.1\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n").message == "missing 'Upgrade: websocket' header");
  CHECK(err("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n\r\n")
            .message == "Sec-WebSocket-Version must be 13");
  CHECK(err("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Key: short\r\n\r\n")
            .message == "Sec-WebSocket-Key must be 16 bytes in base64");
  CHECK(err("GET / HTTP/1.1\r\nno colon here\r\n\r\n").message == "malformed header line 'no colon here'");
  // The old "mqttv3.1" name is accepted and echoed.
  auto old = parse_ws_request("GET / HTTP/1.1\r\n" + ok_headers + "Sec-WebSocket-Protocol: mqttv3.1\r\n\r\n");
  REQUIRE(old.ok());
  CHECK(old->protocol == "mqttv3.1");
}
