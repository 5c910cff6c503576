#include <doctest/doctest.h>

#include "echo_run.hpp"
#include "net/socket_connect.hpp"
#include "net/tls_context.hpp"
#include "net/ws_frame.hpp"
#include "net/ws_handshake.hpp"
#include "test_pki.hpp"

using namespace mq;
using namespace mq::net;
using namespace mq::net::test;

namespace {

std::function<std::string(const Url&)> to(const std::string& scheme, const std::string& path = "/mqtt") {
  return [scheme, path](const Url& bound) { return scheme + "://127.0.0.1:" + std::to_string(bound.port) + path; };
}

/// A raw TCP client that sends `request`, then `after` once a response
/// head arrived, and records everything the server sent until it closed.
struct RawExchange {
  std::string response;
  std::vector<NetError> server_errors;
  bool closed = false;
};

RawExchange raw_exchange(const std::string& listen_url, const std::string& request, const std::vector<std::uint8_t>& after) {
  RawExchange out;
  TestLoop t;
  {
    EchoServer server;
    auto listener = Listener::listen(t.loop, parse_url(listen_url).value(), {}, server.handler(), server.error_handler());
    REQUIRE(listener);
    std::shared_ptr<Stream> client;
    bool sent_after = false;
    auto job = SocketConnect::tcp(t.loop, "127.0.0.1", listener.value()->port(), [&](auto s, const NetError& e) {
      REQUIRE_FALSE(e);
      client = s;
      s->on_data([&](ByteView b) {
        out.response.append(as_chars(b));
        if (!sent_after && !after.empty() && http_head_length(out.response) > 0) {
          sent_after = true;
          client->write(after);
        }
      });
      s->on_close([&](const NetError&) { out.closed = true; });
      s->write(as_bytes(request));
    });
    t.run_until([&] { return out.closed && server.errors.size() + server.closed >= 1; });
    out.server_errors = server.errors;
    job.reset();
    client.reset();
    server.streams.clear();
    listener.value().reset();
  }
  t.check_clean();
  return out;
}

const char* kUpgrade =
    "GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

}  // namespace

TEST_CASE("ws: echo 4 MB over plain TCP") {
  auto out = run_echo("ws://127.0.0.1:0/mqtt", {}, to("ws"), {}, 4 * 1024 * 1024);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
  CHECK(out.client_close.code == NetErrc::None);
  CHECK(out.server_errors.empty());
}

TEST_CASE("ws: echo over TLS (wss)") {
  TestPki pki;
  make_pki(pki);
  TlsServerOptions so;
  so.cert_file = pki.server_cert;
  so.key_file = pki.server_key;
  ListenOptions lo;
  lo.tls = TlsServerContext::create(so).value();
  ConnectOptions co;
  co.tls.ca_file = pki.ca_cert;
  co.ws_headers = {{"X-Test", "1"}};
  auto out = run_echo("wss://127.0.0.1:0/mqtt", lo, to("wss"), co, 3 * 1024 * 1024);
  CHECK_MESSAGE(!out.connect_error, out.connect_error.message);
  CHECK(out.data_ok);
  CHECK(out.client_saw_cn == "localhost");
}

TEST_CASE("ws: a wrong path gets 404 and a plain client error") {
  auto out = run_echo("ws://127.0.0.1:0/mqtt", {}, to("ws", "/other"), {}, 10);
  CHECK(out.connect_error.code == NetErrc::WebSocket);
  CHECK(out.connect_error.message.find("the server refused the WebSocket upgrade: 404 Not Found") != std::string::npos);
  REQUIRE(out.server_errors.size() == 1);
  CHECK(out.server_errors[0].message.find("no WebSocket endpoint at '/other'") != std::string::npos);
}

TEST_CASE("ws: the server answers 400 when the mqtt subprotocol is missing") {
  auto out = raw_exchange("ws://127.0.0.1:0/mqtt", std::string(kUpgrade) + "\r\n", {});
  CHECK(out.response.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(out.response.find("the client must offer the 'mqtt' subprotocol [MQTT-6.0.0-3]") != std::string::npos);
  REQUIRE(out.server_errors.size() == 1);
  CHECK(out.server_errors[0].code == NetErrc::WebSocket);
}

TEST_CASE("ws: the server rejects unmasked client frames with close 1002") {
  std::vector<std::uint8_t> unmasked;
  encode_ws_frame(unmasked, WsOpcode::Binary, as_bytes("hi"));
  auto out = raw_exchange("ws://127.0.0.1:0/mqtt", std::string(kUpgrade) + "Sec-WebSocket-Protocol: mqtt\r\n\r\n",
                          unmasked);
  auto head = http_head_length(out.response);
  REQUIRE(head > 0);
  CHECK(out.response.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
  // After the head: a close frame with status 1002 (protocol error).
  CHECK(out.response.substr(head) == std::string("\x88\x02\x03\xEA", 4));
}

TEST_CASE("ws: ping is answered with pong") {
  std::vector<std::uint8_t> ping;
  encode_ws_frame(ping, WsOpcode::Ping, as_bytes("ab"), true, WsMask{1, 2, 3, 4});
  std::vector<std::uint8_t> close;
  encode_ws_frame(close, WsOpcode::Close, std::vector<std::uint8_t>{0x03, 0xE8}, true, WsMask{5, 6, 7, 8});
  ping.insert(ping.end(), close.begin(), close.end());
  auto out = raw_exchange("ws://127.0.0.1:0/mqtt", std::string(kUpgrade) + "Sec-WebSocket-Protocol: mqtt\r\n\r\n", ping);
  auto head = http_head_length(out.response);
  REQUIRE(head > 0);
  // pong "ab" (unmasked, server to client), then the close reply 1000
  CHECK(out.response.substr(head) == std::string("\x8A\x02" "ab" "\x88\x02\x03\xE8", 8));
  CHECK(out.server_errors.empty());
}
